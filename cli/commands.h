#pragma once
// Commands of the aezoo CLI that live in their own files (cli/main.cpp dispatches to them).
// Each takes the arguments after the command name and returns the exit status; usage errors
// print `error: ...` and the command's usage on stderr and return 2, other failures throw
// (main prints them as one `error:` line).
#include <string>
#include <vector>

namespace aezoo::cli {

/// `aezoo sample RUN_DIR [--n N] [--steps T] [--step-size E] [--seed S] [-o FILE]`: Langevin
/// samples from the score of a trained run (cli/sample.cpp).
int sample_main(const std::vector<std::string>& args);

/// `aezoo analyze SUBCOMMAND ...`: manifold analysis of trained runs (vector fields, tangent
/// planes, Jacobian spectra, Isomap, tilings; cli/analyze.cpp). `args` starts with the
/// subcommand; `aezoo analyze help` lists them with their options and defaults.
int analyze_main(const std::vector<std::string>& args);

}  // namespace aezoo::cli

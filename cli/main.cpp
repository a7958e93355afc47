// aezoo: the command-line program. Thin: parse, build from the registry, call the trainer,
// print. Every failure is one `error: ...` line on stderr and a non-zero exit status.
#include <torch/torch.h>

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "core/error.h"
#include "core/experiment.h"
#include "core/registry.h"
#include "core/run.h"
#include "core/version.h"

namespace {

const char* kUsage =
    "usage:\n"
    "  aezoo list [models|datasets]               registered models and data sets, one a line\n"
    "  aezoo validate EXPERIMENT.yaml [k=v ...]   check a config (loads data, builds model)\n"
    "  aezoo train EXPERIMENT.yaml [k=v ...] [--overwrite] [--quiet]\n"
    "  aezoo train --resume RUN_DIR [--quiet]     continue an interrupted run\n"
    "  aezoo eval RUN_DIR [--split test|val|train] [--checkpoint best|last]\n"
    "                                             last line of stdout: a JSON object\n"
    "  aezoo export RUN_DIR [-o FILE]             TorchScript module (default RUN_DIR/model.pt)\n"
    "  aezoo sample RUN_DIR [--n N] [--steps T] [--step-size E] [--seed S] [-o FILE]\n"
    "                                             Langevin samples from a run's score\n"
    "  aezoo analyze SUBCOMMAND ...               manifold analysis of runs (aezoo analyze help)\n"
    "  aezoo --version\n"
    "Overrides use dotted key paths: trainer.epochs=2 output.dir=/tmp/run model.latent_dim=8\n";

/// Error messages are printed on one line.
std::string one_line(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' '))
    s.pop_back();
  for (auto& c : s) {
    if (c == '\n')
      c = ' ';
  }
  return s;
}

/// A command-line mistake: printed with the usage, exit status 2.
struct UsageError : aezoo::Error {
  using aezoo::Error::Error;
};

struct Args {
  std::vector<std::string> positional;
  std::vector<std::string> overrides;
  std::map<std::string, std::string> options;  // --name value
  std::map<std::string, bool> flags;           // --name
};

/// Splits argv into positionals, k=v overrides, valued options and flags.
Args parse_args(int argc,
                char** argv,
                int start,
                const std::vector<std::string>& valued,
                const std::vector<std::string>& flags) {
  Args a;
  for (int i = start; i < argc; ++i) {
    std::string s = argv[i];
    if (s.rfind("-", 0) == 0) {
      if (std::find(valued.begin(), valued.end(), s) != valued.end()) {
        if (i + 1 >= argc)
          throw UsageError("option " + s + " needs a value");
        a.options[s] = argv[++i];
      } else if (std::find(flags.begin(), flags.end(), s) != flags.end()) {
        a.flags[s] = true;
      } else {
        throw UsageError("unknown option '" + s + "'");
      }
    } else if (s.find('=') != std::string::npos) {
      a.overrides.push_back(s);
    } else {
      a.positional.push_back(s);
    }
  }
  return a;
}

std::string option_or(const Args& a, const std::string& name, const std::string& def) {
  auto it = a.options.find(name);
  return it == a.options.end() ? def : it->second;
}

int64_t count_parameters(aezoo::AutoencoderBase& m) {
  int64_t n = 0;
  for (const auto& p : m.parameters())
    n += p.numel();
  return n;
}

int cmd_list(const Args& a) {
  if (a.positional.size() > 1)
    throw UsageError("list takes at most one argument");
  const std::string what = a.positional.empty() ? "" : a.positional[0];
  if (!what.empty() && what != "models" && what != "datasets") {
    throw UsageError("list: expected 'models' or 'datasets', got '" + what + "'");
  }
  if (what.empty() || what == "models") {
    for (const auto& name : aezoo::model_names())
      std::cout << name << "\n";
  }
  if (what.empty() || what == "datasets") {
    for (const auto& name : aezoo::dataset_names())
      std::cout << name << "\n";
  }
  return 0;
}

void print_summary(const aezoo::LoadedExperiment& le) {
  const auto& d = le.data;
  auto n = [](const torch::Tensor& t) { return t.defined() ? t.size(0) : int64_t{0}; };
  std::cerr << "experiment " << le.experiment.name << " (" << le.experiment.file << ")\n"
            << "  data   " << d.name << ": train " << n(d.train_x) << ", val " << n(d.val_x)
            << ", test " << n(d.test_x) << " examples of shape [";
  for (size_t i = 0; i < d.input_shape.size(); ++i)
    std::cerr << (i ? ", " : "") << d.input_shape[i];
  std::cerr << "], normalization " << aezoo::to_string(d.normalization) << "\n  model  ";
  le.model->pretty_print(std::cerr);
  std::cerr << "\n         " << count_parameters(*le.model) << " parameters\n"
            << "  device " << le.experiment.device << ", output " << le.experiment.output_dir
            << "\n";
}

int cmd_validate(const Args& a) {
  if (a.positional.size() != 1)
    throw UsageError("validate needs one EXPERIMENT.yaml");
  auto le = aezoo::load_experiment(a.positional[0], a.overrides);
  print_summary(le);
  std::cout << "ok: " << a.positional[0] << "\n";
  return 0;
}

int cmd_train(const Args& a) {
  aezoo::TrainRunOptions opts;
  opts.overwrite = a.flags.count("--overwrite") > 0;
  opts.quiet = a.flags.count("--quiet") > 0;
  aezoo::install_interrupt_handler();
  aezoo::FitResult result;
  std::string dir;
  if (a.options.count("--resume")) {
    if (!a.positional.empty() || !a.overrides.empty()) {
      throw UsageError("train --resume RUN_DIR takes no experiment file or overrides");
    }
    dir = a.options.at("--resume");
    result = aezoo::resume_run(dir, opts);
  } else {
    if (a.positional.size() != 1)
      throw UsageError("train needs one EXPERIMENT.yaml");
    auto le = aezoo::load_experiment(a.positional[0], a.overrides);
    if (!opts.quiet)
      print_summary(le);
    dir = le.experiment.output_dir;
    result = aezoo::train_experiment(le, opts);
  }
  if (result.interrupted) {
    std::cerr << "interrupted after epoch " << result.epochs_completed << " (step " << result.steps
              << "); checkpoint saved. Continue with: aezoo train --resume " << dir << "\n";
    return 130;
  }
  std::cerr << "done: " << result.epochs_completed << " epochs"
            << (result.early_stopped ? " (early stopping)" : "") << ", best val_loss "
            << result.best_val_loss << " at epoch " << result.best_epoch << "; run in " << dir
            << "\n";
  return 0;
}

int cmd_eval(const Args& a) {
  if (a.positional.size() != 1)
    throw UsageError("eval needs one RUN_DIR");
  const std::string checkpoint = option_or(a, "--checkpoint", "best");
  if (checkpoint != "best" && checkpoint != "last") {
    throw UsageError("--checkpoint: expected best or last, got '" + checkpoint + "'");
  }
  const std::string split = option_or(a, "--split", "test");
  if (split != "test" && split != "val" && split != "train") {
    throw UsageError("--split: expected one of train, val, test, got '" + split + "'");
  }
  auto run = aezoo::load_run(a.positional[0], checkpoint);
  auto metrics = aezoo::evaluate_run(run, split);
  metrics["checkpoint"] = checkpoint;
  std::cout << metrics.dump() << std::endl;
  return 0;
}

int cmd_export(const Args& a) {
  if (a.positional.size() != 1)
    throw UsageError("export needs one RUN_DIR");
  const std::string dir = a.positional[0];
  const std::string out = option_or(a, "-o", (std::filesystem::path(dir) / "model.pt").string());
  auto run = aezoo::load_run(dir, "best");
  aezoo::export_run(run, out);
  std::cout << out << std::endl;
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << kUsage;
    return 2;
  }
  const std::string cmd = argv[1];
  try {
    if (cmd == "--help" || cmd == "-h" || cmd == "help") {
      std::cout << kUsage;
      return 0;
    }
    if (cmd == "--version") {
      std::cout << "aezoo " << aezoo::version() << " (LibTorch " << aezoo::torch_version() << ")\n";
      return 0;
    }
    if (cmd == "list")
      return cmd_list(parse_args(argc, argv, 2, {}, {}));
    if (cmd == "validate")
      return cmd_validate(parse_args(argc, argv, 2, {}, {}));
    if (cmd == "train") {
      return cmd_train(parse_args(argc, argv, 2, {"--resume"}, {"--overwrite", "--quiet"}));
    }
    if (cmd == "eval")
      return cmd_eval(parse_args(argc, argv, 2, {"--split", "--checkpoint"}, {}));
    if (cmd == "export")
      return cmd_export(parse_args(argc, argv, 2, {"-o"}, {}));
    if (cmd == "sample") {
      return aezoo::cli::sample_main(std::vector<std::string>(argv + 2, argv + argc));
    }
    if (cmd == "analyze") {
      return aezoo::cli::analyze_main(std::vector<std::string>(argv + 2, argv + argc));
    }
    throw UsageError("unknown command '" + cmd + "'");
  } catch (const UsageError& e) {
    std::cerr << "error: " << one_line(e.what()) << "\n" << kUsage;
    return 2;
  } catch (const aezoo::Error& e) {
    std::cerr << "error: " << one_line(e.what()) << "\n";
    return 1;
  } catch (const c10::Error& e) {
    std::cerr << "error: " << one_line(e.what_without_backtrace()) << "\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "error: " << one_line(e.what()) << "\n";
    return 1;
  }
}

#pragma once
// Builds a TorchScript module from tensors and TorchScript source, without tracing.
// LibTorch's C++ frontend cannot script or trace a torch::nn::Module (pytorch#14811, #26086),
// so each aezoo model registers its parameters here and writes the source of its methods.
// Only TorchScript builtins may appear in the source (torch.addmm, torch.relu, ...).
#include <torch/script.h>

#include <string>
#include <vector>

namespace aezoo {

class ScriptBuilder {
 public:
  /// `class_name` becomes the TorchScript class name (`__torch__.<class_name>`).
  explicit ScriptBuilder(const std::string& class_name);

  /// Registers a copy of `t` (detached, on the CPU, contiguous) as a parameter of the module and
  /// returns the expression that reads it, `self.<name>`. Dots in `name` become underscores.
  std::string tensor(const std::string& name, const torch::Tensor& t);
  /// Registers an int/float constant attribute and returns `self.<name>`.
  std::string constant(const std::string& name, double value);

  /// Adds one method; `source` is a complete `def name(self, ...) -> ...:` definition.
  void method(const std::string& source);
  /// True when a method of that name was added.
  bool has_method(const std::string& name) const;

  /// Defines all methods and returns the module in eval mode. Throws c10::Error with the
  /// offending source if TorchScript rejects it.
  torch::jit::Module build();

 private:
  torch::jit::Module module_;
  std::vector<std::string> methods_;
  std::vector<std::string> method_names_;
};

/// Python-literal spelling of a double that TorchScript parses back to the same float.
std::string script_float(double v);
/// `[a, b, c]` for a list of ints.
std::string script_int_list(const std::vector<int64_t>& v);

}  // namespace aezoo

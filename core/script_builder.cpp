#include "core/script_builder.h"

#include <cstdio>
#include <sstream>

namespace aezoo {

namespace {
std::string attr_name(const std::string& name) {
  std::string out = name;
  for (char& c : out) {
    if (c == '.' || c == '-' || c == '/')
      c = '_';
  }
  return out;
}
}  // namespace

ScriptBuilder::ScriptBuilder(const std::string& class_name) : module_(class_name) {
  // Modules made from scratch have no `training` attribute, so eval() would be a no-op and
  // loaders would see is_training() == true.
  module_.register_attribute("training", c10::BoolType::get(), false);
}

std::string ScriptBuilder::tensor(const std::string& name, const torch::Tensor& t) {
  const std::string attr = attr_name(name);
  module_.register_parameter(attr,
                             t.detach().to(torch::kCPU).clone().contiguous(),
                             /*is_buffer=*/false);
  return "self." + attr;
}

std::string ScriptBuilder::constant(const std::string& name, double value) {
  const std::string attr = attr_name(name);
  module_.register_attribute(attr, c10::FloatType::get(), value);
  return "self." + attr;
}

void ScriptBuilder::method(const std::string& source) {
  auto pos = source.find("def ");
  auto paren = source.find('(', pos);
  method_names_.push_back(source.substr(pos + 4, paren - pos - 4));
  methods_.push_back(source);
}

bool ScriptBuilder::has_method(const std::string& name) const {
  for (const auto& n : method_names_) {
    if (n == name)
      return true;
  }
  return false;
}

torch::jit::Module ScriptBuilder::build() {
  std::ostringstream src;
  for (const auto& m : methods_)
    src << m << "\n";
  try {
    module_.define(src.str());
  } catch (const c10::Error&) {
    throw;
  } catch (const std::exception& e) {
    TORCH_CHECK(
        false, "TorchScript rejected the generated source: ", e.what(), "\nsource:\n", src.str());
  }
  module_.eval();
  return module_;
}

std::string script_float(double v) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  std::string s = buf;
  if (s.find_first_of(".eEn") == std::string::npos)
    s += ".0";
  return s;
}

std::string script_int_list(const std::vector<int64_t>& v) {
  std::string s = "[";
  for (size_t i = 0; i < v.size(); ++i) {
    if (i)
      s += ", ";
    s += std::to_string(v[i]);
  }
  return s + "]";
}

}  // namespace aezoo

#include "core/export.h"

#include "core/error.h"
#include "core/io.h"

namespace aezoo {

torch::jit::Module export_module(AutoencoderBase& model) {
  ScriptBuilder builder("aezoo_" + model.type());
  model.export_to(builder);
  add_default_forward(builder);
  return builder.build();
}

void save_export(AutoencoderBase& model,
                 const std::string& path,
                 const Json& metadata,
                 const std::string& config_yaml) {
  torch::jit::Module module = export_module(model);
  torch::jit::ExtraFilesMap extra;
  extra["config.yaml"] = config_yaml;
  extra["metadata.json"] = metadata.dump();
  write_atomic_with(path, [&](const std::string& tmp) {
    try {
      module.save(tmp, extra);
    } catch (const c10::Error& e) {
      throw Error(path + ": cannot write TorchScript module (" + e.what_without_backtrace() + ")");
    }
  });
}

std::pair<std::string, Json> read_export_extras(const std::string& path) {
  torch::jit::ExtraFilesMap extra{{"config.yaml", ""}, {"metadata.json", ""}};
  try {
    torch::jit::load(path, torch::kCPU, extra);
  } catch (const c10::Error& e) {
    throw Error(path + ": not a TorchScript file (" + e.what_without_backtrace() + ")");
  }
  if (extra["metadata.json"].empty())
    throw Error(path + ": not an aezoo export (no metadata.json)");
  return {extra["config.yaml"], Json::parse(extra["metadata.json"])};
}

}  // namespace aezoo

#include "trainers/checkpoint.h"

#include <ATen/CPUGeneratorImpl.h>

#include <filesystem>
#include <map>
#include <mutex>
#include <sstream>

#include "core/error.h"
#include "core/io.h"

namespace aezoo {

namespace {

using torch::serialize::InputArchive;
using torch::serialize::OutputArchive;

constexpr int64_t kFormatVersion = 1;

std::string shape_string(const torch::Tensor& t) {
  std::ostringstream s;
  s << t.sizes();
  return s.str();
}

std::string join_lines(const std::vector<std::string>& v) {
  std::string out;
  for (size_t i = 0; i < v.size(); ++i)
    out += (i ? "\n" : "") + v[i];
  return out;
}

std::vector<std::string> split_lines(const std::string& s) {
  std::vector<std::string> out;
  if (s.empty())
    return out;
  std::istringstream in(s);
  std::string line;
  while (std::getline(in, line))
    out.push_back(line);
  return out;
}

std::string optimizer_type(const torch::optim::Optimizer& o) {
  if (dynamic_cast<const torch::optim::AdamW*>(&o))
    return "adamw";
  if (dynamic_cast<const torch::optim::Adam*>(&o))
    return "adam";
  if (dynamic_cast<const torch::optim::SGD*>(&o))
    return "sgd";
  if (dynamic_cast<const torch::optim::RMSprop*>(&o))
    return "rmsprop";
  return "other";
}

// Same layout as torch::nn::Module::save (one sub-archive per child module).
void write_module(OutputArchive& archive, const torch::nn::Module& module) {
  for (const auto& p : module.named_parameters(/*recurse=*/false))
    archive.write(p.key(), p.value());
  for (const auto& b : module.named_buffers(/*recurse=*/false))
    archive.write(b.key(), b.value(), /*is_buffer=*/true);
  for (const auto& child : module.named_children()) {
    OutputArchive sub(archive.compilation_unit());
    write_module(sub, *child.value());
    archive.write(child.key(), sub);
  }
}

// A tensor read from the file and the model tensor it will be copied into.
struct PendingCopy {
  torch::Tensor target, value;
};

// Reads every parameter and buffer of `module` from `archive` without changing the module,
// checking names and shapes. Throws aezoo::Error on a mismatch.
void read_module(InputArchive& archive,
                 const torch::nn::Module& module,
                 const std::string& prefix,
                 const std::string& path,
                 std::vector<PendingCopy>& out) {
  auto read_one = [&](const std::string& name, const torch::Tensor& target, bool is_buffer) {
    torch::Tensor value;
    const std::string full = prefix + name;
    if (!archive.try_read(name, value, is_buffer))
      throw Error(path + ": checkpoint does not match the model (it has no " +
                  (is_buffer ? "buffer" : "parameter") + " '" + full + "')");
    if (!value.sizes().equals(target.sizes()))
      throw Error(path + ": checkpoint does not match the model ('" + full + "' has shape " +
                  shape_string(value) + " in the file, " + shape_string(target) + " in the model)");
    out.push_back({target, value});
  };
  for (const auto& p : module.named_parameters(/*recurse=*/false))
    read_one(p.key(), p.value(), false);
  for (const auto& b : module.named_buffers(/*recurse=*/false))
    read_one(b.key(), b.value(), true);
  for (const auto& child : module.named_children()) {
    InputArchive sub;
    if (!archive.try_read(child.key(), sub))
      throw Error(path + ": checkpoint does not match the model (it has no module '" + prefix +
                  child.key() + "')");
    read_module(sub, *child.value(), prefix + child.key() + ".", path, out);
  }
}

void apply_copies(const std::vector<PendingCopy>& copies) {
  torch::NoGradGuard no_grad;
  for (const auto& c : copies)
    c.target.copy_(c.value);
}

torch::Device module_device(const torch::nn::Module& module) {
  for (const auto& p : module.parameters())
    return p.device();
  for (const auto& b : module.buffers())
    return b.device();
  return torch::kCPU;
}

// Opens `path`; converts every failure into aezoo::Error naming the file.
InputArchive open_archive(const std::string& path, torch::Device device) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec))
    throw Error(path + ": cannot read (no such file)");
  InputArchive archive;
  try {
    archive.load_from(path, device);
  } catch (const c10::Error& e) {
    std::string why = e.what_without_backtrace();
    why = why.substr(0, why.find('\n'));
    throw Error(path + ": corrupt checkpoint (" + why + ")");
  } catch (const std::exception& e) {
    throw Error(path + ": corrupt checkpoint (" + std::string(e.what()) + ")");
  }
  c10::IValue version;
  if (!archive.try_read("aezoo_checkpoint", version) || !version.isInt())
    throw Error(path + ": corrupt checkpoint (not written by aezoo: no format version)");
  if (version.toInt() > kFormatVersion)
    throw Error(path + ": checkpoint format " + std::to_string(version.toInt()) +
                " is newer than this aezoo understands (" + std::to_string(kFormatVersion) + ")");
  return archive;
}

// Runs `body`, turning LibTorch's errors (missing keys, wrong types) into aezoo::Error.
template <typename F>
void guarded(const std::string& path, F&& body) {
  try {
    body();
  } catch (const Error&) {
    throw;
  } catch (const c10::Error& e) {
    std::string why = e.what_without_backtrace();
    why = why.substr(0, why.find('\n'));
    throw Error(path + ": corrupt checkpoint (" + why + ")");
  } catch (const std::exception& e) {
    throw Error(path + ": corrupt checkpoint (" + std::string(e.what()) + ")");
  }
}

void write_record(OutputArchive& a, const EpochRecord& r) {
  a.write("epoch", c10::IValue(r.epoch));
  a.write("lr", c10::IValue(r.lr));
  a.write("seconds", c10::IValue(r.seconds));
  a.write("samples_per_second", c10::IValue(r.samples_per_second));
  a.write("eval_seconds", c10::IValue(r.eval_seconds));
  a.write("val_split", c10::IValue(r.val_split));
  auto write_map = [&](const std::string& key, const std::map<std::string, double>& m) {
    std::vector<std::string> names;
    std::vector<double> values;
    for (const auto& [k, v] : m) {
      names.push_back(k);
      values.push_back(v);
    }
    a.write(key + "_names", c10::IValue(join_lines(names)));
    a.write(key + "_values", torch::tensor(values, torch::kDouble));
  };
  write_map("train", r.train);
  write_map("val", r.val);
}

EpochRecord read_record(InputArchive& a) {
  EpochRecord r;
  c10::IValue v;
  a.read("epoch", v);
  r.epoch = v.toInt();
  a.read("lr", v);
  r.lr = v.toDouble();
  a.read("seconds", v);
  r.seconds = v.toDouble();
  a.read("samples_per_second", v);
  r.samples_per_second = v.toDouble();
  a.read("eval_seconds", v);
  r.eval_seconds = v.toDouble();
  a.read("val_split", v);
  r.val_split = v.toStringRef();
  auto read_map = [&](const std::string& key, std::map<std::string, double>& m) {
    c10::IValue names;
    a.read(key + "_names", names);
    torch::Tensor values;
    a.read(key + "_values", values);
    const auto list = split_lines(names.toStringRef());
    values = values.to(torch::kCPU, torch::kDouble).contiguous();
    TORCH_CHECK(values.numel() == static_cast<int64_t>(list.size()),
                "history record has ",
                list.size(),
                " names and ",
                values.numel(),
                " values");
    for (size_t i = 0; i < list.size(); ++i)
      m[list[i]] = values.data_ptr<double>()[i];
  };
  read_map("train", r.train);
  read_map("val", r.val);
  return r;
}

void write_state(OutputArchive& a, const TrainingState& s) {
  a.write("epoch", c10::IValue(s.epoch));
  a.write("step_in_epoch", c10::IValue(s.step_in_epoch));
  a.write("global_step", c10::IValue(s.global_step));
  a.write("batch_size", c10::IValue(s.batch_size));
  if (s.permutation.defined())
    a.write("permutation", s.permutation.to(torch::kCPU));
  a.write("sum_names", c10::IValue(join_lines(s.sum_names)));
  if (s.sums.defined())
    a.write("sums", s.sums.to(torch::kCPU));
  a.write("examples_seen", c10::IValue(s.examples_seen));
  a.write("seconds_so_far", c10::IValue(s.seconds_so_far));
  a.write("best_val_loss", c10::IValue(s.best_val_loss));
  a.write("best_epoch", c10::IValue(s.best_epoch));
  a.write("stop_reference", c10::IValue(s.stop_reference));
  a.write("bad_epochs", c10::IValue(s.bad_epochs));
  a.write("finished", c10::IValue(s.finished));
  a.write("early_stopped", c10::IValue(s.early_stopped));
  if (s.shuffle_rng_state.defined())
    a.write("shuffle_rng_state", s.shuffle_rng_state);
  if (s.cpu_rng_state.defined())
    a.write("cpu_rng_state", s.cpu_rng_state);
  if (s.cuda_rng_state.defined())
    a.write("cuda_rng_state", s.cuda_rng_state.to(torch::kCPU));
  OutputArchive history(a.compilation_unit());
  history.write("size", c10::IValue(static_cast<int64_t>(s.history.size())));
  for (size_t i = 0; i < s.history.size(); ++i) {
    OutputArchive rec(a.compilation_unit());
    write_record(rec, s.history[i]);
    history.write(std::to_string(i), rec);
  }
  a.write("history", history);
}

TrainingState read_state(InputArchive& a) {
  TrainingState s;
  c10::IValue v;
  a.read("epoch", v);
  s.epoch = v.toInt();
  a.read("step_in_epoch", v);
  s.step_in_epoch = v.toInt();
  a.read("global_step", v);
  s.global_step = v.toInt();
  a.read("batch_size", v);
  s.batch_size = v.toInt();
  // try_read into a defined tensor would overwrite it in place: read each into a fresh one.
  auto read_tensor = [&](const std::string& key) {
    torch::Tensor t;
    return a.try_read(key, t) ? t.to(torch::kCPU) : torch::Tensor();
  };
  s.permutation = read_tensor("permutation");
  a.read("sum_names", v);
  s.sum_names = split_lines(v.toStringRef());
  s.sums = read_tensor("sums");
  a.read("examples_seen", v);
  s.examples_seen = v.toInt();
  a.read("seconds_so_far", v);
  s.seconds_so_far = v.toDouble();
  a.read("best_val_loss", v);
  s.best_val_loss = v.toDouble();
  a.read("best_epoch", v);
  s.best_epoch = v.toInt();
  a.read("stop_reference", v);
  s.stop_reference = v.toDouble();
  a.read("bad_epochs", v);
  s.bad_epochs = v.toInt();
  a.read("finished", v);
  s.finished = v.toBool();
  a.read("early_stopped", v);
  s.early_stopped = v.toBool();
  s.shuffle_rng_state = read_tensor("shuffle_rng_state");
  s.cpu_rng_state = read_tensor("cpu_rng_state");
  s.cuda_rng_state = read_tensor("cuda_rng_state");
  InputArchive history;
  a.read("history", history);
  history.read("size", v);
  const int64_t n = v.toInt();
  for (int64_t i = 0; i < n; ++i) {
    InputArchive rec;
    history.read(std::to_string(i), rec);
    s.history.push_back(read_record(rec));
  }
  TORCH_CHECK(s.epoch >= 1 && s.step_in_epoch >= 0 && s.global_step >= 0,
              "invalid position (epoch ",
              s.epoch,
              ", step ",
              s.step_in_epoch,
              ")");
  TORCH_CHECK(s.step_in_epoch == 0 || s.permutation.defined(),
              "mid-epoch checkpoint without the epoch's permutation");
  if (s.sums.defined())
    TORCH_CHECK(s.sums.numel() == static_cast<int64_t>(s.sum_names.size()),
                "partial sums do not match their names");
  return s;
}

}  // namespace

void capture_global_rng(TrainingState& state, torch::Device device) {
  {
    auto gen = at::detail::getDefaultCPUGenerator();
    std::lock_guard<std::mutex> lock(gen.mutex());
    state.cpu_rng_state = gen.get_state();
  }
  state.cuda_rng_state = torch::Tensor();
  if (device.is_cuda() && torch::cuda::is_available()) {
    auto gen = at::globalContext().defaultGenerator(
        torch::Device(torch::kCUDA, device.has_index() ? device.index() : 0));
    std::lock_guard<std::mutex> lock(gen.mutex());
    state.cuda_rng_state = gen.get_state();
  }
}

void restore_global_rng(const TrainingState& state, torch::Device device) {
  if (state.cpu_rng_state.defined()) {
    auto gen = at::detail::getDefaultCPUGenerator();
    std::lock_guard<std::mutex> lock(gen.mutex());
    gen.set_state(state.cpu_rng_state);
  }
  if (state.cuda_rng_state.defined() && device.is_cuda() && torch::cuda::is_available()) {
    auto gen = at::globalContext().defaultGenerator(
        torch::Device(torch::kCUDA, device.has_index() ? device.index() : 0));
    std::lock_guard<std::mutex> lock(gen.mutex());
    gen.set_state(state.cuda_rng_state);
  }
}

void save_checkpoint(const std::string& path,
                     const torch::nn::Module& model,
                     const torch::optim::Optimizer& optimizer,
                     const LrScheduler& scheduler,
                     const TrainingState& state) {
  write_atomic_with(path, [&](const std::string& tmp) {
    OutputArchive archive;
    archive.write("aezoo_checkpoint", c10::IValue(kFormatVersion));
    archive.write("kind", c10::IValue(std::string("training")));
    OutputArchive m(archive.compilation_unit());
    write_module(m, model);
    archive.write("model", m);

    OutputArchive o(archive.compilation_unit());
    optimizer.save(o);
    archive.write("optimizer", o);
    archive.write("optimizer_type", c10::IValue(optimizer_type(optimizer)));
    // LibTorch 1.13's Optimizer::load restores the per-parameter state only, not the group
    // options: keep every group's lr ourselves.
    archive.write("optimizer_lr", torch::tensor(get_group_lrs(optimizer), torch::kDouble));

    OutputArchive sch(archive.compilation_unit());
    scheduler.save(sch);
    archive.write("scheduler", sch);

    OutputArchive st(archive.compilation_unit());
    write_state(st, state);
    archive.write("trainer", st);
    archive.save_to(tmp);
  });
}

void load_checkpoint(const std::string& path,
                     torch::nn::Module& model,
                     torch::optim::Optimizer& optimizer,
                     LrScheduler& scheduler,
                     TrainingState& state) {
  InputArchive archive = open_archive(path, module_device(model));
  guarded(path, [&] {
    c10::IValue kind;
    archive.read("kind", kind);
    if (kind.toStringRef() != "training")
      throw Error(path + ": not a resumable checkpoint (it holds " + kind.toStringRef() + " only)");
    // Read everything first; change nothing until the whole file has been read.
    std::vector<PendingCopy> copies;
    InputArchive m;
    archive.read("model", m);
    read_module(m, model, "", path, copies);

    c10::IValue type;
    archive.read("optimizer_type", type);
    if (type.toStringRef() != optimizer_type(optimizer))
      throw Error(path + ": checkpoint holds " + type.toStringRef() +
                  " optimizer state but the run uses " + optimizer_type(optimizer));
    torch::Tensor lr_tensor;
    archive.read("optimizer_lr", lr_tensor);
    lr_tensor = lr_tensor.to(torch::kCPU, torch::kDouble).contiguous();
    std::vector<double> lrs(lr_tensor.data_ptr<double>(),
                            lr_tensor.data_ptr<double>() + lr_tensor.numel());
    if (lrs.size() != optimizer.param_groups().size())
      throw Error(path + ": checkpoint holds " + std::to_string(lrs.size()) +
                  " optimizer parameter groups, the run has " +
                  std::to_string(optimizer.param_groups().size()));

    LrScheduler new_scheduler = scheduler;
    InputArchive sch;
    archive.read("scheduler", sch);
    new_scheduler.load(sch);

    InputArchive st;
    archive.read("trainer", st);
    TrainingState new_state = read_state(st);

    InputArchive o;
    archive.read("optimizer", o);
    optimizer.load(o);

    apply_copies(copies);
    set_group_lrs(optimizer, lrs);
    scheduler = new_scheduler;
    state = std::move(new_state);
  });
}

void save_model_weights(const torch::nn::Module& model, const std::string& path) {
  write_atomic_with(path, [&](const std::string& tmp) {
    OutputArchive archive;
    archive.write("aezoo_checkpoint", c10::IValue(kFormatVersion));
    archive.write("kind", c10::IValue(std::string("weights")));
    OutputArchive m(archive.compilation_unit());
    write_module(m, model);
    archive.write("model", m);
    archive.save_to(tmp);
  });
}

void load_module_weights(torch::nn::Module& model, const std::string& path) {
  InputArchive archive = open_archive(path, module_device(model));
  guarded(path, [&] {
    std::vector<PendingCopy> copies;
    InputArchive m;
    archive.read("model", m);
    read_module(m, model, "", path, copies);
    apply_copies(copies);
  });
}

void load_model_weights(AutoencoderBase& model, const std::string& checkpoint_path) {
  load_module_weights(model, checkpoint_path);
}

}  // namespace aezoo

#include "core/experiment.h"

#include <algorithm>
#include <cctype>
#include <stdexcept>

#include "core/error.h"
#include "core/registry.h"
#include "trainers/optim.h"

namespace aezoo {

namespace {

constexpr const char* kFashionMnistRoot = "/usr/share/datasets/fashion-mnist";

bool is_one_of(const std::string& s, std::initializer_list<const char*> names) {
  return std::any_of(names.begin(), names.end(), [&](const char* n) { return s == n; });
}

void read_data(ConfigNode& node, uint64_t experiment_seed, DataOptions& d) {
  d.dataset = node.get_choice("dataset", dataset_names(), std::string("fashion_mnist"));
  const bool image = is_one_of(d.dataset, {"fashion_mnist", "mnist", "idx"});
  const bool csv = d.dataset == "csv";
  if (d.dataset == "fashion_mnist") {
    d.root = node.get_string("root", std::string(kFashionMnistRoot));
  } else if (d.dataset == "mnist") {
    d.root = node.get_string("root");
  } else if (d.dataset == "idx") {
    // May stay empty when the four file names below are full paths.
    d.root = node.get_string("root", std::string());
  }
  if (d.dataset == "idx") {
    // "" = the MNIST file names (train-images-idx3-ubyte[.gz], ...), chosen by the loader.
    d.train_images = node.get_string("train_images", std::string());
    d.train_labels = node.get_string("train_labels", std::string());
    d.test_images = node.get_string("test_images", std::string());
    d.test_labels = node.get_string("test_labels", std::string());
  }
  if (csv) {
    d.train_file = node.get_string("train_file");
    d.test_file = node.get_string("test_file", std::string());
    d.header = node.get_bool("header", true);
    d.label_column = node.get_string("label_column", std::string());
  }
  if (!image && !csv) {  // a synthetic generator
    d.num_points = node.get_int("num_points", 2000, 2);
    d.noise = node.get_number("noise", 0.05, Bound{0});
    if (is_one_of(d.dataset, {"gaussian_mixture", "line"})) {
      d.dim = node.get_int("dim", 2, 1);
    }
    if (d.dataset == "gaussian_mixture") {
      d.components = node.get_int("components", 4, 1);
      d.mixture_std = node.get_number("mixture_std", 0.3, Bound{0, true});
    }
  }
  d.val_fraction = node.get_number("val_fraction", 0.1, Bound{0}, Bound{1, true});
  d.limit = node.get_int("limit", 0, 0);
  d.train_limit = node.get_int("train_limit", 0, 0);
  // "" leaves the choice to the data set (unit for images, none otherwise).
  d.normalize = node.get_string("normalize", std::string());
  if (!is_one_of(d.normalize, {"", "unit", "standard", "none"})) {
    node.fail("normalize",
              "expected one of unit, standard, none (or \"\" for the data set's default), got '" +
                  d.normalize + "'");
  }
  d.seed = static_cast<uint64_t>(node.get_int("seed", static_cast<int64_t>(experiment_seed), 0));
  node.finish();
}

void read_optimizer(ConfigNode& node, OptimizerOptions& o) {
  o.type = node.get_choice("type", optimizer_names(), std::string("adam"));
  const bool adam_like = o.type == "adam" || o.type == "adamw";
  o.lr = node.get_number("lr", 1e-3, Bound{0, true});
  o.weight_decay = node.get_number("weight_decay", o.type == "adamw" ? 1e-2 : 0.0, Bound{0});
  if (o.type == "sgd" || o.type == "rmsprop") {
    o.momentum = node.get_number("momentum", 0.0, Bound{0}, Bound{1, true});
  }
  if (o.type == "sgd") {
    o.nesterov = node.get_bool("nesterov", false);
    if (o.nesterov && o.momentum == 0.0) {
      node.fail("nesterov", "Nesterov momentum needs momentum > 0 (trainer.optimizer.momentum)");
    }
  }
  if (adam_like) {
    o.beta1 = node.get_number("beta1", 0.9, Bound{0}, Bound{1, true});
    o.beta2 = node.get_number("beta2", 0.999, Bound{0}, Bound{1, true});
  }
  if (adam_like || o.type == "rmsprop") {
    o.eps = node.get_number("eps", 1e-8, Bound{0, true});
  }
  if (o.type == "rmsprop") {
    o.alpha = node.get_number("alpha", 0.99, Bound{0}, Bound{1});
  }
  node.finish();
}

void read_scheduler(ConfigNode& node, double lr, SchedulerOptions& s) {
  s.type = node.get_choice("type", scheduler_names(), std::string("none"));
  if (s.type == "step") {
    s.step_size = node.get_int("step_size", 10, 1);
    s.gamma = node.get_number("gamma", 0.1, Bound{0, true});
  } else if (s.type == "cosine") {
    s.min_lr = node.get_number("min_lr", 0.0, Bound{0}, Bound{lr});
  } else if (s.type == "plateau") {
    s.factor = node.get_number("factor", 0.5, Bound{0, true}, Bound{1, true});
    s.patience = node.get_int("patience", 3, 0);
    s.min_lr = node.get_number("min_lr", 0.0, Bound{0}, Bound{lr});
  }
  node.finish();
}

void read_trainer(ConfigNode& node, TrainerOptions& t) {
  t.epochs = node.get_int("epochs", 10, 1);
  t.batch_size = node.get_int("batch_size", 128, 1);
  ConfigNode optimizer = node.child_or_type("optimizer");
  read_optimizer(optimizer, t.optimizer);
  ConfigNode scheduler = node.child_or_type("scheduler");
  read_scheduler(scheduler, t.optimizer.lr, t.scheduler);
  t.clip_grad_norm = node.get_number("clip_grad_norm", 0.0, Bound{0});
  t.early_stopping_patience = node.get_int("early_stopping_patience", 0, 0);
  t.min_delta = node.get_number("min_delta", 0.0, Bound{0});
  t.checkpoint_every = node.get_int("checkpoint_every", 1, 1);
  t.threads = node.get_int("threads", 0, 0);
  t.blas_threads = node.get_int("blas_threads", 0, 0);
  t.eval_batch_size = node.get_int("eval_batch_size", 1000, 1);
  t.finite_check_every = node.get_int("finite_check_every", 0, 0);
  node.finish();
}

/// The data key a loader's std::invalid_argument message is about: the first key of the
/// data section named in it as a whole word, else `dataset`.
std::string data_key_in(const std::string& message) {
  static const char* const kKeys[] = {"label_column",
                                      "train_file",
                                      "test_file",
                                      "train_images",
                                      "train_labels",
                                      "test_images",
                                      "test_labels",
                                      "normalize",
                                      "num_points",
                                      "components",
                                      "mixture_std",
                                      "noise",
                                      "dim",
                                      "val_fraction",
                                      "limit",
                                      "train_limit",
                                      "header",
                                      "root"};
  auto word_char = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
  for (const char* key : kKeys) {
    const std::string k(key);
    for (size_t pos = message.find(k); pos != std::string::npos; pos = message.find(k, pos + 1)) {
      const bool start_ok = pos == 0 || !word_char(message[pos - 1]);
      const size_t end = pos + k.size();
      const bool end_ok = end == message.size() || !word_char(message[end]);
      if (start_ok && end_ok) {
        return k;
      }
    }
  }
  return "dataset";
}

LoadedExperiment load(ConfigNode root, const std::vector<std::string>& overrides) {
  root.apply_overrides(overrides);
  Experiment exp;
  read_experiment_sections(root, exp);

  ConfigNode data_node = root.child("data");
  Dataset data;
  try {
    data = load_dataset(exp.data);
  } catch (const Error&) {
    throw;  // DataError (and any other aezoo error) already names its file
  } catch (const std::invalid_argument& e) {
    const std::string key = data_key_in(e.what());
    std::string what = e.what();
    const std::string prefix = "data." + key + ": ";  // already said by fail()
    if (what.compare(0, prefix.size(), prefix) == 0) {
      what = what.substr(prefix.size());
    }
    data_node.fail(key, what);
  }

  // Seeded before the model is built, so that its initialisation is reproducible.
  torch::manual_seed(exp.seed);
  ConfigNode model_node = root.child("model", true);
  ModelPtr model;
  try {
    model = build_model(model_node, data.input_shape);
  } catch (const Error&) {
    throw;
  } catch (const c10::Error& e) {
    model_node.fail_here(e.what_without_backtrace());
  } catch (const std::invalid_argument& e) {
    model_node.fail_here(e.what());
  }
  model_node.finish();
  root.finish();
  exp.resolved_yaml = root.resolved_yaml();
  return LoadedExperiment{std::move(exp), std::move(data), std::move(model)};
}

}  // namespace

torch::Device resolve_device(const std::string& name, ConfigNode& node) {
  if (name == "cpu") {
    return torch::kCPU;
  }
  if (name == "cuda") {
    if (!torch::cuda::is_available()) {
      node.fail("device",
                "expected cpu or auto, got 'cuda' (CUDA is not available on this machine)");
    }
    return torch::Device(torch::kCUDA);
  }
  if (name == "auto") {
    return torch::cuda::is_available() ? torch::Device(torch::kCUDA) : torch::Device(torch::kCPU);
  }
  node.fail("device", "expected one of cpu, cuda, auto, got '" + name + "'");
}

void read_experiment_sections(ConfigNode& root, Experiment& exp) {
  exp.file = root.file();
  exp.name = root.get_string("name");
  if (exp.name.empty()) {
    root.fail("name", "expected a non-empty string");
  }
  exp.seed = static_cast<uint64_t>(root.get_int("seed", 1, 0));
  exp.device_name = root.get_choice("device", {"cpu", "cuda", "auto"}, std::string("cpu"));
  exp.device = resolve_device(exp.device_name, root);

  ConfigNode data = root.child("data");
  read_data(data, exp.seed, exp.data);

  // Only the type here: the registry reads the model's options once the data's input shape
  // is known (and calls finish() on the section).
  ConfigNode model = root.child("model", true);
  exp.model_type = model.get_string("type");

  ConfigNode trainer = root.child("trainer");
  read_trainer(trainer, exp.trainer);
  exp.trainer.seed = exp.seed;
  exp.trainer.device = exp.device;

  ConfigNode output = root.child("output", true);
  exp.output_dir = output.get_string("dir");
  if (exp.output_dir.empty()) {
    output.fail("dir", "expected a non-empty path");
  }
  exp.write_images = output.get_bool("images", true);
  output.finish();

  root.finish();
}

LoadedExperiment load_experiment(const std::string& path,
                                 const std::vector<std::string>& overrides) {
  return load(ConfigNode::load_file(path), overrides);
}

LoadedExperiment load_experiment_text(const std::string& text,
                                      const std::string& file_label,
                                      const std::vector<std::string>& overrides) {
  return load(ConfigNode::load_string(text, file_label), overrides);
}

}  // namespace aezoo

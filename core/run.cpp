#include "core/run.h"

#include <filesystem>

#include "core/error.h"
#include "core/export.h"
#include "core/image.h"
#include "core/io.h"
#include "core/version.h"
#include "models/vae.h"
#include "trainers/probe.h"

namespace aezoo {

namespace fs = std::filesystem;

namespace {
Json int_list(const std::vector<int64_t>& v) {
  Json a = Json::array();
  for (auto x : v)
    a.push_back(Json(x));
  return a;
}

Json float_list(const torch::Tensor& t) {
  Json a = Json::array();
  auto flat = t.to(torch::kCPU, torch::kDouble).flatten().contiguous();
  const double* p = flat.data_ptr<double>();
  for (int64_t i = 0; i < flat.numel(); ++i)
    a.push_back(Json(p[i]));
  return a;
}

std::string checkpoint_path(const std::string& dir, const std::string& which) {
  return (fs::path(dir) / "checkpoints" / (which + ".pt")).string();
}

}  // namespace

Json run_metadata(const LoadedExperiment& loaded) {
  const auto& model = *loaded.model;
  Json m = Json::object();
  m["format"] = "aezoo-run-1";
  m["name"] = loaded.experiment.name;
  m["model_type"] = model.type();
  m["input_shape"] = int_list(model.input_shape());
  m["code_dim"] = model.code_dim();
  m["likelihood"] = to_string(model.likelihood().options().kind());
  Json norm = Json::object();
  norm["kind"] = to_string(loaded.data.normalization);
  if (loaded.data.normalization == Normalization::standard) {
    norm["mean"] = float_list(loaded.data.mean);
    norm["std"] = float_list(loaded.data.std);
  }
  m["normalization"] = norm;
  m["dataset"] = loaded.experiment.data.dataset;
  m["aezoo_version"] = version();
  m["torch_version"] = torch_version();
  return m;
}

void write_run_images(const std::string& run_dir, LoadedExperiment& loaded) {
  const auto& data = loaded.data;
  if (!data.is_image || !data.test_x.defined() || data.test_x.size(0) == 0)
    return;
  auto& model = *loaded.model;
  const int64_t n = std::min<int64_t>(32, data.test_x.size(0));
  const bool was_training = model.is_training();
  model.eval();
  torch::Tensor x = data.test_x.narrow(0, 0, n);
  torch::Tensor r;
  {
    torch::NoGradGuard no_grad;
    r = model.forward(x.to(model_device(model))).to(torch::kCPU);
  }
  model.train(was_training);
  write_reconstruction_grid((fs::path(run_dir) / "reconstructions.png").string(),
                            data.denormalize(x).clamp(0, 1),
                            data.denormalize(r).clamp(0, 1),
                            8);
  // Models that can sample from their prior also get a grid of samples.
  if (auto* vae = dynamic_cast<VAEImpl*>(&model)) {
    if (data.normalization != Normalization::standard) {
      write_vae_samples(*vae, (fs::path(run_dir) / "samples.png").string(), 64, 0);
    }
  }
}

FitResult train_experiment(LoadedExperiment& loaded, const TrainRunOptions& options) {
  const Experiment& exp = loaded.experiment;
  const std::string dir = exp.output_dir;
  const std::string last = checkpoint_path(dir, "last");
  if (!options.resume && fs::exists(last) && !options.overwrite) {
    throw Error(dir + ": already holds a run (" + last +
                "); continue it with `aezoo train --resume " + dir +
                "`, choose another output.dir, or pass --overwrite");
  }
  if (options.resume && !fs::exists(last)) {
    throw Error(dir + ": nothing to resume (no checkpoints/last.pt)");
  }
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec)
    throw Error(dir + ": cannot create output folder (" + ec.message() + ")");
  if (!options.resume) {
    // A fresh run replaces the files of an earlier one only when asked to (--overwrite).
    fs::remove(fs::path(dir) / "metrics.jsonl", ec);
    fs::remove_all(fs::path(dir) / "checkpoints", ec);
    fs::remove(fs::path(dir) / "model.pt", ec);
  }
  write_file_atomic((fs::path(dir) / "config.yaml").string(), exp.resolved_yaml);
  write_file_atomic((fs::path(dir) / "run.json").string(), run_metadata(loaded).dump() + "\n");

  loaded.model->to(exp.trainer.device);
  Trainer trainer(exp.trainer, dir);
  trainer.quiet = options.quiet;
  FitResult result = trainer.fit(*loaded.model, loaded.data, options.resume);

  // Outputs of a finished (or interrupted) run use the best weights seen so far.
  const std::string best = checkpoint_path(dir, "best");
  if (fs::exists(best))
    load_model_weights(*loaded.model, best);
  loaded.model->eval();
  if (exp.write_images)
    write_run_images(dir, loaded);
  if (!result.interrupted) {
    save_export(*loaded.model,
                (fs::path(dir) / "model.pt").string(),
                run_metadata(loaded),
                exp.resolved_yaml);
  }
  return result;
}

LoadedRun load_run(const std::string& run_dir, const std::string& checkpoint) {
  if (!fs::is_directory(run_dir))
    throw Error(run_dir + ": no such run directory");
  const std::string config = (fs::path(run_dir) / "config.yaml").string();
  if (!fs::exists(config)) {
    throw Error(run_dir +
                ": not a run directory (no config.yaml; is this the output.dir of "
                "`aezoo train`?)");
  }
  LoadedRun run;
  run.dir = run_dir;
  run.loaded = load_experiment(config, {"output.dir=" + run_dir});
  std::string ckpt = checkpoint_path(run_dir, checkpoint);
  if (!fs::exists(ckpt) && checkpoint == "best")
    ckpt = checkpoint_path(run_dir, "last");
  if (!fs::exists(ckpt)) {
    throw Error(run_dir + ": no finished checkpoint (checkpoints/" + checkpoint +
                ".pt is missing); train it first or resume it with `aezoo train --resume " +
                run_dir + "`");
  }
  load_model_weights(*run.loaded.model, ckpt);
  run.loaded.model->to(run.loaded.experiment.trainer.device);
  run.loaded.model->eval();
  run.info = run_metadata(run.loaded);
  return run;
}

FitResult resume_run(const std::string& run_dir, const TrainRunOptions& options) {
  const std::string config = (fs::path(run_dir) / "config.yaml").string();
  if (!fs::exists(config))
    throw Error(run_dir + ": not a run directory (no config.yaml)");
  LoadedExperiment loaded = load_experiment(config, {"output.dir=" + run_dir});
  TrainRunOptions opts = options;
  opts.resume = true;
  return train_experiment(loaded, opts);
}

Json evaluate_run(LoadedRun& run, const std::string& split) {
  const Dataset& data = run.loaded.data;
  torch::Tensor x = split == "test" ? data.test_x : split == "val" ? data.val_x : data.train_x;
  if (split != "test" && split != "val" && split != "train") {
    throw Error("--split: expected one of train, val, test, got '" + split + "'");
  }
  if (!x.defined() || x.size(0) == 0) {
    throw Error(run.dir + ": the data set has no " + split + " split");
  }
  auto& model = *run.loaded.model;
  Trainer trainer(run.loaded.experiment.trainer, run.dir);
  auto metrics = trainer.evaluate(model, x);
  Json out = Json::object();
  out["run"] = run.dir;
  out["split"] = split;
  out["model_type"] = model.type();
  out["examples"] = static_cast<int64_t>(x.size(0));
  for (const auto& [k, v] : metrics)
    out[k] = v;

  // Evaluation-only metrics (IWAE bound, corrupted-input error, ...), averaged per example.
  const auto device = model_device(model);
  const int64_t n = x.size(0), bs = run.loaded.experiment.trainer.eval_batch_size;
  std::vector<std::pair<std::string, double>> sums;
  model.eval();
  for (int64_t start = 0; start < n; start += bs) {
    auto xb = x.narrow(0, start, std::min(bs, n - start)).to(device);
    std::unique_ptr<torch::NoGradGuard> no_grad;
    if (!model.needs_grad_in_eval())
      no_grad = std::make_unique<torch::NoGradGuard>();
    auto extra = model.evaluation_metrics(xb);
    if (sums.empty()) {
      for (const auto& [k, v] : extra)
        sums.emplace_back(k, 0.0);
    }
    for (size_t i = 0; i < extra.size(); ++i) {
      sums[i].second += extra[i].second.item<double>() * xb.size(0);
    }
  }
  for (const auto& [k, v] : sums)
    out[k] = v / n;
  if (auto* vae = dynamic_cast<VAEImpl*>(&model))
    out["iwae_samples"] = vae->options.iwae_samples();

  // Linear probe on frozen codes (image data with labels): logistic regression trained on the
  // codes of the training split, accuracy on this split.
  const Dataset& d = run.loaded.data;
  if (d.is_image && d.train_y.defined() && split != "train" && d.num_classes > 1) {
    auto y = split == "test" ? d.test_y : d.val_y;
    out["probe_accuracy"] = linear_probe_accuracy(model, d.train_x, d.train_y, x, y, d.num_classes);
    // Fashion-MNIST authors' benchmark: logistic regression on raw pixels.
    if (d.name == "fashion_mnist")
      out["probe_baseline_raw_pixels"] = 0.842;
  }
  return out;
}

void export_run(LoadedRun& run, const std::string& path) {
  run.loaded.model->to(torch::kCPU);
  save_export(
      *run.loaded.model, path, run_metadata(run.loaded), run.loaded.experiment.resolved_yaml);
}

}  // namespace aezoo

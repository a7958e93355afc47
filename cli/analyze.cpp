// `aezoo analyze`: manifold analysis of trained runs (analysis/), one subcommand per question
// of Goodfellow et al. 2016, sec. 14.6-14.7. Thin: load the run (or just its data), call the
// library, print a table or write a CSV/PNG for the figure scripts under scripts/figures/.
#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "analysis/embedding.h"
#include "analysis/manifold.h"
#include "analysis/tiling.h"
#include "cli/commands.h"
#include "core/error.h"
#include "core/experiment.h"
#include "core/image.h"
#include "core/io.h"
#include "core/run.h"
#include "core/threads.h"
#include "datasets/synthetic.h"
#include "models/denoising.h"

namespace aezoo::cli {

namespace {

namespace fs = std::filesystem;

const char* kAnalyzeUsage =
    "usage: aezoo analyze SUBCOMMAND ... [--checkpoint best|last]\n"
    "  (SOURCE = a RUN_DIR, or an EXPERIMENT.yaml for the data-only subcommands points,\n"
    "  isomap, tiles, which also take key=value overrides; --checkpoint: the run's weights,\n"
    "  default best, the lowest validation loss; use last for a denoising autoencoder, whose\n"
    "  validation loss is the clean reconstruction and so favours the least denoising epoch)\n"
    "  points SOURCE [--split train] [--n 0] -o FILE.csv\n"
    "      the split's points (x0, x1, ...) and, for synthetic manifolds, their true\n"
    "      coordinates (c0, ...); --n 0 = all\n"
    "  vector-field RUN_DIR [--grid 25] [--margin 0.5] [--split train] -o FILE.csv\n"
    "      r(x) - x on a grid around 2-D data: x0, x1, dx0, dx1 (figs. 14.4, 14.5)\n"
    "  denoise RUN_DIR [--n 100] [--sigma S] [--seed 0] [--split test] -o FILE.csv\n"
    "      corrupt points with N(0, S^2) (S: the DAE's gaussian_sigma) and reconstruct:\n"
    "      x*, noisy*, recon* columns (fig. 14.4)\n"
    "  curve RUN_DIR [--steps 401] [--margin 0.5] [--split train] -o FILE.csv\n"
    "      r(x) on a grid around 1-D data: x, r (fig. 14.7)\n"
    "  tangents RUN_DIR... [--k 10] [--split test] [--n 0] [-o FILE.csv]\n"
    "      largest principal angle (degrees) between the true tangent of a synthetic\n"
    "      manifold and (a) the leading right singular vectors of the encoder Jacobian,\n"
    "      (b) the leading left singular vectors of the reconstruction Jacobian dr/dx,\n"
    "      (c) local PCA of the k nearest training points; one table row per run;\n"
    "      -o (one run): per-point tangents (figs. 14.6, 14.10)\n"
    "  spectrum RUN_DIR... [--n 100] [--split test] -o FILE.csv\n"
    "      mean singular values of the encoder Jacobian, one column per run (fig. 14.10)\n"
    "  tangent-images RUN_DIR [--images 4] [--vectors 4] [--k 50] [--first 0] [--split test]\n"
    "                 [--jacobian both] [--scale 3] -o FILE.png\n"
    "      image data: per test image a row of local-PCA tangents, then rows of model\n"
    "      tangents, each after the input: --jacobian encoder (right singular vectors of\n"
    "      df/dx), reconstruction (left singular vectors of dr/dx) or both (fig. 14.10)\n"
    "  tangent-fit RUN_DIR... [--vectors 5] [--k 50] [--n 200] [--neighbors 5]\n"
    "              [--split test] [-o FILE.csv]\n"
    "      data without a known manifold: the share (%) of the displacement from each of\n"
    "      the first n points of the split to its nearest other points of the split (held\n"
    "      out from training) that lies in each tangent estimate: encoder Jacobian,\n"
    "      reconstruction Jacobian, local PCA of the run's k nearest training points,\n"
    "      global PCA of its training set, the paired difference reconstruction minus\n"
    "      local PCA, a random plane (d / D); one row per run\n"
    "  isomap SOURCE [--k 10] [--n 1000] [--split train] [--trust-k 10] [-o FILE.csv]\n"
    "         [--edges FILE.csv]\n"
    "      kNN graph, geodesics, classical MDS; Spearman correlation with the true\n"
    "      coordinates and trustworthiness, for Isomap and (RUN_DIR) the model's code\n"
    "      (fig. 14.8)\n"
    "  tiles SOURCE [--clusters 16] [--seed 0] [--scale 2] [--split train] -o FILE.csv\n"
    "        [--assign FILE.csv]\n"
    "      k-means + local PCA charts; -o: chart outlines (blank line between charts),\n"
    "      --assign: points with their cluster (fig. 14.9)\n";

struct UsageError : Error {
  using Error::Error;
};

/// Parsed arguments: positionals and `--name value` options (every option takes a value).
struct Options {
  std::vector<std::string> positional;
  /// `a.b=value` overrides for an EXPERIMENT.yaml source.
  std::vector<std::string> overrides;
  std::map<std::string, std::string> values;

  std::string str(const std::string& name, const std::string& def) const {
    auto it = values.find(name);
    return it == values.end() ? def : it->second;
  }
  bool has(const std::string& name) const {
    return values.count(name) > 0;
  }
  int64_t integer(const std::string& name, int64_t def, int64_t min) const {
    if (!has(name))
      return def;
    const std::string& s = values.at(name);
    size_t used = 0;
    int64_t v = 0;
    try {
      v = std::stoll(s, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != s.size() || s.empty())
      throw UsageError(name + ": expected an integer, got '" + s + "'");
    if (v < min)
      throw UsageError(name + ": must be at least " + std::to_string(min) + ", got " + s);
    return v;
  }
  double number(const std::string& name, double def, double min) const {
    if (!has(name))
      return def;
    const std::string& s = values.at(name);
    size_t used = 0;
    double v = 0;
    try {
      v = std::stod(s, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != s.size() || s.empty() || !std::isfinite(v)) {
      throw UsageError(name + ": expected a number, got '" + s + "'");
    }
    if (v < min)
      throw UsageError(name + ": must be at least " + std::to_string(min) + ", got " + s);
    return v;
  }
  std::string output(bool required) const {
    if (!has("-o") && required)
      throw UsageError("-o FILE is required");
    return str("-o", "");
  }
};

Options parse(const std::vector<std::string>& args,
              const std::vector<std::string>& valued,
              bool allow_overrides = false) {
  Options o;
  for (size_t i = 1; i < args.size(); ++i) {
    const std::string& s = args[i];
    if (s.size() > 1 && s[0] == '-') {
      if (std::find(valued.begin(), valued.end(), s) == valued.end()) {
        throw UsageError(args[0] + ": unknown option '" + s + "'");
      }
      if (i + 1 >= args.size())
        throw UsageError("option " + s + " needs a value");
      o.values[s] = args[++i];
    } else if (s.find('=') != std::string::npos) {
      if (!allow_overrides) {
        throw UsageError(args[0] + " takes no key=value overrides (got '" + s + "')");
      }
      o.overrides.push_back(s);
    } else {
      o.positional.push_back(s);
    }
  }
  return o;
}

/// What a subcommand works on: a trained run, or only the data of an experiment file.
struct Source {
  std::string path;
  LoadedExperiment loaded;
  bool trained = false;

  AutoencoderBase& model() const {
    if (!trained)
      throw Error(path + ": not a run directory (this needs a trained model)");
    return *loaded.model;
  }
  const Dataset& data() const {
    return loaded.data;
  }
};

Source load_source(const Options& o,
                   const std::string& path,
                   bool need_model,
                   const std::vector<std::string>& overrides = {}) {
  const std::string checkpoint = o.str("--checkpoint", "best");
  if (checkpoint != "best" && checkpoint != "last") {
    throw UsageError("--checkpoint: expected best or last, got '" + checkpoint + "'");
  }
  Source s;
  s.path = path;
  if (fs::is_directory(path)) {
    if (!overrides.empty()) {
      throw UsageError("key=value overrides apply to an EXPERIMENT.yaml source, not to the run " +
                       path + " (its config.yaml is what it was trained with)");
    }
    LoadedRun run = load_run(path, checkpoint);
    s.loaded = std::move(run.loaded);
    s.loaded.model->to(torch::kCPU);
    s.trained = true;
  } else if (fs::is_regular_file(path) && !need_model) {
    s.loaded = load_experiment(path, overrides);
  } else if (need_model) {
    throw Error(path + ": no such run directory");
  } else {
    throw Error(path + ": neither a run directory nor an experiment file");
  }
  apply_threads(s.loaded.experiment.trainer.threads, s.loaded.experiment.trainer.blas_threads);
  return s;
}

std::string check_split(const std::string& split) {
  if (split != "train" && split != "val" && split != "test") {
    throw UsageError("--split: expected one of train, val, test, got '" + split + "'");
  }
  return split;
}

torch::Tensor split_x(const Source& s, const std::string& split) {
  const Dataset& d = s.data();
  const torch::Tensor& x = split == "train" ? d.train_x : split == "val" ? d.val_x : d.test_x;
  if (!x.defined() || x.size(0) == 0)
    throw Error(s.path + ": the data set has no " + split + " split");
  return x;
}

const ManifoldTruth& split_truth(const Source& s, const std::string& split) {
  const Dataset& d = s.data();
  return split == "train" ? d.train_manifold : split == "val" ? d.val_manifold : d.test_manifold;
}

/// The first n rows (n = 0: all).
torch::Tensor first(const torch::Tensor& t, int64_t n) {
  return (n <= 0 || !t.defined() || n >= t.size(0)) ? t : t.narrow(0, 0, n);
}

torch::Tensor flat_points(const torch::Tensor& x) {
  return x.reshape({x.size(0), -1}).to(torch::kFloat64);
}

void require_dims(const Source& s, int64_t want, const std::string& what) {
  const auto& shape = s.data().input_shape;
  if (shape.size() != 1 || shape[0] != want) {
    std::ostringstream got;
    for (size_t i = 0; i < shape.size(); ++i)
      got << (i ? "x" : "") << shape[i];
    throw Error(s.path + ": " + what + " needs " + std::to_string(want) +
                "-D data (examples of shape [" + std::to_string(want) + "]), got [" + got.str() +
                "]");
  }
}

/// A CSV table built column by column, written atomically.
class Csv {
 public:
  /// Adds columns `prefix0`, `prefix1`, ... from a [N, k] tensor (or one column `prefix` from
  /// [N] when `single`).
  void add(const std::string& prefix, const torch::Tensor& t, bool single = false) {
    auto m = t.detach().to(torch::kCPU, torch::kFloat64);
    if (m.dim() == 1)
      m = m.unsqueeze(1);
    m = m.reshape({m.size(0), -1});
    TORCH_CHECK(columns_.empty() || columns_.front().size(0) == m.size(0),
                "column length mismatch");
    for (int64_t j = 0; j < m.size(1); ++j) {
      names_.push_back(single && m.size(1) == 1 ? prefix : prefix + std::to_string(j));
      columns_.push_back(m.select(1, j).contiguous());
    }
  }
  void write(const std::string& path) const {
    std::ostringstream out;
    out << std::setprecision(7);
    for (size_t j = 0; j < names_.size(); ++j)
      out << (j ? "," : "") << names_[j];
    out << "\n";
    const int64_t n = columns_.empty() ? 0 : columns_.front().size(0);
    for (int64_t i = 0; i < n; ++i) {
      for (size_t j = 0; j < columns_.size(); ++j) {
        out << (j ? "," : "") << columns_[j].data_ptr<double>()[i];
      }
      out << "\n";
    }
    write_file_atomic(path, out.str());
  }

 private:
  std::vector<std::string> names_;
  std::vector<torch::Tensor> columns_;
};

std::string fixed(double v, int digits) {
  std::ostringstream s;
  s << std::fixed << std::setprecision(digits) << v;
  return s.str();
}

// --- subcommands --------------------------------------------------------------------------------

int cmd_points(const std::vector<std::string>& args) {
  auto o = parse(args, {"--checkpoint", "--split", "--n", "-o"}, true);
  if (o.positional.size() != 1)
    throw UsageError("points needs one SOURCE");
  const auto split = check_split(o.str("--split", "train"));
  const auto out = o.output(true);
  const int64_t n = o.integer("--n", 0, 0);
  Source s = load_source(o, o.positional[0], false, o.overrides);
  Csv csv;
  csv.add("x", flat_points(first(split_x(s, split), n)));
  const auto& truth = split_truth(s, split);
  if (truth.defined())
    csv.add("c", first(truth.coords, n));
  csv.write(out);
  std::cout << out << "\n";
  return 0;
}

int cmd_vector_field(const std::vector<std::string>& args) {
  auto o = parse(args, {"--checkpoint", "--grid", "--margin", "--split", "-o"});
  if (o.positional.size() != 1)
    throw UsageError("vector-field needs one RUN_DIR");
  const int64_t steps = o.integer("--grid", 25, 2);
  const double margin = o.number("--margin", 0.5, 0.0);
  const auto split = check_split(o.str("--split", "train"));
  const auto out = o.output(true);
  Source s = load_source(o, o.positional[0], true);
  require_dims(s, 2, "vector-field");
  const auto grid = grid_around(split_x(s, split), steps, margin);
  const auto field = reconstruction_field(s.model(), grid);
  Csv csv;
  csv.add("x", grid);
  csv.add("dx", field);
  csv.write(out);
  const auto len = field.norm(2, 1);
  std::cout << "vector field of " << s.model().type() << " on a " << steps << "x" << steps
            << " grid: |r(x) - x| mean " << fixed(len.mean().item<double>(), 4) << ", max "
            << fixed(len.max().item<double>(), 4) << "\n"
            << out << "\n";
  return 0;
}

int cmd_denoise(const std::vector<std::string>& args) {
  auto o = parse(args, {"--checkpoint", "--n", "--sigma", "--seed", "--split", "-o"});
  if (o.positional.size() != 1)
    throw UsageError("denoise needs one RUN_DIR");
  const int64_t n = o.integer("--n", 100, 1);
  const int64_t seed = o.integer("--seed", 0, 0);
  const auto split = check_split(o.str("--split", "test"));
  const auto out = o.output(true);
  Source s = load_source(o, o.positional[0], true);
  double sigma = o.number("--sigma", 0.0, 0.0);
  if (!o.has("--sigma")) {
    auto* dae = dynamic_cast<DenoisingImpl*>(&s.model());
    sigma = dae ? dae->options.corruption().gaussian_sigma() : 0.0;
    if (sigma <= 0) {
      throw UsageError("--sigma is required: " + s.path + " is not a denoising run with " +
                       "Gaussian corruption");
    }
  }
  const auto x = first(split_x(s, split), n);
  torch::Generator gen = at::detail::createCPUGenerator(static_cast<uint64_t>(seed));
  const auto noisy = x + sigma * torch::randn(x.sizes(), gen, x.options());
  const auto recon = reconstruct(s.model(), noisy);
  // Where the data set knows its manifold, report how far points are from it before and
  // after denoising (distance to the nearest noise-free training point).
  const auto& truth = split_truth(s, "train");
  if (truth.defined()) {
    auto dist = [&](const torch::Tensor& p) {
      return torch::cdist(flat_points(p), flat_points(truth.clean)).amin(1).mean().item<double>();
    };
    std::cout << "mean distance to the manifold: corrupted " << fixed(dist(noisy), 4)
              << ", reconstructed " << fixed(dist(recon), 4) << " (sigma " << sigma << ")\n";
  }
  Csv csv;
  csv.add("x", flat_points(x));
  csv.add("noisy", flat_points(noisy));
  csv.add("recon", flat_points(recon));
  csv.write(out);
  std::cout << out << "\n";
  return 0;
}

int cmd_curve(const std::vector<std::string>& args) {
  auto o = parse(args, {"--checkpoint", "--steps", "--margin", "--split", "-o"});
  if (o.positional.size() != 1)
    throw UsageError("curve needs one RUN_DIR");
  const int64_t steps = o.integer("--steps", 401, 2);
  const double margin = o.number("--margin", 0.5, 0.0);
  const auto split = check_split(o.str("--split", "train"));
  const auto out = o.output(true);
  Source s = load_source(o, o.positional[0], true);
  require_dims(s, 1, "curve");
  const auto grid = grid_around(split_x(s, split), steps, margin);
  const auto r = reconstruct(s.model(), grid);
  Csv csv;
  csv.add("x", grid, true);
  csv.add("r", r, true);
  csv.write(out);
  std::cout << out << "\n";
  return 0;
}

int cmd_tangents(const std::vector<std::string>& args) {
  auto o = parse(args, {"--checkpoint", "--k", "--split", "--n", "-o"});
  if (o.positional.empty())
    throw UsageError("tangents needs at least one RUN_DIR");
  const int64_t k = o.integer("--k", 10, 2);
  const int64_t n = o.integer("--n", 0, 0);
  const auto split = check_split(o.str("--split", "test"));
  const auto out = o.output(false);
  if (!out.empty() && o.positional.size() != 1)
    throw UsageError("-o needs exactly one RUN_DIR");
  std::cout << std::left << std::setw(11) << "manifold" << std::right << std::setw(8) << "n_train"
            << "  " << std::left << std::setw(25) << "model" << std::right << std::setw(5) << "code"
            << std::setw(6) << "k" << std::setw(15) << "jacobian_deg" << std::setw(15)
            << "recon_deg" << std::setw(15) << "local_pca_deg" << std::setw(11) << "(median)"
            << std::setw(11) << "(median)" << std::setw(11) << "(median)"
            << "\n";
  for (const auto& dir : o.positional) {
    Source s = load_source(o, dir, true);
    const auto& truth = split_truth(s, split);
    if (!truth.defined()) {
      throw Error(dir + ": data set '" + s.data().name +
                  "' has no true tangents (use circle, spiral, swiss_roll, line or sphere)");
    }
    const int64_t dim = manifold_intrinsic_dim(s.data().name);
    const auto x = first(split_x(s, split), n);
    const auto reference = flat_points(s.data().train_x);
    const auto tangents = first(truth.tangents, n);
    const auto jf = encoder_jacobian(s.model(), x);
    const auto jac = jacobian_tangents(jf, dim);
    const auto rec = reconstruction_tangents(s.model(), x, jf, dim);
    // On the training split a point is not its own neighbour.
    const auto pca =
        split == "train"
            ? LocalPCA{first(local_pca(reference, reference, k, dim, true).directions, n), {}, {}}
            : local_pca(flat_points(x), reference, k, dim, /*exclude_self=*/false);
    const auto err_jac = tangent_error_degrees(jac, tangents);
    const auto err_rec = tangent_error_degrees(rec, tangents);
    const auto err_pca = tangent_error_degrees(pca.directions, tangents);
    std::cout << std::left << std::setw(11) << s.data().name << std::right << std::setw(8)
              << reference.size(0) << "  " << std::left << std::setw(25) << s.model().type()
              << std::right << std::setw(5) << s.model().code_dim() << std::setw(6) << k;
    for (const auto* err : {&err_jac, &err_rec, &err_pca})
      std::cout << std::setw(15) << fixed(err->mean().item<double>(), 2);
    for (const auto* err : {&err_jac, &err_rec, &err_pca})
      std::cout << std::setw(11) << fixed(err->median().item<double>(), 2);
    std::cout << "\n";
    if (!out.empty()) {
      Csv csv;
      csv.add("x", flat_points(x));
      csv.add("jac", jac.transpose(1, 2));  // [N, dim, D] flattened: direction-major
      csv.add("pca", pca.directions.transpose(1, 2));
      csv.add("true", tangents.transpose(1, 2));
      csv.add("err_jac", err_jac, true);
      csv.add("err_pca", err_pca, true);
      csv.add("rec", rec.transpose(1, 2));  // appended: older scripts read the columns above
      csv.add("err_rec", err_rec, true);
      csv.write(out);
    }
  }
  std::cout << "angles: largest principal angle to the true tangent "
            << (split == "train" ? "space at the training points"
                                 : "space at the " + split + " points")
            << ", mean over points; local PCA uses the k nearest training points\n";
  if (!out.empty())
    std::cout << out << "\n";
  return 0;
}

int cmd_spectrum(const std::vector<std::string>& args) {
  auto o = parse(args, {"--checkpoint", "--n", "--split", "-o"});
  if (o.positional.empty())
    throw UsageError("spectrum needs at least one RUN_DIR");
  const int64_t n = o.integer("--n", 100, 1);
  const auto split = check_split(o.str("--split", "test"));
  const auto out = o.output(true);
  std::vector<torch::Tensor> means;
  std::vector<std::string> names;
  int64_t longest = 0;
  for (const auto& dir : o.positional) {
    Source s = load_source(o, dir, true);
    const auto x = first(split_x(s, split), n);
    const auto sv = singular_spectrum(encoder_jacobian(s.model(), x)).values.to(torch::kFloat64);
    const auto mean = sv.mean(0);
    const double top = mean[0].item<double>();
    const int64_t above = (mean > 0.1 * top).sum().item<int64_t>();
    std::cout << dir << " (" << s.model().type() << ", code " << s.model().code_dim()
              << "): ||J||_F^2 " << fixed(sv.square().sum(1).mean().item<double>(), 3)
              << ", sigma_1 " << fixed(top, 4) << ", " << above
              << " singular values above 0.1 sigma_1\n";
    means.push_back(mean);
    const auto path = fs::path(dir).lexically_normal();
    names.push_back(path.has_filename() ? path.filename().string()
                                        : path.parent_path().filename().string());
    longest = std::max(longest, mean.size(0));
  }
  std::ostringstream text;
  text << "index";
  for (const auto& name : names)
    text << "," << name;
  text << "\n" << std::setprecision(7);
  for (int64_t i = 0; i < longest; ++i) {
    text << i + 1;
    for (const auto& m : means) {
      text << ",";
      if (i < m.size(0))
        text << m[i].item<double>();
      else
        text << "NaN";
    }
    text << "\n";
  }
  write_file_atomic(out, text.str());
  std::cout << out << "\n";
  return 0;
}

/// A signed direction as a grey image: 0 is mid-grey, the largest |value| black or white.
torch::Tensor direction_image(const torch::Tensor& v, const std::vector<int64_t>& shape) {
  const double peak = std::max(v.abs().max().item<double>(), 1e-12);
  return (0.5 + 0.5 * v / peak).reshape(shape).to(torch::kFloat32);
}

/// Throws unless the run's model can give `vectors` tangent directions.
void check_tangent_dim(const Source& s, int64_t vectors) {
  const int64_t dims = s.data().train_x.numel() / std::max<int64_t>(s.data().train_x.size(0), 1);
  const int64_t most = std::min(s.model().code_dim(), dims);
  if (vectors > most) {
    throw Error("--vectors " + std::to_string(vectors) + ": " + s.path + "'s " + s.model().type() +
                " has a " + std::to_string(s.model().code_dim()) + "-D code, so at most " +
                std::to_string(most) + " tangent directions");
  }
}

/// Throws unless local PCA with k neighbours and `vectors` directions fits the training set.
void check_local_pca(const Source& s, int64_t k, int64_t vectors) {
  const int64_t n_train = s.data().train_x.size(0);
  if (k > n_train) {
    throw Error("--k " + std::to_string(k) + ": " + s.path + " has only " +
                std::to_string(n_train) + " training points");
  }
  if (vectors > k) {
    throw Error("--vectors " + std::to_string(vectors) + " exceeds --k " + std::to_string(k) +
                ": local PCA of k points has at most k directions");
  }
}

int cmd_tangent_images(const std::vector<std::string>& args) {
  auto o = parse(args,
                 {"--checkpoint",
                  "--images",
                  "--vectors",
                  "--k",
                  "--first",
                  "--split",
                  "--scale",
                  "--jacobian",
                  "-o"});
  if (o.positional.size() != 1)
    throw UsageError("tangent-images needs one RUN_DIR");
  const int64_t images = o.integer("--images", 4, 1);
  const int64_t vectors = o.integer("--vectors", 4, 1);
  const int64_t k = o.integer("--k", 50, 2);
  const int64_t start = o.integer("--first", 0, 0);
  const int64_t scale = o.integer("--scale", 3, 1);
  const auto split = check_split(o.str("--split", "test"));
  const auto which = o.str("--jacobian", "both");
  if (which != "encoder" && which != "reconstruction" && which != "both") {
    throw UsageError("--jacobian: expected encoder, reconstruction or both, got '" + which + "'");
  }
  const auto out = o.output(true);
  Source s = load_source(o, o.positional[0], true);
  const auto& data = s.data();
  if (!data.is_image)
    throw Error(s.path + ": tangent-images needs image data");
  check_tangent_dim(s, vectors);
  const auto all = split_x(s, split);
  if (start + images > all.size(0))
    throw UsageError("--first + --images exceeds the split size");
  const auto x = all.narrow(0, start, images);
  check_local_pca(s, k, vectors);
  const auto pca = local_pca(flat_points(x),
                             flat_points(data.train_x),
                             k,
                             vectors,
                             /*exclude_self=*/false);
  // Rows per image: local PCA first, then the model's estimates.
  std::vector<std::pair<std::string, torch::Tensor>> rows = {{"local PCA", pca.directions}};
  const auto jf = encoder_jacobian(s.model(), x);
  if (which != "reconstruction")
    rows.emplace_back("encoder Jacobian", jacobian_tangents(jf, vectors));
  if (which != "encoder")
    rows.emplace_back("reconstruction Jacobian",
                      reconstruction_tangents(s.model(), x, jf, vectors));
  const auto inputs = data.denormalize(x).clamp(0, 1).to(torch::kFloat32);
  std::vector<torch::Tensor> tiles;
  for (int64_t i = 0; i < images; ++i) {
    for (const auto& row : rows) {
      tiles.push_back(inputs[i]);
      for (int64_t v = 0; v < vectors; ++v) {
        tiles.push_back(direction_image(row.second[i].select(1, v), data.input_shape));
      }
    }
  }
  const auto grid = make_grid(torch::stack(tiles), 1 + vectors, scale);
  write_png(out, grid);
  std::cout << "rows: per image, local PCA (k = " << k << ")";
  for (size_t r = 1; r < rows.size(); ++r)
    std::cout << ", the " << s.model().type() << "'s " << rows[r].first;
  std::cout << "; columns: the input, then " << vectors << " leading tangent vectors\n";
  for (size_t r = 1; r < rows.size(); ++r) {
    const auto err = tangent_error_degrees(rows[r].second, pca.directions);
    std::cout << "largest principal angle between local PCA and the " << rows[r].first
              << " tangents: mean " << fixed(err.mean().item<double>(), 1) << " degrees\n";
  }
  std::cout << out << "\n";
  return 0;
}

int cmd_tangent_fit(const std::vector<std::string>& args) {
  auto o = parse(args, {"--checkpoint", "--vectors", "--k", "--n", "--neighbors", "--split", "-o"});
  if (o.positional.empty())
    throw UsageError("tangent-fit needs at least one RUN_DIR");
  const int64_t vectors = o.integer("--vectors", 5, 1);
  const int64_t k = o.integer("--k", 50, 2);
  const int64_t n = o.integer("--n", 200, 1);
  const int64_t neighbors = o.integer("--neighbors", 5, 1);
  const auto split = check_split(o.str("--split", "test"));
  if (split == "train") {
    throw UsageError(
        "--split train: the neighbours must be held out from training "
        "(use val or test)");
  }
  const auto out = o.output(false);
  // The last column is paired: reconstruction minus local PCA at each point.
  const char* names[] = {"encoder", "reconstruction", "local_pca", "global_pca", "rec_minus_pca"};
  std::cout << std::left << std::setw(28) << "run" << std::setw(14) << "model" << std::right
            << std::setw(8) << "n_train" << std::setw(4) << "d";
  for (const char* name : names)
    std::cout << std::setw(17) << name;
  std::cout << std::setw(8) << "random\n";
  std::ostringstream csv;
  csv << "run,model,n_train,d,k,points,neighbors";
  for (const char* name : names)
    csv << "," << name << "," << name << "_se";
  csv << ",random\n" << std::setprecision(7);
  for (const auto& dir : o.positional) {
    Source s = load_source(o, dir, true);
    check_tangent_dim(s, vectors);
    check_local_pca(s, k, vectors);
    const auto pool = split_x(s, split);
    const auto flat = flat_points(pool);
    if (neighbors > flat.size(0) - 1) {
      throw Error("--neighbors " + std::to_string(neighbors) + ": " + s.path + "'s " + split +
                  " split has only " + std::to_string(flat.size(0)) + " points");
    }
    const int64_t m = std::min(n, flat.size(0));
    const int64_t dims = flat.size(1);
    const auto members = torch::arange(m, torch::kLong);
    const auto nb = nearest_other_points(flat, members, neighbors);
    const auto fx = flat.narrow(0, 0, m);
    const auto disp =
        flat.index_select(0, nb.flatten()).view({m, neighbors, dims}) - fx.unsqueeze(1);
    const auto x = pool.narrow(0, 0, m);
    const auto train = flat_points(s.data().train_x);
    const auto jf = encoder_jacobian(s.model(), x);
    const auto rec = tangent_fit(reconstruction_tangents(s.model(), x, jf, vectors), disp);
    const auto pca = tangent_fit(local_pca(fx, train, k, vectors).directions, disp);
    const torch::Tensor fits[] = {
        tangent_fit(jacobian_tangents(jf, vectors), disp),
        rec,
        pca,
        tangent_fit(point_cloud_pca(train, vectors).directions.expand({m, dims, vectors}), disp),
        rec - pca};
    const double random = 100.0 * static_cast<double>(vectors) / static_cast<double>(dims);
    const auto path = fs::path(dir).lexically_normal();
    const auto name =
        path.has_filename() ? path.filename().string() : path.parent_path().filename().string();
    std::cout << std::left << std::setw(28) << name << std::setw(14) << s.model().type()
              << std::right << std::setw(8) << train.size(0) << std::setw(4) << vectors;
    csv << name << "," << s.model().type() << "," << train.size(0) << "," << vectors << "," << k
        << "," << m << "," << neighbors;
    for (const auto& fit : fits) {
      const auto valid = fit.masked_select(fit.isnan().logical_not());
      const double mean = 100.0 * valid.mean().item<double>();
      const double se = valid.numel() > 1 ? 100.0 * valid.std().item<double>() /
                                                std::sqrt(static_cast<double>(valid.numel()))
                                          : 0.0;
      std::cout << std::setw(10) << fixed(mean, 2) << " +-" << std::setw(4) << fixed(se, 2);
      csv << "," << mean << "," << se;
    }
    std::cout << std::setw(8) << fixed(random, 2) << "\n";
    csv << "," << random << "\n";
  }
  std::cout << "share (%) of the displacement from each of the first " << n << " " << split
            << " points to its " << neighbors << " nearest other " << split
            << " points that lies in the d-dimensional tangent estimate, mean +- standard "
               "error over points; local PCA: the k = "
            << k
            << " nearest training points of each run; rec_minus_pca: reconstruction minus "
               "local PCA at each point (paired)\n";
  if (!out.empty()) {
    write_file_atomic(out, csv.str());
    std::cout << out << "\n";
  }
  return 0;
}

int cmd_isomap(const std::vector<std::string>& args) {
  auto o =
      parse(args, {"--checkpoint", "--k", "--n", "--split", "--trust-k", "-o", "--edges"}, true);
  if (o.positional.size() != 1)
    throw UsageError("isomap needs one SOURCE");
  const int64_t k = o.integer("--k", 10, 1);
  const int64_t n = o.integer("--n", 1000, 3);
  const int64_t trust_k = o.integer("--trust-k", 10, 1);
  const auto split = check_split(o.str("--split", "train"));
  const auto out = o.output(false);
  const auto edges_out = o.str("--edges", "");
  Source s = load_source(o, o.positional[0], false, o.overrides);
  const auto x = first(split_x(s, split), n);
  const auto points = flat_points(x);
  const auto iso = isomap(points, k, 2);
  torch::Tensor code;
  if (s.trained) {
    torch::NoGradGuard no_grad;
    code = s.model().encode(x.to(torch::kFloat32)).to(torch::kFloat64);
  }

  const auto& truth = split_truth(s, split);
  std::cout << std::left << std::setw(26) << "embedding" << std::right << std::setw(5) << "dims";
  const int64_t ncoords = truth.defined() ? truth.coords.size(1) : 0;
  for (int64_t j = 0; j < ncoords; ++j)
    std::cout << std::setw(14) << ("spearman_c" + std::to_string(j));
  if (truth.defined())
    std::cout << std::setw(17) << "trustworthiness";
  std::cout << "\n";
  auto row = [&](const std::string& name, const torch::Tensor& e) {
    std::cout << std::left << std::setw(26) << name << std::right << std::setw(5) << e.size(1);
    if (truth.defined()) {
      const auto coords = first(truth.coords, n);
      for (int64_t j = 0; j < ncoords; ++j) {
        std::cout << std::setw(14) << fixed(best_direction_spearman(e, coords.select(1, j)), 3);
      }
      std::cout << std::setw(17)
                << fixed(trustworthiness(flat_points(first(truth.clean, n)), e, trust_k), 3);
    }
    std::cout << "\n";
  };
  row("isomap (k=" + std::to_string(k) + ")", iso.embedding);
  row("mds (euclidean)", classical_mds(torch::cdist(points, points), 2).embedding);
  if (code.defined())
    row(s.model().type() + " code", code);
  std::cout << x.size(0) << " " << split << " points; spearman_cJ: largest |Spearman correlation| "
            << "between true coordinate J and a direction of the embedding's first two axes; "
            << "trustworthiness (k=" << trust_k << ") against the noise-free points\n";

  if (!out.empty()) {
    Csv csv;
    csv.add("x", points);
    if (truth.defined())
      csv.add("c", first(truth.coords, n));
    csv.add("iso", iso.embedding);
    if (code.defined())
      csv.add("code", code);
    csv.write(out);
    std::cout << out << "\n";
  }
  if (!edges_out.empty()) {
    const auto e = graph_edges(iso.graph);
    Csv csv;
    csv.add("i", e.select(1, 0), true);
    csv.add("j", e.select(1, 1), true);
    csv.add("a", points.index_select(0, e.select(1, 0)));
    csv.add("b", points.index_select(0, e.select(1, 1)));
    csv.write(edges_out);
    std::cout << edges_out << " (" << e.size(0) << " edges)\n";
  }
  return 0;
}

int cmd_tiles(const std::vector<std::string>& args) {
  auto o = parse(
      args, {"--checkpoint", "--clusters", "--seed", "--scale", "--split", "-o", "--assign"}, true);
  if (o.positional.size() != 1)
    throw UsageError("tiles needs one SOURCE");
  const int64_t clusters = o.integer("--clusters", 16, 1);
  const int64_t seed = o.integer("--seed", 0, 0);
  const double scale = o.number("--scale", 2.0, 0.0);
  const auto split = check_split(o.str("--split", "train"));
  const auto out = o.output(true);
  const auto assign_out = o.str("--assign", "");
  Source s = load_source(o, o.positional[0], false, o.overrides);
  const auto points = flat_points(split_x(s, split));
  if (points.size(1) < 2)
    throw Error(s.path + ": tiles needs data of at least 2 dimensions");
  const auto tiling =
      tile_manifold(points, KMeansOptions(clusters).seed(static_cast<uint64_t>(seed)));
  const auto outlines = chart_outlines(tiling, scale, 48);
  // gnuplot-style: one block of vertices per chart, blocks separated by a blank line.
  std::ostringstream text;
  text << std::setprecision(7) << "chart";
  for (int64_t j = 0; j < points.size(1); ++j)
    text << ",x" << j;
  text << "\n";
  for (int64_t c = 0; c < outlines.size(0); ++c) {
    if (c)
      text << "\n";
    for (int64_t v = 0; v < outlines.size(1); ++v) {
      text << c;
      for (int64_t j = 0; j < outlines.size(2); ++j)
        text << "," << outlines[c][v][j].item<double>();
      text << "\n";
    }
  }
  write_file_atomic(out, text.str());
  if (!assign_out.empty()) {
    Csv csv;
    csv.add("x", points);
    csv.add("cluster", tiling.clusters.assignment, true);
    csv.write(assign_out);
  }
  const auto ratio = tiling.variances.select(1, points.size(1) - 1) / tiling.variances.select(1, 0);
  std::cout << clusters << " charts (k-means inertia " << fixed(tiling.clusters.inertia, 4)
            << "); variance across / along each chart (last / first principal direction): "
               "median "
            << fixed(ratio.median().item<double>(), 4) << ", max "
            << fixed(ratio.max().item<double>(), 4) << "\n"
            << out << "\n";
  if (!assign_out.empty())
    std::cout << assign_out << "\n";
  return 0;
}

}  // namespace

int analyze_main(const std::vector<std::string>& args) {
  try {
    if (args.empty())
      throw UsageError("analyze needs a subcommand");
    const std::string& sub = args[0];
    if (sub == "--help" || sub == "-h" || sub == "help") {
      std::cout << kAnalyzeUsage;
      return 0;
    }
    if (sub == "points")
      return cmd_points(args);
    if (sub == "vector-field")
      return cmd_vector_field(args);
    if (sub == "denoise")
      return cmd_denoise(args);
    if (sub == "curve")
      return cmd_curve(args);
    if (sub == "tangents")
      return cmd_tangents(args);
    if (sub == "spectrum")
      return cmd_spectrum(args);
    if (sub == "tangent-images")
      return cmd_tangent_images(args);
    if (sub == "tangent-fit")
      return cmd_tangent_fit(args);
    if (sub == "isomap")
      return cmd_isomap(args);
    if (sub == "tiles")
      return cmd_tiles(args);
    throw UsageError("unknown analyze subcommand '" + sub + "'");
  } catch (const UsageError& e) {
    std::cerr << "error: " << e.what() << "\n" << kAnalyzeUsage;
    return 2;
  }
}

}  // namespace aezoo::cli

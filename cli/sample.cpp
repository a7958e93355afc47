// `aezoo sample RUN_DIR ...`: Langevin samples from the score of a trained run (score_model,
// or a denoising autoencoder with Gaussian corruption only, whose score is (r(x) - x) / sigma^2).
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <limits>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "core/error.h"
#include "core/image.h"
#include "core/io.h"
#include "core/run.h"
#include "models/score.h"

namespace aezoo::cli {

namespace {

namespace fs = std::filesystem;

const char* kSampleUsage =
    "usage: aezoo sample RUN_DIR [--n N] [--steps T] [--step-size E] [--seed S] [-o FILE]\n"
    "  Langevin dynamics x <- x + E/2 s(x) + sqrt(E) z with the score s of the run's model\n"
    "  (score_model, or denoising with Gaussian corruption only), in the model's (normalised)\n"
    "  data space, started from a Gaussian with the training split's per-feature mean and std.\n"
    "  --n N          number of samples [64 for image data, 1000 otherwise]\n"
    "  --steps T      Langevin steps [1000]\n"
    "  --step-size E  step size, squared data units [0.001]\n"
    "  --seed S       seed of the start (S) and of the injected noise (S + 1) [0]\n"
    "  -o FILE        image data: a PNG grid of the samples [RUN_DIR/samples.png];\n"
    "                 other data: a CSV, one sample a row, in data units [RUN_DIR/samples.csv],\n"
    "                 and for 2-D data a scatter plot beside it, FILE with extension .png (grey:\n"
    "                 training data; blue: samples)\n";

struct SampleUsageError : Error {
  using Error::Error;
};

struct SampleArgs {
  std::string run_dir;
  int64_t n = -1;  // -1: the default for the data kind
  int64_t steps = 1000;
  double step_size = 1e-3;
  uint64_t seed = 0;
  std::string output;
};

int64_t parse_int(const std::string& opt, const std::string& v, int64_t min) {
  size_t used = 0;
  int64_t x = 0;
  try {
    x = std::stoll(v, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != v.size() || x < min) {
    throw SampleUsageError(opt + ": expected an integer >= " + std::to_string(min) + ", got '" + v +
                           "'");
  }
  return x;
}

double parse_positive(const std::string& opt, const std::string& v) {
  size_t used = 0;
  double x = 0;
  try {
    x = std::stod(v, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != v.size() || !(x > 0) || !std::isfinite(x))
    throw SampleUsageError(opt + ": expected a number > 0, got '" + v + "'");
  return x;
}

SampleArgs parse(const std::vector<std::string>& args) {
  SampleArgs a;
  std::vector<std::string> positional;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& s = args[i];
    if (s == "--n" || s == "--steps" || s == "--step-size" || s == "--seed" || s == "-o") {
      if (i + 1 >= args.size())
        throw SampleUsageError("option " + s + " needs a value");
      const std::string& v = args[++i];
      if (s == "--n")
        a.n = parse_int(s, v, 1);
      else if (s == "--steps")
        a.steps = parse_int(s, v, 1);
      else if (s == "--step-size")
        a.step_size = parse_positive(s, v);
      else if (s == "--seed")
        a.seed = static_cast<uint64_t>(parse_int(s, v, 0));
      else
        a.output = v;
    } else if (!s.empty() && s[0] == '-') {
      throw SampleUsageError("unknown option '" + s + "'");
    } else {
      positional.push_back(s);
    }
  }
  if (positional.size() != 1)
    throw SampleUsageError("sample needs one RUN_DIR");
  a.run_dir = positional[0];
  return a;
}

std::string to_csv(const torch::Tensor& x) {
  auto flat = x.reshape({x.size(0), -1}).to(torch::kDouble).contiguous();
  const int64_t n = flat.size(0), d = flat.size(1);
  const double* p = flat.data_ptr<double>();
  std::string out;
  for (int64_t j = 0; j < d; ++j)
    out += (j ? ",x" : "x") + std::to_string(j);
  out += "\n";
  char buf[32];
  for (int64_t i = 0; i < n; ++i) {
    for (int64_t j = 0; j < d; ++j) {
      std::snprintf(buf, sizeof buf, "%.9g", p[i * d + j]);
      out += (j ? "," : "") + std::string(buf);
    }
    out += "\n";
  }
  return out;
}

// A scatter plot of 2-D points rasterised into an RGB image: `background` points (the
// training data) in grey, `points` (the samples) in blue, the axes x = 0 and y = 0 in light
// grey where they are in view. The view is the bounding box of the background points,
// widened to the samples but to at most twice the background's extent, with a 5% margin.
torch::Tensor scatter_image(const torch::Tensor& background, const torch::Tensor& points) {
  const int64_t size = 512;
  auto bg = background.to(torch::kDouble).contiguous();
  auto pts = points.to(torch::kDouble).contiguous();
  auto lo = std::get<0>(bg.min(0)), hi = std::get<0>(bg.max(0));
  auto extent = (hi - lo).clamp_min(1e-9);
  lo = torch::maximum(torch::minimum(lo, std::get<0>(pts.min(0))), lo - 0.5 * extent);
  hi = torch::minimum(torch::maximum(hi, std::get<0>(pts.max(0))), hi + 0.5 * extent);
  auto margin = 0.05 * (hi - lo).clamp_min(1e-9);
  lo = lo - margin;
  hi = hi + margin;
  const double x0 = lo[0].item<double>(), x1 = hi[0].item<double>();
  const double y0 = lo[1].item<double>(), y1 = hi[1].item<double>();
  auto img = torch::full({size, size, 3}, 255, torch::kUInt8);
  auto acc = img.accessor<uint8_t, 3>();
  auto col = [&](double x) { return static_cast<int64_t>((x - x0) / (x1 - x0) * (size - 1)); };
  auto row = [&](double y) { return static_cast<int64_t>((y1 - y) / (y1 - y0) * (size - 1)); };
  auto put = [&](int64_t r, int64_t c, uint8_t R, uint8_t G, uint8_t B) {
    if (r < 0 || r >= size || c < 0 || c >= size)
      return;
    acc[r][c][0] = R;
    acc[r][c][1] = G;
    acc[r][c][2] = B;
  };
  if (x0 < 0 && x1 > 0) {
    for (int64_t r = 0; r < size; ++r)
      put(r, col(0), 220, 220, 220);
  }
  if (y0 < 0 && y1 > 0) {
    for (int64_t c = 0; c < size; ++c)
      put(row(0), c, 220, 220, 220);
  }
  auto dots = [&](const torch::Tensor& p, int radius, uint8_t R, uint8_t G, uint8_t B) {
    const double* d = p.data_ptr<double>();
    for (int64_t i = 0; i < p.size(0); ++i) {
      const double x = d[2 * i], y = d[2 * i + 1];
      if (!(x >= x0 && x <= x1 && y >= y0 && y <= y1))
        continue;
      const int64_t r = row(y), c = col(x);
      for (int dr = -radius; dr <= radius; ++dr) {
        for (int dc = -radius; dc <= radius; ++dc)
          put(r + dr, c + dc, R, G, B);
      }
    }
  };
  dots(bg, 1, 170, 170, 170);
  dots(pts, 1, 31, 90, 200);
  return img;
}

int run_sample(const SampleArgs& a) {
  auto run = load_run(a.run_dir, "best");
  auto& model = *run.loaded.model;
  const Dataset& data = run.loaded.data;
  if (!model.has_score()) {
    throw Error(a.run_dir + ": model '" + model.type() +
                "' has no score estimate; sample needs a score_model run or a denoising run "
                "with Gaussian corruption only");
  }
  if (!data.train_x.defined() || data.train_x.size(0) < 2)
    throw Error(a.run_dir + ": the training split is too small to set the starting points");
  const bool image = data.is_image;
  const int64_t n = a.n > 0 ? a.n : (image ? 64 : 1000);
  const std::string out =
      !a.output.empty() ? a.output
                        : (fs::path(a.run_dir) / (image ? "samples.png" : "samples.csv")).string();
  const torch::Device device = model_device(model);
  model.eval();

  // Start: N(mean, diag(std^2)) of the (normalised) training split, seeded.
  auto train = data.train_x.to(torch::kFloat);
  auto mean = train.mean(0), std = train.std(0);
  auto gen = at::detail::createCPUGenerator(a.seed);
  std::vector<int64_t> shape = {n};
  shape.insert(shape.end(), data.input_shape.begin(), data.input_shape.end());
  auto x0 = mean + std * at::randn(shape, gen, torch::TensorOptions().dtype(torch::kFloat));

  const auto t0 = std::chrono::steady_clock::now();
  auto samples =
      langevin_sample([&](const torch::Tensor& x) { return model.score(x); },
                      x0.to(device),
                      LangevinOptions().steps(a.steps).step_size(a.step_size).seed(a.seed + 1))
          .to(torch::kCPU);
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  auto in_data_units = data.denormalize(samples);

  std::vector<std::string> written;
  if (image) {
    write_png(out, make_grid(in_data_units.clamp(0, 1), 8, 2));
    written.push_back(out);
  } else {
    write_file_atomic(out, to_csv(in_data_units));
    written.push_back(out);
    if (in_data_units.dim() == 2 && in_data_units.size(1) == 2) {
      const std::string png = fs::path(out).replace_extension(".png").string();
      write_png(png, scatter_image(data.denormalize(train), in_data_units));
      written.push_back(png);
    }
  }
  std::cerr << "sampled " << n << " points from " << model.type() << " (" << a.run_dir << ") with "
            << a.steps << " Langevin steps of size " << a.step_size << " in " << secs << " s\n";
  for (const auto& w : written)
    std::cout << w << "\n";
  return 0;
}

}  // namespace

int sample_main(const std::vector<std::string>& args) {
  if (!args.empty() && (args[0] == "--help" || args[0] == "-h")) {
    std::cout << kSampleUsage;
    return 0;
  }
  SampleArgs a;
  try {
    a = parse(args);
  } catch (const SampleUsageError& e) {
    std::cerr << "error: " << e.what() << "\n" << kSampleUsage;
    return 2;
  }
  return run_sample(a);
}

}  // namespace aezoo::cli

// aezoo_bench_score: cost of score matching (issue: Score matching, "Cost"). For each input
// dimension D, the median time of one training step (forward, backward, optimizer step; batch
// 128) of exact, sliced (1 projection) and denoising score matching on the same network (a
// direct MLP D-256-256-D, softplus), and the ratios sliced / dsm and exact / dsm. Exact score
// matching needs one backward pass per input dimension, so its cost grows about linearly in
// D; sliced needs one extra backward pass whatever D, so it stays within a small constant of
// dsm. A benchmark, not a test: nothing is asserted.
//
//   aezoo_bench_score [--dims 2,16,128,784] [--repeats 5] [--batch 128] [--hidden 256,256]
//                     [--target 0.3] [--threads N]
//
// Each (D, loss) is warmed up, then timed `repeats` times; a repeat runs as many steps as
// fill about `target` seconds (at least one), and the reported time is the median over the
// repeats of seconds per step.
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "core/threads.h"
#include "core/version.h"
#include "models/score.h"
#include "trainers/optim.h"

namespace {

using Clock = std::chrono::steady_clock;

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n == 0 ? 0 : n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

std::vector<int64_t> int_list(const std::string& s) {
  std::vector<int64_t> out;
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, ',')) {
    size_t used = 0;
    const int64_t v = std::stoll(item, &used);
    if (used != item.size() || v < 1)
      throw std::invalid_argument("expected a list of positive integers, got '" + s + "'");
    out.push_back(v);
  }
  return out;
}

struct Config {
  std::vector<int64_t> dims = {2, 16, 128, 784};
  std::vector<int64_t> hidden = {256, 256};
  int64_t batch = 128;
  int repeats = 5;
  double target = 0.3;
  int64_t threads = 0;
};

struct Timing {
  double seconds_per_step = 0;
  int64_t steps_per_repeat = 0;
};

Timing time_loss(const Config& c, int64_t dim, aezoo::ScoreLoss loss) {
  torch::manual_seed(0);
  auto model = aezoo::ScoreModel(aezoo::ScoreModelOptions({dim})
                                     .hidden(c.hidden)
                                     .activation(aezoo::Activation::softplus)
                                     .loss(loss)
                                     .projections(1)
                                     .sigma(0.1));
  model->train();
  aezoo::OptimizerOptions oo;
  oo.type = "adam";
  oo.lr = 1e-3;
  auto opt = aezoo::make_optimizer(model->parameters(), oo);
  const auto x = torch::randn({c.batch, dim});
  auto step = [&] {
    opt->zero_grad();
    auto l = model->compute(x).loss();
    l.backward();
    opt->step();
  };
  // Warm-up: one step (allocator, thread pool), then one timed step to size the repeats.
  step();
  const auto t0 = Clock::now();
  step();
  const double one = std::chrono::duration<double>(Clock::now() - t0).count();
  Timing t;
  t.steps_per_repeat = std::max<int64_t>(1, std::min<int64_t>(200, int64_t(c.target / one)));
  std::vector<double> per_step;
  for (int r = 0; r < c.repeats; ++r) {
    const auto s = Clock::now();
    for (int64_t i = 0; i < t.steps_per_repeat; ++i)
      step();
    per_step.push_back(std::chrono::duration<double>(Clock::now() - s).count() /
                       double(t.steps_per_repeat));
  }
  t.seconds_per_step = median(per_step);
  return t;
}

int run(const Config& c) {
  const int64_t threads = aezoo::apply_threads(c.threads);
  std::string hidden;
  for (auto h : c.hidden)
    hidden += (hidden.empty() ? "" : "-") + std::to_string(h);
  std::printf(
      "score matching: median seconds per training step (forward + backward + Adam), batch "
      "%lld,\nnetwork D-%s-D (direct, softplus), %d repeats, %lld thread(s), LibTorch %s\n\n",
      static_cast<long long>(c.batch),
      hidden.c_str(),
      c.repeats,
      static_cast<long long>(threads),
      aezoo::torch_version().c_str());
  std::printf("%6s %12s %12s %12s %11s %11s %13s   %s\n",
              "D",
              "exact ms",
              "sliced ms",
              "dsm ms",
              "sliced/dsm",
              "exact/dsm",
              "exact/dsm/D",
              "steps per repeat (e/s/d)");
  const auto t_all = Clock::now();
  for (int64_t d : c.dims) {
    const auto e = time_loss(c, d, aezoo::ScoreLoss::exact);
    const auto s = time_loss(c, d, aezoo::ScoreLoss::sliced);
    const auto n = time_loss(c, d, aezoo::ScoreLoss::dsm);
    std::printf("%6lld %12.3f %12.3f %12.3f %11.2f %11.1f %13.3f   %lld/%lld/%lld\n",
                static_cast<long long>(d),
                1e3 * e.seconds_per_step,
                1e3 * s.seconds_per_step,
                1e3 * n.seconds_per_step,
                s.seconds_per_step / n.seconds_per_step,
                e.seconds_per_step / n.seconds_per_step,
                e.seconds_per_step / n.seconds_per_step / double(d),
                static_cast<long long>(e.steps_per_repeat),
                static_cast<long long>(s.steps_per_repeat),
                static_cast<long long>(n.steps_per_repeat));
    std::fflush(stdout);
  }
  std::printf("\ntotal %.1f s\n", std::chrono::duration<double>(Clock::now() - t_all).count());
  return 0;
}

const char* kUsage =
    "usage: aezoo_bench_score [--dims 2,16,128,784] [--repeats 5] [--batch 128]\n"
    "                         [--hidden 256,256] [--target 0.3] [--threads N]\n";

}  // namespace

int main(int argc, char** argv) {
  Config c;
  try {
    for (int i = 1; i < argc; ++i) {
      const std::string a = argv[i];
      if (a == "--help" || a == "-h") {
        std::cout << kUsage;
        return 0;
      }
      if (i + 1 >= argc)
        throw std::invalid_argument("option " + a + " needs a value (or is unknown)");
      const std::string v = argv[++i];
      if (a == "--dims")
        c.dims = int_list(v);
      else if (a == "--hidden")
        c.hidden = int_list(v);
      else if (a == "--repeats")
        c.repeats = static_cast<int>(int_list(v).at(0));
      else if (a == "--batch")
        c.batch = int_list(v).at(0);
      else if (a == "--target")
        c.target = std::stod(v);
      else if (a == "--threads")
        c.threads = std::stoll(v);
      else
        throw std::invalid_argument("unknown option '" + a + "'");
    }
    return run(c);
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n" << kUsage;
    return 2;
  }
}

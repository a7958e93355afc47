// aezoo_bench: training-speed benchmark of named workloads on Fashion-MNIST (issue:
// Performance). Each workload runs in a fresh child process (so its peak resident memory is
// its own), trains `--repeats` timed passes after a warm-up, and reports medians of:
// seconds per epoch, samples per second, the share of time in forward / backward / optimizer
// step, achieved GFLOP/s, and the ratio to the GEMM floor: the sum, over the matrix products
// a training step of the workload performs, of the time torch::mm takes for that exact shape
// measured in the same process (the "sgemm rate measured in the same run on the same
// shapes"), and the ratio to those products run back to back, each on its own operands
// (x_seq: how much of the gap is the products' own cost outside the hot-cache loop of the
// floor, and how much the rest of the step). Optionally also times the same VAE in PyTorch
// (Python, data in memory).
//
//   aezoo_bench [--workloads vae,mlp_ae,...] [--repeats 5] [--max-steps 0] [--python]
//               [--threads N] [--blas-threads N] [--batch 128] [--device cpu|cuda]
//               [--json FILE]
// --threads / --blas-threads set trainer.threads / trainer.blas_threads (0 = the defaults).
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <torch/torch.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "core/experiment.h"
#include "core/json.h"
#include "core/threads.h"
#include "trainers/optim.h"

extern char** environ;

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n == 0 ? 0 : n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

struct Workload {
  std::string name, description, model_yaml;
  /// Workload whose step time this one is compared with (the "ratio to" column).
  std::string compare_to;
};

const std::vector<Workload>& workloads() {
  static const std::vector<Workload> w = {
      {"vae",
       "VAE 784-400-20 (ReLU, Bernoulli), the pytorch/examples model",
       "{type: vae, latent_dim: 20, hidden: [400], activation: relu, likelihood: bernoulli}",
       ""},
      {"mlp_ae",
       "deep MLP autoencoder 784-512-256-32 (the default experiment)",
       "{type: autoencoder, latent_dim: 32, hidden: [512, 256]}",
       ""},
      {"ae_1layer",
       "autoencoder, one sigmoid layer 784-256 (baseline of the CAE rows)",
       "{type: autoencoder, latent_dim: 256, hidden: [], code_activation: sigmoid}",
       ""},
      {"cae_closed",
       "contractive, one sigmoid layer, closed form",
       "{type: contractive, latent_dim: 256, hidden: [], code_activation: sigmoid, "
       "estimator: closed_form}",
       "ae_1layer"},
      {"cae_random",
       "contractive, one sigmoid layer, random projection, 1 probe",
       "{type: contractive, latent_dim: 256, hidden: [], code_activation: sigmoid, "
       "estimator: random, probes: 1}",
       "ae_1layer"},
      {"cae_exact",
       "contractive, one sigmoid layer, exact (one VJP per code unit)",
       "{type: contractive, latent_dim: 256, hidden: [], code_activation: sigmoid, "
       "estimator: exact}",
       "ae_1layer"},
      {"dae",
       "denoising autoencoder 784-512-256-32, Gaussian corruption 0.3",
       "{type: denoising, latent_dim: 32, hidden: [512, 256], gaussian_sigma: 0.3}",
       "mlp_ae"},
  };
  return w;
}

std::string experiment_yaml(const Workload& w, int64_t batch, int64_t threads, int64_t blas) {
  return "name: bench_" + w.name +
         "\n"
         "seed: 1\n"
         "data: {dataset: fashion_mnist, val_fraction: 0}\n"
         "model: " +
         w.model_yaml +
         "\n"
         "trainer: {epochs: 1, batch_size: " +
         std::to_string(batch) + ", threads: " + std::to_string(threads) +
         ", blas_threads: " + std::to_string(blas) +
         ", optimizer: {type: adam, lr: 1.0e-3}}\n"
         "output: {dir: /tmp/aezoo_bench_unused}\n";
}

torch::Device g_device = torch::kCPU;

void sync() {
  if (g_device.is_cuda())
    torch::cuda::synchronize();
}

/// Median time of torch::mm on [m, k] x [k, n] (on the benchmark's device).
double time_mm(int64_t m, int64_t k, int64_t n) {
  auto a = torch::randn({m, k}, g_device), b = torch::randn({k, n}, g_device);
  for (int i = 0; i < 3; ++i)
    torch::mm(a, b);
  sync();
  std::vector<double> t;
  for (int i = 0; i < 15; ++i) {
    auto t0 = Clock::now();
    auto c = torch::mm(a, b);
    sync();
    t.push_back(seconds_since(t0));
  }
  return median(t);
}

struct GemmFloor {
  double flops = 0;
  /// Sum over the step's products of each one's median time alone (the floor).
  double alone = 0;
  /// Median time of all the step's products run back to back, each on its own operands
  /// (closer to what they cost inside a training step, where no operand is hot).
  double sequence = 0;
};

/// GEMMs of one training step of an MLP (every 2-D parameter is a linear layer [out, in]):
/// forward x W^T, backward dL/dx = g W (not for the first layer: inputs need no gradient),
/// dL/dW = g^T x.
GemmFloor gemm_floor_per_step(aezoo::AutoencoderBase& model, int64_t batch) {
  GemmFloor f;
  std::vector<std::array<int64_t, 3>> shapes;  // {m, k, n}
  bool first = true;
  for (const auto& p : model.named_parameters()) {
    if (p.value().dim() != 2)
      continue;
    const int64_t out = p.value().size(0), in = p.value().size(1);
    f.flops += 2.0 * batch * in * out * 2;  // forward + weight gradient
    shapes.push_back({batch, in, out});
    shapes.push_back({out, batch, in});
    if (!first) {
      f.flops += 2.0 * batch * in * out;
      shapes.push_back({batch, out, in});
    }
    first = false;
  }
  std::vector<std::pair<torch::Tensor, torch::Tensor>> operands;
  for (const auto& [m, k, n] : shapes) {
    f.alone += time_mm(m, k, n);
    operands.emplace_back(torch::randn({m, k}, g_device), torch::randn({k, n}, g_device));
  }
  std::vector<double> t;
  for (int i = 0; i < 18; ++i) {
    auto t0 = Clock::now();
    for (const auto& [a, b] : operands)
      torch::mm(a, b);
    sync();
    if (i >= 3)
      t.push_back(seconds_since(t0));
  }
  f.sequence = median(t);
  return f;
}

int64_t peak_rss_kb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss;
}

/// Runs one workload in this process and prints one JSON line.
int child(const std::string& name,
          int repeats,
          int64_t max_steps,
          int64_t batch,
          int64_t threads,
          int64_t blas) {
  const Workload* w = nullptr;
  for (const auto& x : workloads()) {
    if (x.name == name)
      w = &x;
  }
  if (!w) {
    std::cerr << "error: unknown workload '" << name << "'\n";
    return 2;
  }
  auto le = aezoo::load_experiment_text(experiment_yaml(*w, batch, threads, blas), "<bench>");
  const int64_t used_threads = aezoo::apply_threads(threads, blas);
  auto& model = *le.model;
  model.to(g_device);
  model.train();
  const auto x_all = le.data.train_x.to(g_device);
  const int64_t n = x_all.size(0);
  const int64_t steps_per_epoch = (n + batch - 1) / batch;
  const int64_t steps = max_steps > 0 ? std::min(max_steps, steps_per_epoch) : steps_per_epoch;
  auto opt = aezoo::make_optimizer(model.parameters(), le.experiment.trainer.optimizer);
  torch::Generator gen = at::detail::createCPUGenerator(1);

  std::vector<double> epoch_s, fwd_s, bwd_s, opt_s;
  for (int r = -1; r < repeats; ++r) {  // r = -1 is the warm-up pass
    const int64_t todo = r < 0 ? std::min<int64_t>(steps, 20) : steps;
    auto perm = torch::randperm(n, gen, torch::kLong).to(g_device);
    sync();
    double f = 0, b = 0, o = 0;
    auto t_epoch = Clock::now();
    for (int64_t s = 0; s < todo; ++s) {
      auto idx = perm.narrow(0, (s * batch) % n, std::min(batch, n - (s * batch) % n));
      auto x = x_all.index_select(0, idx);
      // On CUDA each phase is synchronised so that its share is measurable; the epoch time
      // then includes those synchronisations (a small cost next to the launches).
      auto t0 = Clock::now();
      auto loss = model.compute(x).loss();
      sync();
      auto t1 = Clock::now();
      aezoo::clear_grads(*opt);
      loss.backward();
      sync();
      auto t2 = Clock::now();
      opt->step();
      sync();
      auto t3 = Clock::now();
      f += std::chrono::duration<double>(t1 - t0).count();
      b += std::chrono::duration<double>(t2 - t1).count();
      o += std::chrono::duration<double>(t3 - t2).count();
    }
    const double total = seconds_since(t_epoch);
    if (r >= 0) {
      const double scale = static_cast<double>(steps_per_epoch) / todo;
      epoch_s.push_back(total * scale);
      fwd_s.push_back(f * scale);
      bwd_s.push_back(b * scale);
      opt_s.push_back(o * scale);
    }
  }
  const GemmFloor floor = gemm_floor_per_step(model, batch);
  const double flops_step = floor.flops, floor_step = floor.alone;
  const double epoch = median(epoch_s);
  aezoo::Json j = aezoo::Json::object();
  j["workload"] = name;
  j["device"] = g_device.str();
  j["batch"] = batch;
  j["threads"] = used_threads;
  j["blas_threads"] = aezoo::blas_threads();
  j["examples"] = n;
  j["steps_timed"] = steps;
  j["steps_per_epoch"] = steps_per_epoch;
  j["seconds_per_epoch"] = epoch;
  j["seconds_per_step"] = epoch / steps_per_epoch;
  j["samples_per_second"] = n / epoch;
  j["forward_share"] = median(fwd_s) / epoch;
  j["backward_share"] = median(bwd_s) / epoch;
  j["optimizer_share"] = median(opt_s) / epoch;
  j["gemm_gflop_per_epoch"] = flops_step * steps_per_epoch / 1e9;
  j["achieved_gflops"] = flops_step * steps_per_epoch / epoch / 1e9;
  j["gemm_floor_seconds"] = floor_step * steps_per_epoch;
  j["sgemm_gflops"] = flops_step / floor_step / 1e9;
  j["ratio_to_floor"] = epoch / (floor_step * steps_per_epoch);
  j["gemm_sequence_seconds"] = floor.sequence * steps_per_epoch;
  j["ratio_to_sequence"] = epoch / (floor.sequence * steps_per_epoch);
  j["peak_rss_mb"] = peak_rss_kb() / 1024.0;
  std::cout << j.dump() << std::endl;
  return 0;
}

/// Spawns `argv` and returns its stdout; empty when it fails.
std::string capture(const std::vector<std::string>& args) {
  int fds[2];
  if (pipe(fds) != 0)
    return "";
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
  posix_spawn_file_actions_addclose(&fa, fds[0]);
  std::vector<char*> argv;
  for (const auto& a : args)
    argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  pid_t pid;
  int rc = posix_spawnp(&pid, argv[0], &fa, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  close(fds[1]);
  std::string out;
  if (rc == 0) {
    char buf[4096];
    ssize_t k;
    while ((k = read(fds[0], buf, sizeof buf)) > 0)
      out.append(buf, k);
    int status = 0;
    waitpid(pid, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
      out.clear();
  }
  close(fds[0]);
  return out;
}

std::string last_line(const std::string& s) {
  std::istringstream in(s);
  std::string line, last;
  while (std::getline(in, line)) {
    if (!line.empty())
      last = line;
  }
  return last;
}

std::string fmt(double v, int prec = 2) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", prec, v);
  return buf;
}

}  // namespace

int main(int argc, char** argv) {
  std::map<std::string, std::string> opt = {{"--repeats", "5"},
                                            {"--max-steps", "0"},
                                            {"--batch", "128"},
                                            {"--threads", "0"},
                                            {"--blas-threads", "0"},
                                            {"--device", "cpu"}};
  std::string list, child_name, json_out;
  bool python = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::cerr << "error: " << a << " needs a value\n";
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--workloads") {
      list = value();
    } else if (a == "--child") {
      child_name = value();
    } else if (a == "--json") {
      json_out = value();
    } else if (a == "--python") {
      python = true;
    } else if (opt.count(a)) {
      opt[a] = value();
    } else {
      std::cerr << "error: unknown option '" << a << "'\n"
                << "usage: aezoo_bench [--workloads a,b] [--repeats N] [--max-steps N] "
                   "[--batch N] [--threads N] [--blas-threads N] [--device cpu|cuda] [--python] "
                   "[--json FILE]\n";
      return 2;
    }
  }
  const int repeats = std::stoi(opt["--repeats"]);
  const int64_t max_steps = std::stoll(opt["--max-steps"]);
  const int64_t batch = std::stoll(opt["--batch"]);
  const int64_t threads = std::stoll(opt["--threads"]);
  const int64_t blas = std::stoll(opt["--blas-threads"]);
  try {
    g_device = torch::Device(opt["--device"]);
    if (g_device.is_cuda() && !torch::cuda::is_available()) {
      std::cerr << "error: --device cuda: CUDA is not available on this machine\n";
      return 1;
    }
    if (!child_name.empty())
      return child(child_name, repeats, max_steps, batch, threads, blas);
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }

  std::vector<std::string> names;
  if (list.empty()) {
    for (const auto& w : workloads())
      names.push_back(w.name);
  } else {
    std::stringstream ss(list);
    for (std::string s; std::getline(ss, s, ',');)
      names.push_back(s);
  }
  std::map<std::string, aezoo::Json> results;
  aezoo::Json all = aezoo::Json::array();
  std::printf("%-11s %9s %10s %6s %6s %6s %8s %8s %8s %6s %7s %9s\n",
              "workload",
              "s/epoch",
              "samples/s",
              "fwd%",
              "bwd%",
              "opt%",
              "GFLOP/s",
              "floor_s",
              "x_floor",
              "x_seq",
              "RSS_MB",
              "x_ref");
  for (const auto& name : names) {
    // Steps timed per repeat: the contractive exact estimator is timed on part of an epoch.
    std::string steps = opt["--max-steps"];
    if (steps == "0" && name == "cae_exact")
      steps = "40";
    std::string out = capture({"/proc/self/exe",
                               "--child",
                               name,
                               "--repeats",
                               std::to_string(repeats),
                               "--max-steps",
                               steps,
                               "--batch",
                               std::to_string(batch),
                               "--threads",
                               std::to_string(threads),
                               "--blas-threads",
                               std::to_string(blas),
                               "--device",
                               opt["--device"]});
    if (out.empty()) {
      std::printf(
          "%-11s failed (run `aezoo_bench --child %s` to see why)\n", name.c_str(), name.c_str());
      continue;
    }
    aezoo::Json j = aezoo::Json::parse(last_line(out));
    std::string ref = "";
    for (const auto& w : workloads()) {
      if (w.name == name && !w.compare_to.empty() && results.count(w.compare_to)) {
        ref = fmt(j.at("seconds_per_step").as_number() /
                      results[w.compare_to].at("seconds_per_step").as_number(),
                  2) +
              " " + w.compare_to;
        j["ratio_to"] = w.compare_to;
        j["ratio"] = j.at("seconds_per_step").as_number() /
                     results[w.compare_to].at("seconds_per_step").as_number();
      }
    }
    std::printf("%-11s %9s %10s %6s %6s %6s %8s %8s %8s %6s %7s %9s\n",
                name.c_str(),
                fmt(j.at("seconds_per_epoch").as_number()).c_str(),
                fmt(j.at("samples_per_second").as_number(), 0).c_str(),
                fmt(100 * j.at("forward_share").as_number(), 0).c_str(),
                fmt(100 * j.at("backward_share").as_number(), 0).c_str(),
                fmt(100 * j.at("optimizer_share").as_number(), 0).c_str(),
                fmt(j.at("achieved_gflops").as_number(), 1).c_str(),
                fmt(j.at("gemm_floor_seconds").as_number()).c_str(),
                fmt(j.at("ratio_to_floor").as_number()).c_str(),
                fmt(j.at("ratio_to_sequence").as_number()).c_str(),
                fmt(j.at("peak_rss_mb").as_number(), 0).c_str(),
                ref.c_str());
    std::fflush(stdout);
    results[name] = j;
    all.push_back(j);
  }
  if (python) {
    const std::string script = std::string(AEZOO_SOURCE_DIR) + "/benchmarks/pytorch_vae.py";
    for (const char* py : {"/usr/bin/python3", "python3"}) {
      std::string out = capture(
          {py, script, "--repeats", std::to_string(repeats), "--batch", std::to_string(batch)});
      if (out.empty())
        continue;
      aezoo::Json j = aezoo::Json::parse(last_line(out));
      std::string vs = results.count("vae")
                           ? fmt(results["vae"].at("seconds_per_epoch").as_number() /
                                     j.at("seconds_per_epoch").as_number(),
                                 2) +
                                 " (aezoo/PyTorch)"
                           : "";
      std::printf("%-11s %9s %10s %6s %6s %6s %8s %8s %8s %6s %7s %s\n",
                  "vae_pytorch",
                  fmt(j.at("seconds_per_epoch").as_number()).c_str(),
                  fmt(j.at("samples_per_second").as_number(), 0).c_str(),
                  "",
                  "",
                  "",
                  "",
                  "",
                  "",
                  "",
                  fmt(j.at("peak_rss_mb").as_number(), 0).c_str(),
                  vs.c_str());
      all.push_back(j);
      break;
    }
  }
  std::printf(
      "device %s, batch %lld, %s; medians of %d timed passes after a warm-up; each workload in "
      "its own process; floor_s = GEMM time of the same shapes measured in that process, each "
      "alone; "
      "x_seq = ratio to the same products run back to back\n",
      opt["--device"].c_str(),
      static_cast<long long>(batch),
      results.empty()
          ? "no result"
          : ("LibTorch threads " + fmt(results.begin()->second.at("threads").as_number(), 0) +
             ", OpenBLAS threads " + fmt(results.begin()->second.at("blas_threads").as_number(), 0))
                .c_str(),
      repeats);
  if (!json_out.empty()) {
    std::ofstream f(json_out);
    f << all.dump() << "\n";
  }
  return 0;
}

// End-to-end tests of the `aezoo` program (DESIGN.md, "CLI" and "Run directory"): each runs
// the built binary as a user would and checks exit status, stdout, stderr and the files.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <torch/script.h>
#include <torch/torch.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <sstream>
#include <thread>

#include "core/json.h"
#include "idx_fixture.h"
#include "test_util.h"

using namespace aezoo;
namespace fs = std::filesystem;

namespace {

const std::string kBinary = std::string(AEZOO_BINARY_DIR) + "/aezoo";  // for fork/exec

using test::quote;
using Result = test::CliResult;

Result run(const std::string& args, const test::TempDir& dir) {
  return test::run_aezoo(args, dir);
}

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> v;
  std::istringstream s(text);
  for (std::string l; std::getline(s, l);) {
    if (!l.empty())
      v.push_back(l);
  }
  return v;
}

/// A 2-D synthetic experiment that trains in well under a second.
std::string circle_experiment(const std::string& out_dir, int epochs = 2) {
  return "name: circle_test\n"
         "seed: 3\n"
         "data: {dataset: circle, num_points: 400, noise: 0.05}\n"
         "model:\n"
         "  type: autoencoder\n"
         "  latent_dim: 1\n"
         "  hidden: [16]\n"
         "  likelihood: gaussian\n"
         "  likelihood_scale: 0.1\n"
         "trainer:\n"
         "  epochs: " +
         std::to_string(epochs) +
         "\n"
         "  batch_size: 32\n"
         "  optimizer: {type: adam, lr: 1.0e-2}\n"
         "output:\n"
         "  dir: " +
         out_dir + "\n";
}

void expect_one_error_line(const Result& r, const std::vector<std::string>& fragments) {
  EXPECT_NE(r.status, 0);
  auto l = lines(r.err);
  ASSERT_GE(l.size(), 1u) << "no stderr";
  EXPECT_EQ(l[0].rfind("error: ", 0), 0u) << r.err;
  for (const auto& f : fragments)
    EXPECT_NE(l[0].find(f), std::string::npos) << f << " not in: " << l[0];
}

}  // namespace

TEST(Cli, ListPrintsOneNameALine) {
  test::TempDir dir;
  auto r = run("list", dir);
  ASSERT_EQ(r.status, 0) << r.err;
  auto l = lines(r.out);
  for (const char* name : {"autoencoder",
                           "linear_autoencoder",
                           "conv_autoencoder",
                           "fashion_mnist",
                           "idx",
                           "csv",
                           "circle",
                           "gaussian_mixture"}) {
    EXPECT_NE(std::find(l.begin(), l.end(), name), l.end()) << name;
  }
  auto models = lines(run("list models", dir).out);
  EXPECT_NE(std::find(models.begin(), models.end(), "autoencoder"), models.end());
  EXPECT_EQ(std::find(models.begin(), models.end(), "circle"), models.end());
  expect_one_error_line(run("list things", dir), {"things"});
  expect_one_error_line(run("frobnicate", dir), {"unknown command 'frobnicate'"});
}

TEST(Cli, ValidateAcceptsGoodAndRejectsBadConfigs) {
  test::TempDir dir;
  const std::string good = dir.file("good.yaml");
  test::write_file(good, circle_experiment(dir.file("run")));
  auto r = run("validate " + quote(good), dir);
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("ok: "), std::string::npos);
  EXPECT_FALSE(fs::exists(dir.file("run"))) << "validate must not write the run directory";

  // Unknown key: file, line, key path and allowed keys on one error line.
  const std::string bad = dir.file("bad.yaml");
  std::string text = circle_experiment(dir.file("run"));
  text.replace(text.find("  batch_size"), 0, "  epochz: 3\n");
  test::write_file(bad, text);
  expect_one_error_line(run("validate " + quote(bad), dir),
                        {"bad.yaml:12", "trainer.epochz", "epochs"});
  // Override with a bad value names the override.
  expect_one_error_line(run("validate " + quote(good) + " trainer.epochs=ten", dir),
                        {"trainer.epochs", "ten"});
  // Unknown model lists the known ones.
  expect_one_error_line(run("validate " + quote(good) + " model.type=vea", dir),
                        {"unknown model 'vea'", "autoencoder"});
  // Missing file.
  expect_one_error_line(run("validate " + quote(dir.file("none.yaml")), dir), {"none.yaml"});
}

TEST(Cli, TrainEvalExportOnSyntheticData) {
  test::TempDir dir;
  const std::string exp = dir.file("exp.yaml"), out = dir.file("run");
  test::write_file(exp, circle_experiment(out, 3));
  auto r = run("train " + quote(exp) + " --quiet", dir);
  ASSERT_EQ(r.status, 0) << r.err;
  for (const char* f : {"config.yaml",
                        "run.json",
                        "metrics.jsonl",
                        "checkpoints/last.pt",
                        "checkpoints/best.pt",
                        "model.pt"}) {
    EXPECT_TRUE(fs::exists(fs::path(out) / f)) << f;
  }
  EXPECT_FALSE(fs::exists(fs::path(out) / "reconstructions.png")) << "no images for 2-D data";
  auto metrics = lines(test::read_file(out + "/metrics.jsonl"));
  ASSERT_EQ(metrics.size(), 3u);
  for (size_t i = 0; i < metrics.size(); ++i) {
    Json m = Json::parse(metrics[i]);
    EXPECT_EQ(m.at("epoch").as_int(), static_cast<int64_t>(i + 1));
    for (const char* k : {"train_loss",
                          "val_loss",
                          "train_recon",
                          "val_recon",
                          "lr",
                          "seconds",
                          "samples_per_second"}) {
      EXPECT_TRUE(m.contains(k)) << k << " missing in " << metrics[i];
    }
  }
  // The resolved config is itself a valid experiment.
  EXPECT_EQ(run("validate " + quote(out + "/config.yaml"), dir).status, 0);

  // eval: the last line of stdout is one JSON object of test metrics.
  r = run("eval " + quote(out), dir);
  ASSERT_EQ(r.status, 0) << r.err;
  Json ev = Json::parse(lines(r.out).back());
  EXPECT_EQ(ev.at("split").as_string(), "test");
  EXPECT_EQ(ev.at("examples").as_int(), 80);  // 20% of 400 points
  EXPECT_TRUE(std::isfinite(ev.at("loss").as_number()));
  EXPECT_TRUE(ev.contains("recon"));

  // export -o: loads without aezoo and reconstructs like the run's own model.pt.
  const std::string exported = dir.file("exported.pt");
  r = run("export " + quote(out) + " -o " + quote(exported), dir);
  ASSERT_EQ(r.status, 0) << r.err;
  auto a = torch::jit::load(exported), b = torch::jit::load(out + "/model.pt");
  auto x = torch::randn({6, 2});
  EXPECT_LE((a.forward({x}).toTensor() - b.forward({x}).toTensor()).abs().max().item<double>(),
            1e-6);
}

TEST(Cli, ImageRunWritesAReconstructionGrid) {
  test::TempDir dir;
  test::write_random_idx_set(dir, 200, 40);
  const std::string exp = dir.file("img.yaml"), out = dir.file("run");
  test::write_file(exp,
                   test::idx_experiment(dir,
                                        "idx_test",
                                        "{type: conv_autoencoder, latent_dim: 4, channels: [4, 8]}",
                                        "{epochs: 1, batch_size: 50}",
                                        out));
  auto r = run("train " + quote(exp) + " --quiet", dir);
  ASSERT_EQ(r.status, 0) << r.err;
  const std::string png = out + "/reconstructions.png";
  ASSERT_TRUE(fs::exists(png));
  EXPECT_EQ(test::read_file(png).substr(1, 3), "PNG");
  auto info = Json::parse(test::read_file(out + "/run.json"));
  EXPECT_EQ(info.at("input_shape").at(1).as_int(), 12);
  EXPECT_EQ(info.at("normalization").at("kind").as_string(), "unit");
}

TEST(Cli, RefusesToOverwriteARunAndKeepsItIntact) {
  test::TempDir dir;
  const std::string exp = dir.file("exp.yaml"), out = dir.file("run");
  test::write_file(exp, circle_experiment(out, 1));
  ASSERT_EQ(run("train " + quote(exp) + " --quiet", dir).status, 0);
  const std::string before = test::read_file(out + "/checkpoints/last.pt");
  const std::string metrics = test::read_file(out + "/metrics.jsonl");
  expect_one_error_line(run("train " + quote(exp) + " --quiet", dir), {out, "--resume"});
  EXPECT_EQ(test::read_file(out + "/checkpoints/last.pt"), before);
  EXPECT_EQ(test::read_file(out + "/metrics.jsonl"), metrics);
  EXPECT_EQ(run("train " + quote(exp) + " --quiet --overwrite", dir).status, 0);
}

TEST(Cli, BadRunDirectoriesGiveErrorsNotCrashes) {
  test::TempDir dir;
  expect_one_error_line(run("eval " + quote(dir.file("nowhere")), dir), {"nowhere"});
  expect_one_error_line(run("export " + quote(dir.path().string()), dir), {"config.yaml"});
  expect_one_error_line(run("train --resume " + quote(dir.file("nowhere")), dir), {"nowhere"});

  // A run without a finished checkpoint.
  const std::string exp = dir.file("exp.yaml"), out = dir.file("run");
  test::write_file(exp, circle_experiment(out, 1));
  ASSERT_EQ(run("train " + quote(exp) + " --quiet", dir).status, 0);
  fs::rename(out + "/checkpoints", out + "/checkpoints.bak");
  const std::string target = dir.file("x.pt");
  expect_one_error_line(run("export " + quote(out) + " -o " + quote(target), dir), {"checkpoint"});
  EXPECT_FALSE(fs::exists(target));

  // A corrupted checkpoint: error naming the file, no partial export.
  fs::rename(out + "/checkpoints.bak", out + "/checkpoints");
  const std::string best = out + "/checkpoints/best.pt";
  std::string bytes = test::read_file(best);
  test::write_file(best, bytes.substr(0, bytes.size() / 2));
  expect_one_error_line(run("export " + quote(out) + " -o " + quote(target), dir), {"best.pt"});
  EXPECT_FALSE(fs::exists(target));
  for (const auto& e : fs::directory_iterator(dir.path())) {
    EXPECT_EQ(e.path().filename().string().find(".tmp"), std::string::npos) << e.path();
  }
  expect_one_error_line(run("eval " + quote(out) + " --split nope", dir), {"nope"});
}

TEST(Cli, SigintSavesACheckpointAndResumeFinishesTheRun) {
  test::TempDir dir;
  const std::string exp = dir.file("exp.yaml"), out = dir.file("run");
  // Enough epochs that the run is still going when the signal arrives.
  std::string text = circle_experiment(out, 400);
  text.replace(text.find("num_points: 400"), 15, "num_points: 4000");
  test::write_file(exp, text);
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    freopen(dir.file("child.err").c_str(), "w", stderr);
    execl(kBinary.c_str(), kBinary.c_str(), "train", exp.c_str(), "--quiet", (char*)nullptr);
    _exit(127);
  }
  // Wait (up to 120 s) for the first epoch to be recorded, then interrupt.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (std::chrono::steady_clock::now() < deadline &&
         lines(test::read_file(out + "/metrics.jsonl")).empty()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  kill(pid, SIGINT);
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFEXITED(status)) << "killed by a signal: no clean exit";
  EXPECT_EQ(WEXITSTATUS(status), 130) << test::read_file(dir.file("child.err"));
  EXPECT_NE(test::read_file(dir.file("child.err")).find("--resume"), std::string::npos);
  ASSERT_TRUE(fs::exists(out + "/checkpoints/last.pt"));
  EXPECT_FALSE(fs::exists(out + "/model.pt")) << "an interrupted run is not exported";
  const size_t done = lines(test::read_file(out + "/metrics.jsonl")).size();
  ASSERT_GE(done, 1u);
  ASSERT_LT(done, 400u);
  // Resume with fewer epochs left is not possible from the CLI, so shorten the run by
  // editing the resolved config: the resumed run must finish and export.
  std::string cfg = test::read_file(out + "/config.yaml");
  auto pos = cfg.find("epochs: 400");
  ASSERT_NE(pos, std::string::npos) << cfg;
  cfg.replace(pos, 11, "epochs: " + std::to_string(done + 1));
  test::write_file(out + "/config.yaml", cfg);
  auto r = run("train --resume " + quote(out) + " --quiet", dir);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(fs::exists(out + "/model.pt"));
  EXPECT_EQ(lines(test::read_file(out + "/metrics.jsonl")).size(), done + 1);
}

TEST(Cli, SampleRunsLangevinWithAScoreModel) {
  test::TempDir dir;
  const std::string exp = dir.file("gmm.yaml"), out = dir.file("run");
  test::write_file(exp,
                   "name: gmm_sample_test\n"
                   "data: {dataset: gaussian_mixture, num_points: 2000, mixture_std: 0.3}\n"
                   "model: {type: score_model, hidden: [32, 32], loss: dsm, sigma: 0.3}\n"
                   "trainer: {epochs: 8, batch_size: 128, optimizer: {type: adam, lr: 1.0e-2}}\n"
                   "output: {dir: " +
                       out + "}\n");
  ASSERT_EQ(run("train " + quote(exp) + " --quiet", dir).status, 0);
  const std::string csv = dir.file("s.csv");
  auto r = run(
      "sample " + quote(out) + " --n 300 --steps 200 --step-size 0.01 --seed 3 -o " + quote(csv),
      dir);
  ASSERT_EQ(r.status, 0) << r.err;
  auto rows = lines(test::read_file(csv));
  ASSERT_GE(rows.size(), 300u);  // one sample a row (plus a header line, if any)
  // Samples of the mixture (means on a circle of radius 2) stay in its range: no divergence.
  double max_abs = 0;
  for (size_t i = rows.size() - 300; i < rows.size(); ++i) {
    std::stringstream s(rows[i]);
    for (std::string cell; std::getline(s, cell, ',');) {
      max_abs = std::max(max_abs, std::fabs(std::stod(cell)));
    }
  }
  EXPECT_LT(max_abs, 6.0);
  EXPECT_TRUE(fs::exists(dir.file("s.png")));  // the scatter plot beside the CSV
  // Same seed, same samples.
  ASSERT_EQ(run("sample " + quote(out) + " --n 300 --steps 200 --step-size 0.01 --seed 3 -o " +
                    quote(dir.file("t.csv")),
                dir)
                .status,
            0);
  EXPECT_EQ(test::read_file(csv), test::read_file(dir.file("t.csv")));
  // A model without a score is refused with one error line.
  const std::string ae = dir.file("ae.yaml"), ae_out = dir.file("ae_run");
  test::write_file(ae, circle_experiment(ae_out, 1));
  ASSERT_EQ(run("train " + quote(ae) + " --quiet", dir).status, 0);
  expect_one_error_line(run("sample " + quote(ae_out), dir), {"score"});
}

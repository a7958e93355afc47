// Tests of models/score.h: the per-model set from STYLE.md for score_model, the three score
// matching losses against independent computations (finite-difference Jacobians, the
// analytic score of a Gaussian mixture, each other in expectation), the denoising
// autoencoder's score estimate (Alain & Bengio 2014) and Langevin sampling with the true
// score.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <chrono>
#include <sstream>

#include "datasets/synthetic.h"
#include "models/denoising.h"
#include "models/score.h"
#include "test_util.h"

using namespace aezoo;

namespace {

ScoreModel small_model(std::vector<int64_t> shape,
                       ScoreLoss loss,
                       ScoreParameterization p = ScoreParameterization::direct,
                       std::vector<int64_t> hidden = {16, 16},
                       Activation act = Activation::softplus) {
  return ScoreModel(ScoreModelOptions(std::move(shape))
                        .loss(loss)
                        .parameterization(p)
                        .hidden(std::move(hidden))
                        .activation(act)
                        .projections(2));
}

const std::vector<ScoreLoss> kLosses = {ScoreLoss::exact, ScoreLoss::sliced, ScoreLoss::dsm};
const std::vector<ScoreParameterization> kParams = {ScoreParameterization::direct,
                                                    ScoreParameterization::energy};

// The data of the tests: the 2-D gaussian_mixture data set (4 components of std 0.3 on the
// circle of radius 2), whose score is analytic.
GaussianMixture mixture() {
  DataOptions o;
  o.dataset = "gaussian_mixture";
  o.dim = 2;
  o.components = 4;
  o.mixture_std = 0.3;
  return gaussian_mixture(o);
}

// The mixture convolved with N(0, sigma^2 I): the same means, stds sqrt(std^2 + sigma^2).
GaussianMixture noisy(const GaussianMixture& g, double sigma) {
  return GaussianMixture{g.means, (g.stds.square() + sigma * sigma).sqrt(), g.weights};
}

// E_p ||s - s*||^2 / E_p ||s*||^2 on samples of p.
double relative_error(const torch::Tensor& s, const torch::Tensor& truth) {
  return ((s - truth).square().sum(1).mean() / truth.square().sum(1).mean()).item<double>();
}

void train(AutoencoderBase& m, const GaussianMixture& g, int steps, double lr, uint64_t seed) {
  torch::manual_seed(seed);
  auto gen = at::detail::createCPUGenerator(seed);
  torch::optim::Adam opt(m.parameters(), torch::optim::AdamOptions(lr));
  m.train();
  for (int i = 0; i < steps; ++i) {
    if (i == 2 * steps / 3) {
      // The last third at lr / 10, below the noise floor of the stochastic losses.
      for (auto& group : opt.param_groups())
        static_cast<torch::optim::AdamOptions&>(group.options()).lr(lr / 10);
    }
    auto x = g.sample(256, gen).to(torch::kFloat);
    opt.zero_grad();
    m.compute(x).loss().backward();
    opt.step();
  }
  m.eval();
}

// Central differences of f: R^D -> R^D at x [N, D] (double): [N, D(out), D(in)].
torch::Tensor fd_jacobian(const std::function<torch::Tensor(const torch::Tensor&)>& f,
                          const torch::Tensor& x,
                          double h = 1e-6) {
  const int64_t d = x.size(1);
  std::vector<torch::Tensor> cols;
  for (int64_t j = 0; j < d; ++j) {
    auto e = torch::zeros_like(x);
    e.select(1, j).fill_(h);
    cols.push_back((f(x + e) - f(x - e)) / (2 * h));
  }
  return torch::stack(cols, 2);
}

double max_diff(const torch::Tensor& a, const torch::Tensor& b) {
  EXPECT_EQ(a.sizes(), b.sizes());
  return (a - b).abs().max().item<double>();
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Per-model tests (STYLE.md)

TEST(ScoreModel, ShapesTermsAndMetrics) {
  torch::manual_seed(0);
  for (auto p : kParams) {
    for (auto loss : kLosses) {
      auto m = small_model({1, 3, 4}, loss, p);
      auto x = torch::randn({5, 1, 3, 4});
      EXPECT_EQ(m->code_dim(), 12);
      EXPECT_EQ(m->encode(x).sizes(), (std::vector<int64_t>{5, 12}));
      EXPECT_EQ(m->decode(torch::randn({5, 12})).sizes(), x.sizes());
      EXPECT_EQ(m->score(x).sizes(), x.sizes());
      EXPECT_EQ(m->forward(x).sizes(), x.sizes());
      EXPECT_TRUE(m->has_score());
      auto out = m->compute(x);
      ASSERT_EQ(out.terms.size(), 1u);
      EXPECT_EQ(out.terms[0].first, "score_matching");
      EXPECT_EQ(out.loss().dim(), 0);
      EXPECT_EQ(out.decoder_output.sizes(), x.sizes());
      std::vector<std::string> names;
      for (const auto& [k, v] : out.metrics)
        names.push_back(k);
      std::vector<std::string> expected = {"score_norm2"};
      expected.push_back(loss == ScoreLoss::dsm ? "dsm_vincent" : "divergence");
      EXPECT_EQ(names, expected);
      EXPECT_EQ(m->needs_grad_in_eval(),
                loss != ScoreLoss::dsm || p == ScoreParameterization::energy);
    }
  }
}

TEST(ScoreModel, ForwardIsTheTweedieDenoiser) {
  torch::manual_seed(0);
  auto m = ScoreModel(ScoreModelOptions({2}).hidden({8}).loss(ScoreLoss::dsm).sigma(0.2));
  EXPECT_DOUBLE_EQ(m->denoise_sigma(), 0.2);
  auto x = torch::randn({6, 2});
  EXPECT_TRUE(torch::allclose(m->forward(x), x + 0.04 * m->score(x), 1e-6, 1e-6));
  auto r = ScoreModel(ScoreModelOptions({2}).hidden({8}).sigma(0.2).denoise_sigma(0.5));
  EXPECT_TRUE(torch::allclose(r->forward(x), x + 0.25 * r->score(x), 1e-6, 1e-6));
  EXPECT_TRUE(torch::equal(m->decode(m->encode(x)), x));
}

TEST(ScoreModel, BackwardReachesEveryParameter) {
  for (auto p : kParams) {
    for (auto loss : kLosses) {
      torch::manual_seed(0);
      auto m = small_model({3}, loss, p);
      m->compute(torch::randn({8, 3})).loss().backward();
      for (const auto& par : m->named_parameters()) {
        if (p == ScoreParameterization::energy && par.key() == "net.bias2") {
          // The energy's additive constant: fixed, since the score does not depend on it.
          EXPECT_FALSE(par.value().requires_grad());
          EXPECT_EQ(par.value().abs().sum().item<double>(), 0.0);
          continue;
        }
        ASSERT_TRUE(par.value().grad().defined()) << par.key() << " " << to_string(loss);
        EXPECT_GT(par.value().grad().abs().sum().item<double>(), 0.0)
            << par.key() << " " << to_string(loss) << " " << to_string(p);
      }
    }
  }
}

TEST(ScoreModel, PrettyPrint) {
  std::ostringstream a, b;
  ScoreModel(ScoreModelOptions({2}))->pretty_print(a);
  EXPECT_EQ(a.str(),
            "aezoo::ScoreModel(input_shape=[2], parameterization=direct, hidden=[128, 128], "
            "activation=softplus, loss=sliced, projections=1, projection_dist=rademacher, "
            "variance_reduced=true, denoise_sigma=0.1)");
  ScoreModel(ScoreModelOptions({1, 2, 2})
                 .parameterization(ScoreParameterization::energy)
                 .hidden({4})
                 .activation(Activation::tanh)
                 .loss(ScoreLoss::sliced)
                 .projections(3)
                 .projection_dist(ProjectionDist::gaussian)
                 .variance_reduced(false)
                 .denoise_sigma(0.05))
      ->pretty_print(b);
  EXPECT_EQ(b.str(),
            "aezoo::ScoreModel(input_shape=[1, 2, 2], parameterization=energy, hidden=[4], "
            "activation=tanh, loss=sliced, projections=3, projection_dist=gaussian, "
            "variance_reduced=false, denoise_sigma=0.05)");
}

// Decision: an activation that is not smooth enough for the derivatives the loss takes is an
// error (not a warning): with relu, exact/sliced score matching trains on a gradient that
// misses the moving kinks; with the energy parameterisation even the score is discontinuous.
TEST(ScoreModel, InvalidOptionsThrow) {
  using P = ScoreParameterization;
  auto make = [](ScoreLoss l, P p, Activation a) {
    return ScoreModel(ScoreModelOptions({2}).loss(l).parameterization(p).activation(a).hidden({4}));
  };
  EXPECT_THROW(make(ScoreLoss::exact, P::direct, Activation::relu), c10::Error);
  EXPECT_THROW(make(ScoreLoss::sliced, P::direct, Activation::leaky_relu), c10::Error);
  EXPECT_THROW(make(ScoreLoss::dsm, P::energy, Activation::relu), c10::Error);
  EXPECT_THROW(make(ScoreLoss::exact, P::energy, Activation::elu), c10::Error);
  EXPECT_NO_THROW(make(ScoreLoss::dsm, P::direct, Activation::relu));
  EXPECT_NO_THROW(make(ScoreLoss::exact, P::direct, Activation::elu));
  EXPECT_NO_THROW(make(ScoreLoss::dsm, P::energy, Activation::elu));
  EXPECT_NO_THROW(make(ScoreLoss::exact, P::energy, Activation::tanh));
  try {
    make(ScoreLoss::exact, P::direct, Activation::relu);
  } catch (const c10::Error& e) {
    EXPECT_NE(std::string(e.what()).find("C^1"), std::string::npos) << e.what();
  }
  EXPECT_THROW(ScoreModel(ScoreModelOptions({})), c10::Error);
  EXPECT_THROW(ScoreModel(ScoreModelOptions({2, 0})), c10::Error);
  EXPECT_THROW(ScoreModel(ScoreModelOptions({2}).sigma(0)), c10::Error);
  EXPECT_THROW(ScoreModel(ScoreModelOptions({2}).denoise_sigma(-1.0)), c10::Error);
  EXPECT_THROW(ScoreModel(ScoreModelOptions({2}).loss(ScoreLoss::sliced).projections(0)),
               c10::Error);
  EXPECT_THROW(ScoreModel(ScoreModelOptions({2}).hidden({0})), c10::Error);
  auto m = ScoreModel(ScoreModelOptions({1, 2, 2}).hidden({4}));
  EXPECT_THROW(m->forward(torch::randn({3, 4})), c10::Error);
  EXPECT_THROW(m->decode(torch::randn({3, 3})), c10::Error);
  EXPECT_THROW(m->energy(torch::randn({3, 1, 2, 2})), c10::Error);
  EXPECT_THROW(score_loss_from_string("ssm"), std::invalid_argument);
  EXPECT_THROW(projection_dist_from_string("uniform"), std::invalid_argument);
}

TEST(ScoreModel, SaveLoadRoundTrip) {
  test::TempDir dir;
  for (auto p : kParams) {
    auto a = small_model({3}, ScoreLoss::exact, p);
    auto b = small_model({3}, ScoreLoss::exact, p);
    torch::save(a, dir.file("m.pt"));
    torch::load(b, dir.file("m.pt"));
    auto x = torch::randn({4, 3});
    EXPECT_TRUE(torch::equal(a->score(x), b->score(x)));
  }
}

TEST(ScoreModel, ExportMatchesInMemory) {
  for (auto p : kParams) {
    for (auto act : {Activation::softplus, Activation::tanh, Activation::sigmoid}) {
      for (std::vector<int64_t> hidden : {std::vector<int64_t>{16, 8}, std::vector<int64_t>{}}) {
        torch::manual_seed(1);
        auto m = small_model({1, 3, 2}, ScoreLoss::exact, p, hidden, act);
        m->eval();
        ScriptBuilder b("aezoo_score_model");
        m->export_to(b);
        add_default_forward(b);
        auto mod = b.build();
        // Inputs reaching softplus's linear branch (> 20) as well.
        auto x = torch::randn({5, 1, 3, 2}) * 10;
        auto h = torch::randn({5, 6});
        const std::string what = to_string(p) + " " + to_string(act);
        EXPECT_LE(max_diff(mod.run_method("score", x).toTensor(), m->score(x).detach()), 1e-6)
            << what;
        EXPECT_LE(max_diff(mod.forward({x}).toTensor(), m->forward(x).detach()), 1e-6) << what;
        EXPECT_LE(max_diff(mod.run_method("encode", x).toTensor(), m->encode(x)), 1e-6) << what;
        EXPECT_LE(max_diff(mod.run_method("decode", h).toTensor(), m->decode(h)), 1e-6) << what;
        if (p == ScoreParameterization::energy) {
          EXPECT_LE(max_diff(mod.run_method("energy", x).toTensor(), m->energy(x).detach()), 1e-5)
              << what;
        }
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// The losses against independent computations

// (c) The exact loss's trace equals the trace of a finite-difference Jacobian (double).
TEST(ScoreMatching, ExactTraceEqualsFiniteDifferenceJacobianTrace) {
  for (auto p : kParams) {
    torch::manual_seed(2);
    auto m = small_model({3}, ScoreLoss::exact, p, {8, 8}, Activation::tanh);
    m->to(torch::kDouble);
    auto x = torch::randn({6, 3}, torch::kDouble);
    const ScoreFn fn = [&](const torch::Tensor& t) { return m->score_flat(t); };
    auto div = score_divergence(fn, x);
    torch::Tensor jac;
    {
      torch::NoGradGuard ng;
      jac = fd_jacobian(fn, x);
    }
    auto trace = jac.diagonal(0, 1, 2).sum(1);
    EXPECT_LE(max_diff(div.detach(), trace), 1e-7) << to_string(p);
    auto loss = exact_score_matching(fn, x).detach();
    auto s = m->score_flat(x).detach();
    EXPECT_LE(max_diff(loss, trace + 0.5 * s.square().sum(1)), 1e-7) << to_string(p);
  }
}

// (d) The energy parameterisation's score is minus the finite-difference gradient of E.
TEST(ScoreMatching, EnergyScoreIsMinusTheGradientOfTheEnergy) {
  torch::manual_seed(3);
  auto m = small_model({4}, ScoreLoss::exact, ScoreParameterization::energy, {8, 8});
  m->to(torch::kDouble);
  auto x = torch::randn({5, 4}, torch::kDouble);
  torch::NoGradGuard ng;
  auto grad =
      fd_jacobian([&](const torch::Tensor& t) { return m->energy(t).unsqueeze(1); }, x).squeeze(1);
  EXPECT_LE(max_diff(m->score(x), -grad), 1e-8);
}

// (d) The training gradient (double backward; triple for energy + exact/sliced) equals
// central finite differences of the loss in every parameter, in double precision. Evaluation
// mode fixes the projections and noise, so the loss is a deterministic function of the weights.
TEST(ScoreMatching, TrainingGradientMatchesFiniteDifferences) {
  for (auto p : kParams) {
    for (auto loss : kLosses) {
      torch::manual_seed(4);
      auto m = small_model({2}, loss, p, {4, 3}, Activation::softplus);
      m->to(torch::kDouble);
      m->eval();
      auto x = torch::randn({7, 2}, torch::kDouble);
      m->zero_grad();
      m->compute(x).loss().backward();
      const double h = 1e-6;
      for (auto& par : m->named_parameters()) {
        if (!par.value().requires_grad())
          continue;  // the energy's fixed additive constant
        auto flat = par.value().data().view(-1);
        auto g = par.value().grad().view(-1);
        for (int64_t i = 0; i < flat.numel(); ++i) {
          const double orig = flat[i].item<double>();
          flat[i] = orig + h;
          const double up = m->compute(x).loss().item<double>();
          flat[i] = orig - h;
          const double down = m->compute(x).loss().item<double>();
          flat[i] = orig;
          const double fd = (up - down) / (2 * h);
          EXPECT_NEAR(g[i].item<double>(), fd, 1e-6 * (1 + std::abs(fd)))
              << par.key() << "[" << i << "] " << to_string(loss) << " " << to_string(p);
        }
      }
    }
  }
}

// (b) On a fixed network the sliced objective (either projection distribution, with or
// without variance reduction) equals the exact one in expectation over v: the mean of K
// independent estimates lies within 4 standard errors of the exact value, and the standard
// error is small enough to reveal an error of a quarter of E[0.5 ||s||^2].
TEST(ScoreMatching, SlicedEqualsExactInExpectation) {
  torch::manual_seed(5);
  auto m =
      small_model({4}, ScoreLoss::exact, ScoreParameterization::direct, {16, 16}, Activation::tanh);
  m->to(torch::kDouble);
  auto x = torch::randn({32, 4}, torch::kDouble);
  const ScoreFn fn = [&](const torch::Tensor& t) { return m->score_flat(t); };
  const double exact = exact_score_matching(fn, x).mean().item<double>();
  const double half_norm = 0.5 * m->score_flat(x).square().sum(1).mean().item<double>();
  const int K = 400;
  for (auto dist : {ProjectionDist::gaussian, ProjectionDist::rademacher}) {
    for (bool vr : {false, true}) {
      auto gen = at::detail::createCPUGenerator(11);
      auto o = SlicedScoreMatchingOptions().projection_dist(dist).variance_reduced(vr);
      std::vector<double> est;
      for (int k = 0; k < K; ++k)
        est.push_back(sliced_score_matching(fn, x, o, gen).mean().item<double>());
      auto e = torch::tensor(est, torch::kDouble);
      const double mean = e.mean().item<double>();
      const double se = e.std().item<double>() / std::sqrt(double(K));
      const std::string what = to_string(dist) + (vr ? " VR" : "");
      EXPECT_NEAR(mean, exact, 4 * se) << what << " exact " << exact;
      EXPECT_LT(4 * se, 0.25 * half_norm) << what;
      // M projections in one call average M single ones: same expectation, less spread.
      auto many = sliced_score_matching(fn, x, o.projections(2000), gen).mean().item<double>();
      EXPECT_NEAR(many, exact, 4 * se * std::sqrt(double(K) / 2000.0) + 1e-12) << what;
    }
  }
}

// The dsm loss (Vincent 2011 without its constant) equals in expectation the exact loss at the
// noisy points (Stein's lemma: E[s(x + sigma eps) . eps] / sigma = E[tr ds/dx (x + sigma eps)]),
// and adding the left-out 0.5 ||eps||^2 / sigma^2 gives Vincent's value. K = 1600 draws make
// the standard error small enough to reveal an error of half the divergence term (e.g. a
// missing 1 / sigma at sigma = 0.5).
TEST(ScoreMatching, DenoisingEqualsExactOnNoisyPointsInExpectation) {
  torch::manual_seed(6);
  auto m =
      small_model({3}, ScoreLoss::exact, ScoreParameterization::direct, {16, 16}, Activation::tanh);
  m->to(torch::kDouble);
  auto x = torch::randn({32, 3}, torch::kDouble);
  const ScoreFn fn = [&](const torch::Tensor& t) { return m->score_flat(t); };
  const double sigma = 0.5;
  const int K = 1600;
  auto gen_dsm = at::detail::createCPUGenerator(21);
  auto gen_eps = at::detail::createCPUGenerator(21);  // the same noise, drawn again
  std::vector<double> diff;
  double div = 0;
  for (int k = 0; k < K; ++k) {
    torch::Tensor full;
    auto dsm = denoising_score_matching(fn, x, sigma, gen_dsm, &full).detach();
    auto eps = at::randn(x.sizes(), gen_eps, x.options());
    auto xt = x + sigma * eps;
    auto exact = exact_score_matching(fn, xt).detach();
    diff.push_back((dsm - exact).mean().item<double>());
    div += (exact - 0.5 * fn(xt).detach().square().sum(1)).mean().item<double>() / K;
    if (k == 0) {
      EXPECT_LE(max_diff(full.detach() - dsm, 0.5 * eps.square().sum(1) / (sigma * sigma)), 1e-9);
    }
  }
  auto d = torch::tensor(diff, torch::kDouble);
  const double se = d.std().item<double>() / std::sqrt(double(K));
  EXPECT_NEAR(d.mean().item<double>(), 0.0, 4 * se);
  EXPECT_LT(4 * se, 0.5 * std::abs(div)) << "E[tr ds/dx] at the noisy points: " << div;
}

// (a) Each loss, trained briefly on the mixture, gives a score field close to the analytic
// one where the density is not negligible: relative error E_p||s - s*||^2 / E_p||s*||^2 on
// 4000 fresh samples of p below 0.1 for exact and sliced, below 0.2 for dsm (its gradient is
// noisier, and it targets the score of p * N(0, 0.1^2 I), about 10% off in scale, which alone
// costs about 0.01). Both parameterisations; MLP [32, 32], 600 Adam steps of 256 points (seen:
// exact/sliced 0.01-0.03, dsm 0.04-0.11 over seeds 1-4).
void expect_learns_the_mixture_score(ScoreLoss loss) {
  const auto g = mixture();
  auto gen = at::detail::createCPUGenerator(99);
  auto test_x = g.sample(4000, gen).to(torch::kFloat);
  auto truth = g.score(test_x);
  for (auto p : kParams) {
    torch::manual_seed(7);
    auto m = ScoreModel(
        ScoreModelOptions({2}).hidden({32, 32}).loss(loss).parameterization(p).projections(1).sigma(
            0.1));
    const auto t0 = std::chrono::steady_clock::now();
    train(*m, g, 600, 2e-2, 8);
    const double secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const double err = relative_error(m->score(test_x).detach(), truth);
    EXPECT_LT(err, loss == ScoreLoss::dsm ? 0.2 : 0.1) << to_string(loss) << " " << to_string(p);
    std::cout << "[ score    ] " << to_string(loss) << " " << to_string(p) << ": relative error "
              << err << " (" << secs << " s)\n";
  }
}

TEST(ScoreMatching, ExactLearnsTheMixtureScore) {
  expect_learns_the_mixture_score(ScoreLoss::exact);
}

TEST(ScoreMatching, SlicedLearnsTheMixtureScore) {
  expect_learns_the_mixture_score(ScoreLoss::sliced);
}

TEST(ScoreMatching, DenoisingLearnsTheMixtureScore) {
  expect_learns_the_mixture_score(ScoreLoss::dsm);
}

// (e) A denoising autoencoder's (r(x) - x) / sigma^2 estimates the score of the noisy density
// q_sigma (its optimum is Tweedie's E[x | x~]); as sigma shrinks it approaches the true score.
TEST(ScoreMatching, DenoisingAutoencoderScoreApproachesTheTruthAsSigmaShrinks) {
  const auto g = mixture();
  auto gen = at::detail::createCPUGenerator(98);
  auto test_x = g.sample(4000, gen).to(torch::kFloat);
  auto truth = g.score(test_x);
  std::vector<double> errors;
  for (double sigma : {0.8, 0.4, 0.2}) {
    torch::manual_seed(9);
    auto dae = Denoising(
        DenoisingOptions(NetworkOptions({2}, 32).hidden({64}).activation(Activation::softplus))
            .likelihood(LikelihoodOptions().kind(LikelihoodKind::gaussian))
            .corruption(CorruptionOptions().gaussian_sigma(sigma)));
    train(*dae, g, 1500, 1e-2, 10);
    auto s = dae->score(test_x).detach();
    const double err = relative_error(s, truth);
    // The DAE learned q_sigma's score (to 0.1), whose own distance from the truth is the bias.
    const double to_noisy = relative_error(s, noisy(g, sigma).score(test_x));
    const double bias = relative_error(noisy(g, sigma).score(test_x), truth);
    std::cout << "[ dae      ] sigma " << sigma << ": relative error " << err << " (to q_sigma "
              << to_noisy << ", bias of q_sigma " << bias << ")\n";
    EXPECT_LT(to_noisy, 0.1) << sigma;
    errors.push_back(err);
  }
  EXPECT_LT(errors[1], errors[0]);
  EXPECT_LT(errors[2], errors[1]);
  EXPECT_LT(errors[2], 0.25);
}

// ---------------------------------------------------------------------------------------------
// Langevin dynamics

// (f) With the TRUE score of the mixture the sampler reproduces the mixture's mean and
// covariance (so the sampler is right independently of any training). The start and the
// mixture are symmetric under rotations by 90 degrees, so plain Langevin's split between the
// modes is right in expectation too.
TEST(Langevin, TrueScoreGivesTheMixtureMoments) {
  const auto g = mixture();
  const int64_t n = 4000;
  auto x0 = torch::randn({n, 2}, torch::kDouble) * 2.0;
  auto x = langevin_sample([&](const torch::Tensor& t) { return g.score(t); },
                           x0,
                           LangevinOptions().steps(1000).step_size(2e-3).seed(1));
  // Mixture moments: mean 0, covariance E[mu mu^T] + 0.09 I = 2.09 I.
  auto mean = x.mean(0);
  auto cov = (x - mean).t().mm(x - mean) / (n - 1);
  const double se_mean = std::sqrt(2.09 / n);
  EXPECT_LE(mean.abs().max().item<double>(), 4 * se_mean) << mean;
  auto expected_cov = torch::eye(2, torch::kDouble) * 2.09;
  // Standard error of a variance of this bimodal marginal ~ sqrt(var(x^2) / n) ~ 0.03.
  EXPECT_LE(max_diff(cov, expected_cov), 0.12) << cov;
  // Each sample sits in a mode: within 4 component stds of the nearest mean.
  auto d2 = std::get<0>((x.unsqueeze(1) - g.means.unsqueeze(0)).square().sum(2).min(1));
  EXPECT_GT((d2 < 16 * 0.09).to(torch::kDouble).mean().item<double>(), 0.999);
}

// Plain Langevin does not move mass between separated modes, so it misses unequal weights;
// annealed Langevin (Song & Ermon 2019) with the analytic scores of the noisy mixtures
// recovers them approximately: the split freezes at the noise level where chains stop
// crossing between the modes (sigma ~ 1, where q_sigma puts 0.78 left of 0), so the
// tolerance is 0.05 rather than the sampling error (0.007).
TEST(Langevin, AnnealedRecoversUnequalWeights) {
  GaussianMixture g{torch::tensor({{-2.0, 0.0}, {2.0, 0.0}}, torch::kDouble),
                    torch::tensor({0.3, 0.3}, torch::kDouble),
                    torch::tensor({0.8, 0.2}, torch::kDouble)};
  const int64_t n = 3000;
  auto x0 = torch::randn({n, 2}, torch::kDouble) * 3.0;
  std::vector<double> sigmas;
  for (int i = 0; i < 10; ++i)
    sigmas.push_back(4.0 * std::pow(0.05 / 4.0, i / 9.0));
  auto annealed = annealed_langevin_sample(
      [&](const torch::Tensor& t, double s) { return noisy(g, s).score(t); },
      x0,
      LangevinOptions().steps(200).step_size(1e-4).seed(2).sigmas(sigmas));
  auto plain = langevin_sample([&](const torch::Tensor& t) { return g.score(t); },
                               x0,
                               LangevinOptions().steps(2000).step_size(1e-3).seed(2));
  auto left = [](const torch::Tensor& x) {
    return (x.select(1, 0) < 0).to(torch::kDouble).mean().item<double>();
  };
  EXPECT_NEAR(left(annealed), 0.8, 0.05);
  EXPECT_GT(std::abs(left(plain) - 0.8), 0.15) << left(plain);
  // Within the left mode the spread is the component's: std 0.3 (plus the last level's 0.05).
  auto in_left = annealed.index({annealed.select(1, 0) < 0});
  auto std_left = in_left.std(0);
  EXPECT_NEAR(std_left[0].item<double>(), std::sqrt(0.09 + 0.0025), 0.03);
  EXPECT_NEAR(std_left[1].item<double>(), std::sqrt(0.09 + 0.0025), 0.03);
}

TEST(Langevin, IsSeededAndChecksItsOptions) {
  auto score = [](const torch::Tensor& x) { return -x; };
  auto x0 = torch::zeros({100, 3});
  auto o = LangevinOptions().steps(50).step_size(0.1).seed(5);
  EXPECT_TRUE(torch::equal(langevin_sample(score, x0, o), langevin_sample(score, x0, o)));
  EXPECT_FALSE(torch::equal(langevin_sample(score, x0, o),
                            langevin_sample(score, x0, LangevinOptions(o).seed(6))));
  // The global generator is not used.
  torch::manual_seed(0);
  auto a = langevin_sample(score, x0, o);
  torch::manual_seed(1);
  EXPECT_TRUE(torch::equal(a, langevin_sample(score, x0, o)));
  EXPECT_THROW(langevin_sample(score, x0, LangevinOptions().steps(0)), c10::Error);
  EXPECT_THROW(langevin_sample(score, x0, LangevinOptions().step_size(-1)), c10::Error);
  EXPECT_THROW(langevin_sample(score, x0, LangevinOptions().sigmas({1.0})), c10::Error);
  auto cond = [](const torch::Tensor& x, double) { return -x; };
  EXPECT_THROW(annealed_langevin_sample(cond, x0, LangevinOptions()), c10::Error);
  EXPECT_THROW(annealed_langevin_sample(cond, x0, LangevinOptions().sigmas({0.1, 0.2})),
               c10::Error);
  // A step far beyond the stability limit (eps < 4 for this score) diverges: an error, not NaNs.
  EXPECT_THROW(langevin_sample(score, x0, LangevinOptions().steps(2000).step_size(10.0)),
               c10::Error);
}

// Langevin on a standard Gaussian (score -x) matches its stationary variance: for this linear
// chain it is exactly 1 / (1 - eps / 4), a closed form independent of the code.
TEST(Langevin, StandardGaussianHasTheClosedFormStationaryVariance) {
  const double eps = 0.2;
  auto x = langevin_sample([](const torch::Tensor& t) { return -t; },
                           torch::zeros({20000, 2}, torch::kDouble),
                           LangevinOptions().steps(200).step_size(eps).seed(3));
  const double var = x.var().item<double>();
  EXPECT_NEAR(var, 1.0 / (1.0 - eps / 4.0), 4 * std::sqrt(2.0 / 40000) * 1.05);
  EXPECT_NEAR(x.mean().item<double>(), 0.0, 4 * std::sqrt(1.05 / 40000));
}

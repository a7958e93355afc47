// Tests of models/autoencoder.h: the per-model set from STYLE.md (shapes, backward reaches
// every parameter, pretty_print, invalid options, save/load, overfitting) and the linear
// autoencoder against PCA (Goodfellow et al. 2016, sec. 14.1; Baldi & Hornik 1989).
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <sstream>

#include "models/autoencoder.h"
#include "test_util.h"

using namespace aezoo;

namespace {

Autoencoder mlp_ae(std::vector<int64_t> shape,
                   int64_t k,
                   LikelihoodKind lik = LikelihoodKind::bernoulli) {
  return Autoencoder(AutoencoderOptions(NetworkOptions(shape, k).hidden({32, 16}))
                         .likelihood(LikelihoodOptions().kind(lik)));
}

Autoencoder conv_ae(std::vector<int64_t> shape, int64_t k) {
  return Autoencoder(
      AutoencoderOptions(NetworkOptions(shape, k).architecture(Architecture::conv).channels({4, 8}))
          .type("conv_autoencoder"));
}

void expect_all_grads(torch::nn::Module& m) {
  for (const auto& p : m.named_parameters()) {
    ASSERT_TRUE(p.value().grad().defined()) << p.key() << " got no gradient";
    EXPECT_GT(p.value().grad().abs().sum().item<double>(), 0.0) << p.key() << " has zero gradient";
  }
}

}  // namespace

TEST(Autoencoder, MlpShapes) {
  auto m = mlp_ae({1, 6, 5}, 3);
  auto x = torch::rand({7, 1, 6, 5});
  EXPECT_EQ(m->encode(x).sizes(), (std::vector<int64_t>{7, 3}));
  EXPECT_EQ(m->decode(torch::randn({7, 3})).sizes(), x.sizes());
  auto r = m->forward(x);
  EXPECT_EQ(r.sizes(), x.sizes());
  EXPECT_GE(r.min().item<double>(), 0.0);  // Bernoulli mean in [0, 1]
  EXPECT_LE(r.max().item<double>(), 1.0);
  auto out = m->compute(x);
  EXPECT_EQ(out.terms.size(), 1u);
  EXPECT_EQ(out.terms[0].first, "recon");
  EXPECT_EQ(out.loss().dim(), 0);
}

TEST(Autoencoder, ConvShapesOddSizes) {
  for (std::vector<int64_t> shape : {std::vector<int64_t>{1, 28, 28}, {3, 17, 17}, {1, 9, 12}}) {
    auto m = conv_ae(shape, 5);
    std::vector<int64_t> full = {2};
    full.insert(full.end(), shape.begin(), shape.end());
    auto x = torch::rand(full);
    EXPECT_EQ(m->forward(x).sizes(), x.sizes()) << shape[1] << "x" << shape[2];
    EXPECT_EQ(m->encode(x).sizes(), (std::vector<int64_t>{2, 5}));
  }
}

TEST(Autoencoder, BackwardReachesEveryParameter) {
  torch::manual_seed(0);
  for (auto m : {mlp_ae({10}, 3, LikelihoodKind::gaussian), conv_ae({1, 12, 12}, 4)}) {
    auto shape = m->input_shape();
    std::vector<int64_t> full = {8};
    full.insert(full.end(), shape.begin(), shape.end());
    m->compute(torch::rand(full)).loss().backward();
    expect_all_grads(*m);
  }
}

TEST(Autoencoder, TiedWeightsShareTheEncoderWeights) {
  torch::manual_seed(0);
  auto m = Autoencoder(AutoencoderOptions(NetworkOptions({6}, 2).hidden({4}).tied_weights(true))
                           .likelihood(LikelihoodOptions().kind(LikelihoodKind::gaussian)));
  // Only encoder weights + both biases sets: 2 encoder weights, 2 encoder biases, 2 decoder biases.
  EXPECT_EQ(m->parameters().size(), 6u);
  m->compute(torch::randn({64, 6})).loss().backward();
  expect_all_grads(*m);
  // Decoder layer i uses the transpose of encoder layer L-1-i.
  auto enc = m->network->mlp_encoder();
  auto h = torch::randn({3, 2});
  auto expected = torch::addmm(m->network->named_parameters()["decoder.bias0"], h, enc->weight(1));
  expected = torch::relu(expected);
  expected =
      torch::addmm(m->network->named_parameters()["decoder.bias1"], expected, enc->weight(0));
  EXPECT_TRUE(torch::allclose(m->decode(h), expected, 1e-6, 1e-6));
}

TEST(Autoencoder, PrettyPrint) {
  std::ostringstream s;
  mlp_ae({4}, 2)->pretty_print(s);
  EXPECT_EQ(s.str(),
            "aezoo::Autoencoder(input_shape=[4], latent_dim=2, architecture=mlp, hidden=[32, 16], "
            "tied_weights=false, activation=relu, code_activation=identity, "
            "likelihood=bernoulli)");
}

TEST(Autoencoder, InvalidOptionsThrow) {
  EXPECT_THROW(mlp_ae({4}, 0), c10::Error);
  EXPECT_THROW(mlp_ae({}, 2), c10::Error);
  EXPECT_THROW(Autoencoder(AutoencoderOptions(NetworkOptions({4}, 2).hidden({0}))), c10::Error);
  EXPECT_THROW(
      Autoencoder(AutoencoderOptions(NetworkOptions({10}, 2).architecture(Architecture::conv))),
      c10::Error);
  EXPECT_THROW(
      Autoencoder(AutoencoderOptions(
          NetworkOptions({1, 4, 4}, 2).architecture(Architecture::conv).channels({4, 4, 4, 4}))),
      c10::Error);
  EXPECT_THROW(Likelihood(LikelihoodOptions().kind(LikelihoodKind::gaussian).scale(0)), c10::Error);
  auto m = mlp_ae({4}, 2);
  EXPECT_THROW(m->forward(torch::rand({3, 5})), c10::Error);
  EXPECT_THROW(m->decode(torch::rand({3, 3})), c10::Error);
}

TEST(Autoencoder, SaveLoadRoundTrip) {
  test::TempDir dir;
  auto a = mlp_ae({5}, 2);
  auto b = mlp_ae({5}, 2);
  torch::save(a, dir.file("m.pt"));
  torch::load(b, dir.file("m.pt"));
  auto x = torch::rand({4, 5});
  EXPECT_TRUE(torch::equal(a->forward(x), b->forward(x)));
}

TEST(Autoencoder, OverfitsOneSmallBatch) {
  torch::manual_seed(3);
  auto m = mlp_ae({20}, 8, LikelihoodKind::gaussian);
  auto x = torch::randn({8, 20});
  torch::optim::Adam opt(m->parameters(), torch::optim::AdamOptions(1e-2));
  double first = 0, last = 0;
  for (int i = 0; i < 600; ++i) {
    opt.zero_grad();
    auto loss = m->compute(x).loss();
    if (i == 0)
      first = loss.item<double>();
    last = loss.item<double>();
    loss.backward();
    opt.step();
  }
  // The Gaussian NLL constant is 20 * 0.5 * log(2 pi) = 18.38; the squared error must vanish.
  const double constant = 20 * 0.5 * std::log(2 * M_PI);
  EXPECT_LT(last - constant, 0.01 * (first - constant));
}

// Linear f and g with squared error: the optimum spans the principal subspace, so the
// test-set reconstruction error equals that of PCA with the same code size.
TEST(LinearAutoencoder, MatchesPcaOnTestSet) {
  torch::manual_seed(7);
  const int64_t D = 8, k = 3, n_train = 2000, n_test = 500;
  auto spectrum = torch::tensor({3.0, 2.5, 2.0, 0.6, 0.4, 0.3, 0.2, 0.1});
  auto q = std::get<0>(torch::linalg_qr(torch::randn({D, D}), "reduced"));
  auto mean = torch::randn({D});
  auto sample = [&](int64_t n) { return (torch::randn({n, D}) * spectrum).mm(q.t()) + mean; };
  auto train = sample(n_train), test = sample(n_test);

  // PCA from the SVD of the centred training data.
  auto mu = train.mean(0);
  auto [U, S, Vh] = torch::linalg_svd(train - mu, false);
  auto V = Vh.narrow(0, 0, k).t();  // [D, k]
  auto pca_recon = (test - mu).mm(V).mm(V.t()) + mu;
  const double pca_err = (pca_recon - test).square().sum(1).mean().item<double>();

  auto m = Autoencoder(
      AutoencoderOptions(NetworkOptions({D}, k).hidden({}).activation(Activation::identity))
          .likelihood(LikelihoodOptions().kind(LikelihoodKind::gaussian))
          .type("linear_autoencoder"));
  torch::optim::Adam opt(m->parameters(), torch::optim::AdamOptions(2e-2));
  for (int i = 0; i < 3000; ++i) {
    opt.zero_grad();
    m->compute(train).loss().backward();
    opt.step();
  }
  torch::NoGradGuard ng;
  const double ae_err = (m->forward(test) - test).square().sum(1).mean().item<double>();
  // Error of keeping no component at all, for scale: the AE must be at PCA's optimum, far
  // below this.
  const double none_err = (test - mu).square().sum(1).mean().item<double>();
  EXPECT_NEAR(ae_err, pca_err, 0.01 * pca_err) << "PCA " << pca_err << ", no code " << none_err;
  // And the decoder's columns span the principal subspace: principal angles ~ 0.
  auto W = m->network->named_parameters()["decoder.weight0"];  // [D, k]
  auto Qw = std::get<0>(torch::linalg_qr(W, "reduced"));
  auto cosines = torch::linalg_svdvals(Qw.t().mm(V));
  EXPECT_GT(cosines.min().item<double>(), 0.999);
}

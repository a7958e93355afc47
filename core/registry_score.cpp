#include "core/registry_score.h"

#include <string>

#include "core/model_config.h"
#include "models/score.h"

namespace aezoo {

namespace {

// Keys (defaults in brackets; the sliced/dsm keys exist only for that loss):
//   parameterization: direct | energy [direct]
//   hidden: int list [128, 128];  activation [softplus]
//   loss: exact | sliced | dsm [sliced]
//   projections: int >= 1 [1];  projection_dist: gaussian | rademacher [rademacher];
//   variance_reduced: bool [true]                                  (sliced)
//   sigma: number > 0 [0.1]                                        (dsm)
//   denoise_sigma: number > 0 [sigma for dsm, else 0.1]
// No latent_dim: the code of a score model is the point itself (code_dim = D).
ModelPtr build_score_model(ConfigNode& node, const std::vector<int64_t>& input_shape) {
  ScoreModelOptions o(input_shape);
  o.parameterization(score_parameterization_from_string(
      node.get_choice("parameterization", {"direct", "energy"}, "direct")));
  o.hidden(node.get_int_list("hidden", std::vector<int64_t>{128, 128}, 1));
  o.activation(read_activation(node, "activation", "softplus"));
  o.loss(score_loss_from_string(node.get_choice("loss", {"exact", "sliced", "dsm"}, "sliced")));
  if (o.loss() == ScoreLoss::sliced) {
    o.projections(node.get_int("projections", 1, 1));
    o.projection_dist(projection_dist_from_string(
        node.get_choice("projection_dist", {"gaussian", "rademacher"}, "rademacher")));
    o.variance_reduced(node.get_bool("variance_reduced", true));
  }
  if (o.loss() == ScoreLoss::dsm)
    o.sigma(node.get_number("sigma", 0.1, Bound{0, true}));
  o.denoise_sigma(node.get_number(
      "denoise_sigma", o.loss() == ScoreLoss::dsm ? o.sigma() : 0.1, Bound{0, true}));
  try {
    check_score_model_options(o);
  } catch (const c10::Error& e) {
    // The one check the getters above cannot make: activation smoothness vs loss.
    node.fail("activation", e.what_without_backtrace());
  }
  return std::make_shared<ScoreModelImpl>(o);
}

}  // namespace

void register_score_models(std::vector<ModelEntry>& r) {
  r.push_back({"score_model",
               "score network s(x) ~ d log p(x)/dx: exact, sliced or denoising score matching",
               build_score_model});
}

}  // namespace aezoo

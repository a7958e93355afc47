#include "models/corruption.h"

#include <sstream>

namespace aezoo {

void check_corruption(const CorruptionOptions& o) {
  TORCH_CHECK(o.gaussian_sigma() >= 0, "gaussian_sigma must be >= 0, got ", o.gaussian_sigma());
  TORCH_CHECK(
      o.masking_p() >= 0 && o.masking_p() < 1, "masking_p must be in [0, 1), got ", o.masking_p());
  TORCH_CHECK(o.salt_pepper_p() >= 0 && o.salt_pepper_p() <= 1,
              "salt_pepper_p must be in [0, 1], got ",
              o.salt_pepper_p());
}

bool any_corruption(const CorruptionOptions& o) {
  return o.gaussian_sigma() > 0 || o.masking_p() > 0 || o.salt_pepper_p() > 0;
}

bool gaussian_only(const CorruptionOptions& o) {
  return o.gaussian_sigma() > 0 && o.masking_p() == 0 && o.salt_pepper_p() == 0;
}

torch::Tensor corrupt(const CorruptionOptions& o, const torch::Tensor& x) {
  torch::NoGradGuard no_grad;  // the corruption is data, not part of the model
  auto xt = x.detach();
  if (o.masking_p() > 0) {
    // Masking noise: x~_d = 0 with probability p (Vincent et al. 2010, sec. 4.2).
    auto keep = torch::rand_like(xt) >= o.masking_p();
    xt = xt * keep.to(xt.dtype());
  }
  if (o.salt_pepper_p() > 0) {
    // Salt-and-pepper: x~_d = 0 or 1 (equally likely) with probability p.
    auto hit = torch::rand_like(xt) < o.salt_pepper_p();
    auto value = (torch::rand_like(xt) < 0.5).to(xt.dtype());
    xt = torch::where(hit, value, xt);
  }
  if (o.gaussian_sigma() > 0) {
    // Isotropic Gaussian noise: x~ = x + sigma * eps, eps ~ N(0, I).
    xt = xt + o.gaussian_sigma() * torch::randn_like(xt);
  }
  return xt;
}

std::string describe(const CorruptionOptions& o) {
  std::ostringstream s;
  s << "gaussian_sigma=" << o.gaussian_sigma() << ", masking_p=" << o.masking_p()
    << ", salt_pepper_p=" << o.salt_pepper_p();
  return s.str();
}

}  // namespace aezoo

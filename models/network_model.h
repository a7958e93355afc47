#pragma once
// The part every Network-based model shares: one Network (encoder + decoder) registered as
// "network" and one decoder Likelihood. Code size and input shape come from the network's
// options; encode / decode_raw are the network's (a model overrides them where its code
// differs, e.g. the VAE's posterior mean).
#include <torch/torch.h>

#include <string>
#include <utility>
#include <vector>

#include "models/model.h"
#include "models/network.h"

namespace aezoo {

class NetworkModel : public AutoencoderBase {
 public:
  NetworkModel(std::string name, const LikelihoodOptions& likelihood)
      : AutoencoderBase(std::move(name)), likelihood_(likelihood) {}

  int64_t code_dim() const override {
    return network->options.latent_dim();
  }
  std::vector<int64_t> input_shape() const override {
    return network->options.input_shape();
  }
  const Likelihood& likelihood() const override {
    return likelihood_;
  }
  torch::Tensor encode(const torch::Tensor& x) override {
    return network->encode(x);
  }
  torch::Tensor decode_raw(const torch::Tensor& h) override {
    return network->decode(h);
  }

  /// Set (and registered as "network") by the model's constructor.
  Network network{nullptr};

 protected:
  Likelihood likelihood_;
};

}  // namespace aezoo

#include "models/model.h"

namespace aezoo {

torch::Tensor ModelOutput::loss() const {
  TORCH_CHECK(!terms.empty(), "a model reported no loss terms");
  torch::Tensor total = terms.front().second;
  for (size_t i = 1; i < terms.size(); ++i)
    total = total + terms[i].second;
  return total;
}

ModelOutput AutoencoderBase::compute(const torch::Tensor& x) {
  ModelOutput out;
  out.code = encode(x);
  out.decoder_output = decode_raw(out.code);
  // -log p_decoder(x | h), per example, averaged over the batch.
  out.terms.emplace_back("recon", likelihood().nll(out.decoder_output, x).mean());
  return out;
}

torch::Tensor AutoencoderBase::score(const torch::Tensor& x) {
  TORCH_CHECK(false, "model '", type(), "' has no score estimate (has_score() is false)");
}

torch::Device model_device(const torch::nn::Module& model, torch::Device fallback) {
  const auto params = model.parameters();
  return params.empty() ? fallback : params.front().device();
}

void add_default_forward(ScriptBuilder& builder) {
  if (builder.has_method("forward"))
    return;
  builder.method(
      "def forward(self, x: Tensor) -> Tensor:\n"
      "    return self.decode(self.encode(x))\n");
}

}  // namespace aezoo

#include "trainers/fused_adam.h"

#include "trainers/adam_kernel.h"

#include <ATen/Parallel.h>

#include <cmath>
#include <sstream>
#include <type_traits>

namespace aezoo {

namespace {

template <typename State>
State& param_state(torch::optim::Optimizer& opt,
                   std::remove_reference_t<decltype(opt.state())>& state,
                   const torch::Tensor& p) {
  using Key = typename std::remove_reference_t<decltype(state)>::key_type;
  Key key;
  if constexpr (std::is_same_v<Key, std::string>) {
    // LibTorch 1.x keys its state by the printed TensorImpl address (c10::guts::to_string).
    std::ostringstream s;
    s << p.unsafeGetTensorImpl();
    key = s.str();
  } else {
    key = p.unsafeGetTensorImpl();  // LibTorch 2.x keys it by the pointer itself
  }
  auto it = state.find(key);
  if (it == state.end()) {
    auto s = std::make_unique<State>();
    s->step(0);
    s->exp_avg(torch::zeros_like(p, torch::MemoryFormat::Preserve));
    s->exp_avg_sq(torch::zeros_like(p, torch::MemoryFormat::Preserve));
    it = state.emplace(key, std::move(s)).first;
  }
  return static_cast<State&>(*it->second);
}

bool fusable(const torch::Tensor& p) {
  const auto& g = p.grad();
  return p.device().is_cpu() && p.scalar_type() == torch::kFloat && p.is_contiguous() &&
         g.defined() && g.scalar_type() == torch::kFloat && g.is_contiguous() && !g.is_sparse();
}

// One step: the closure (if any) with gradients on, then the fused update of every
// parameter with a gradient. Returns the closure's loss.
template <typename Options, typename State>
torch::Tensor fused_step(torch::optim::Optimizer& opt,
                         const torch::optim::Optimizer::LossClosure& closure,
                         bool decoupled) {
  torch::Tensor loss;
  if (closure) {
    at::AutoGradMode enable_grad(true);
    loss = closure();
  }
  torch::NoGradGuard no_grad;
  for (auto& group : opt.param_groups()) {
    auto& o = static_cast<Options&>(group.options());
    const double lr = o.lr();
    const double b1 = std::get<0>(o.betas()), b2 = std::get<1>(o.betas());
    const double wd = o.weight_decay();
    for (auto& p : group.params()) {
      if (!p.grad().defined())
        continue;
      auto& s = param_state<State>(opt, opt.state(), p);
      const int64_t t = s.step() + 1;
      s.step(t);
      fused_adam_update(p.data_ptr<float>(),
                        p.grad().data_ptr<float>(),
                        s.exp_avg().template data_ptr<float>(),
                        s.exp_avg_sq().template data_ptr<float>(),
                        p.numel(),
                        lr,
                        b1,
                        b2,
                        o.eps(),
                        decoupled ? 0.0 : wd,
                        decoupled ? 1.0 - lr * wd : 1.0,
                        t);
    }
  }
  return loss;
}

template <typename Options>
bool all_fusable(torch::optim::Optimizer& opt) {
  for (auto& group : opt.param_groups()) {
    if (static_cast<Options&>(group.options()).amsgrad())
      return false;
    for (auto& p : group.params()) {
      if (p.grad().defined() && !fusable(p))
        return false;
    }
  }
  return true;
}

}  // namespace

void fused_adam_update(float* p,
                       const float* g,
                       float* m,
                       float* v,
                       int64_t n,
                       double lr,
                       double beta1,
                       double beta2,
                       double eps,
                       double decay,
                       double param_scale,
                       int64_t step) {
  const double bc1 = 1.0 - std::pow(beta1, static_cast<double>(step));
  const double bc2 = 1.0 - std::pow(beta2, static_cast<double>(step));
  const float step_size = static_cast<float>(lr / bc1);
  const float inv_sqrt_bc2 = static_cast<float>(1.0 / std::sqrt(bc2));
  // Below ~32k elements a parallel region costs more than it saves.
  at::parallel_for(0, n, 32768, [&](int64_t begin, int64_t end) {
    detail::adam_kernel(p + begin,
                        g + begin,
                        m + begin,
                        v + begin,
                        end - begin,
                        static_cast<float>(beta1),
                        static_cast<float>(beta2),
                        static_cast<float>(1.0 - beta1),
                        static_cast<float>(1.0 - beta2),
                        inv_sqrt_bc2,
                        static_cast<float>(eps),
                        step_size,
                        static_cast<float>(decay),
                        static_cast<float>(param_scale));
  });
}

torch::Tensor FusedAdam::step(LossClosure closure) {
  if (!all_fusable<torch::optim::AdamOptions>(*this))
    return torch::optim::Adam::step(closure);
  return fused_step<torch::optim::AdamOptions, torch::optim::AdamParamState>(*this, closure, false);
}

torch::Tensor FusedAdamW::step(LossClosure closure) {
  if (!all_fusable<torch::optim::AdamWOptions>(*this))
    return torch::optim::AdamW::step(closure);
  return fused_step<torch::optim::AdamWOptions, torch::optim::AdamWParamState>(
      *this, closure, true);
}

}  // namespace aezoo

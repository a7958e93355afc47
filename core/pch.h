// Precompiled header: the heavy LibTorch includes, compiled once for every aezoo target.
// (Linear algebra goes through the ATen functions torch::linalg_svd, torch::linalg_qr, ...,
// which LibTorch 1.13 and 2.x both provide; the torch::linalg:: namespace is not in 2.11.)
#pragma once
#include <torch/torch.h>
#include <torch/script.h>

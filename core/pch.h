// Precompiled header: the heavy LibTorch includes, compiled once for every aezoo target.
#pragma once
#include <torch/torch.h>
#include <torch/script.h>
// LibTorch 2.x no longer pulls torch::linalg in through <torch/torch.h>.
#include <torch/linalg.h>

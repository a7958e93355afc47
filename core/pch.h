// Precompiled header: the heavy LibTorch includes, compiled once for every aezoo target.
#pragma once
#include <torch/torch.h>
#include <torch/script.h>

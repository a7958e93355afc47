#pragma once
// PNG output (stb_image_write from Debian's libstb-dev).
#include <torch/torch.h>

#include <string>

namespace aezoo {

/// Tiles images [N, C, H, W] (C = 1 or 3, values in [0, 1], clamped) into a grid of `cols`
/// columns with a 2-pixel gap, each image enlarged `scale` times (nearest neighbour), and
/// returns it as uint8 [H', W', C].
torch::Tensor make_grid(const torch::Tensor& images, int64_t cols, int64_t scale = 1);

/// Writes uint8 [H, W, C] (or float [H, W, C] in [0, 1]) as PNG, atomically. Throws
/// aezoo::Error naming the path.
void write_png(const std::string& path, const torch::Tensor& image);

/// Inputs over reconstructions: rows alternate a row of `inputs` and the row of their
/// reconstructions, `cols` images per row. Both [N, C, H, W] in [0, 1]. Images are drawn
/// at twice their size.
void write_reconstruction_grid(const std::string& path,
                               const torch::Tensor& inputs,
                               const torch::Tensor& reconstructions,
                               int64_t cols = 8);

}  // namespace aezoo

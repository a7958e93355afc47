#include "core/image.h"

#define STB_IMAGE_WRITE_IMPLEMENTATION
#define STB_IMAGE_WRITE_STATIC
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#include <stb/stb_image_write.h>
#pragma GCC diagnostic pop

#include "core/error.h"
#include "core/io.h"

namespace aezoo {

torch::Tensor make_grid(const torch::Tensor& images, int64_t cols, int64_t scale) {
  TORCH_CHECK(images.dim() == 4, "make_grid expects [N, C, H, W], got ", images.sizes());
  TORCH_CHECK(cols > 0, "cols must be positive");
  TORCH_CHECK(scale >= 1, "scale must be >= 1");
  if (scale > 1) {
    return make_grid(images.repeat_interleave(scale, 2).repeat_interleave(scale, 3), cols, 1);
  }
  const int64_t n = images.size(0), c = images.size(1), h = images.size(2), w = images.size(3);
  TORCH_CHECK(c == 1 || c == 3, "make_grid expects 1 or 3 channels, got ", c);
  const int64_t gap = 2;
  const int64_t rows = (n + cols - 1) / cols;
  auto grid = torch::ones({c, rows * (h + gap) + gap, cols * (w + gap) + gap});
  auto img = images.detach().to(torch::kCPU, torch::kFloat).clamp(0, 1);
  for (int64_t i = 0; i < n; ++i) {
    const int64_t r = i / cols, q = i % cols;
    grid.narrow(1, gap + r * (h + gap), h).narrow(2, gap + q * (w + gap), w).copy_(img[i]);
  }
  return grid.mul(255).round().to(torch::kUInt8).permute({1, 2, 0}).contiguous();
}

void write_png(const std::string& path, const torch::Tensor& image) {
  TORCH_CHECK(image.dim() == 3, "write_png expects [H, W, C], got ", image.sizes());
  auto img = image.scalar_type() == torch::kUInt8 ? image.to(torch::kCPU).contiguous()
                                                  : image.to(torch::kCPU, torch::kFloat)
                                                        .clamp(0, 1)
                                                        .mul(255)
                                                        .round()
                                                        .to(torch::kUInt8)
                                                        .contiguous();
  const int h = static_cast<int>(img.size(0)), w = static_cast<int>(img.size(1)),
            c = static_cast<int>(img.size(2));
  write_atomic_with(path, [&](const std::string& tmp) {
    if (!stbi_write_png(tmp.c_str(), w, h, c, img.data_ptr<uint8_t>(), w * c)) {
      throw Error(path + ": cannot write PNG");
    }
  });
}

void write_reconstruction_grid(const std::string& path,
                               const torch::Tensor& inputs,
                               const torch::Tensor& reconstructions,
                               int64_t cols) {
  TORCH_CHECK(inputs.sizes() == reconstructions.sizes(),
              "inputs ",
              inputs.sizes(),
              " and reconstructions ",
              reconstructions.sizes(),
              " differ in shape");
  TORCH_CHECK(inputs.size(0) > 0, "no images to write");
  cols = std::min(cols, inputs.size(0));
  const int64_t n = (inputs.size(0) / cols) * cols;  // whole rows only, so pairs stay aligned
  std::vector<torch::Tensor> rows;
  for (int64_t start = 0; start < n; start += cols) {
    rows.push_back(inputs.narrow(0, start, cols));
    rows.push_back(reconstructions.narrow(0, start, cols));
  }
  write_png(path, make_grid(torch::cat(rows), cols, 2));
}

}  // namespace aezoo

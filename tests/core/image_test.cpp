#include <gtest/gtest.h>
#include <torch/torch.h>

#define STB_IMAGE_IMPLEMENTATION
#define STB_IMAGE_STATIC
#include <stb/stb_image.h>

#include "core/image.h"
#include "test_util.h"

using namespace aezoo;

TEST(Image, GridPlacesEachImageInItsCell) {
  auto imgs = torch::zeros({3, 1, 2, 2});
  imgs[1].fill_(1.0);
  auto grid = make_grid(imgs, 2);
  // 2 columns, 2 rows, 2-pixel gaps: (2 + 2) * 2 + 2 = 10 in each direction.
  EXPECT_EQ(grid.sizes(), (std::vector<int64_t>{10, 10, 1}));
  EXPECT_EQ(grid[2][2][0].item<int>(), 0);    // image 0
  EXPECT_EQ(grid[2][6][0].item<int>(), 255);  // image 1
  EXPECT_EQ(grid[0][0][0].item<int>(), 255);  // gap is white
  EXPECT_EQ(make_grid(imgs, 2, 3).size(0), (6 + 2) * 2 + 2);
}

TEST(Image, PngRoundTripsAndReconstructionGridPairsRows) {
  test::TempDir dir;
  auto x = torch::rand({16, 1, 5, 5});
  auto r = 1 - x;
  write_reconstruction_grid(dir.file("g.png"), x, r, 8);
  int w = 0, h = 0, c = 0;
  unsigned char* data = stbi_load(dir.file("g.png").c_str(), &w, &h, &c, 0);
  ASSERT_NE(data, nullptr);
  EXPECT_EQ(c, 1);
  // 4 rows (inputs, reconstructions, inputs, reconstructions) of 8 images at scale 2.
  EXPECT_EQ(h, 4 * (10 + 2) + 2);
  EXPECT_EQ(w, 8 * (10 + 2) + 2);
  // Top-left pixel of the first input and of its reconstruction (row below).
  const int v_in = data[2 * w + 2], v_rec = data[(2 + 12) * w + 2];
  EXPECT_NEAR(v_in, std::round(x[0][0][0][0].item<double>() * 255), 1);
  EXPECT_NEAR(v_rec, std::round(r[0][0][0][0].item<double>() * 255), 1);
  stbi_image_free(data);
  EXPECT_THROW(write_png(dir.file("no/such/dir/\0bad.png"), torch::zeros({2, 2, 1})),
               std::exception);
}

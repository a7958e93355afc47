// Tests of datasets/idx.h: round trips, the byte layout, and every malformed-file error.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <chrono>
#include <filesystem>
#include <string>

#include "core/error.h"
#include "datasets/idx.h"
#include "test_util.h"

namespace aezoo {
namespace {

using test::TempDir;

// Runs `f`, expects an aezoo::DataError, returns its message.
template <typename F>
std::string data_error(F&& f) {
  try {
    f();
  } catch (const DataError& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected aezoo::DataError";
  return "";
}

// Bytes of a raw IDX file with the given header bytes and payload.
std::string idx_bytes(const std::string& header, size_t payload_bytes, char fill = 7) {
  return header + std::string(payload_bytes, fill);
}

std::string be32(uint32_t v) {
  return std::string{static_cast<char>(v >> 24),
                     static_cast<char>((v >> 16) & 0xFF),
                     static_cast<char>((v >> 8) & 0xFF),
                     static_cast<char>(v & 0xFF)};
}

std::string header(uint8_t type, std::initializer_list<uint32_t> dims) {
  std::string h{0, 0, static_cast<char>(type), static_cast<char>(dims.size())};
  for (const uint32_t d : dims) {
    h += be32(d);
  }
  return h;
}

// CRC-32 (IEEE, as gzip uses), bit by bit.
uint32_t crc32(const std::string& data) {
  uint32_t crc = 0xFFFFFFFFu;
  for (const char ch : data) {
    crc ^= static_cast<unsigned char>(ch);
    for (int k = 0; k < 8; ++k) {
      crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
    }
  }
  return ~crc;
}

std::string le32(uint32_t v) {
  return std::string{static_cast<char>(v & 0xFF),
                     static_cast<char>((v >> 8) & 0xFF),
                     static_cast<char>((v >> 16) & 0xFF),
                     static_cast<char>(v >> 24)};
}

// A valid gzip file (RFC 1952) holding `content` in one stored (uncompressed) deflate block,
// so the tests can put arbitrary bytes inside a gzip container without linking zlib.
std::string gzip_stored(const std::string& content) {
  const auto n = static_cast<uint16_t>(content.size());
  std::string out{'\x1f', '\x8b', 8, 0, 0, 0, 0, 0, 0, '\xff'};
  out += std::string{1,
                     static_cast<char>(n & 0xFF),
                     static_cast<char>(n >> 8),
                     static_cast<char>(~n & 0xFF),
                     static_cast<char>((~n >> 8) & 0xFF)};
  out += content;
  out += le32(crc32(content));
  out += le32(static_cast<uint32_t>(content.size()));
  return out;
}

torch::Tensor sample_tensor(torch::ScalarType type, std::vector<int64_t> shape) {
  const torch::Tensor base = torch::randn(shape, torch::kFloat64) * 1000;
  if (type == torch::kUInt8) {
    return torch::randint(0, 256, shape, torch::kUInt8);
  }
  if (type == torch::kInt8) {
    return torch::randint(-128, 128, shape, torch::kInt8);
  }
  return base.to(type);
}

TEST(IdxTest, RoundTripEveryTypeGzipAndRaw) {
  TempDir dir;
  const std::vector<torch::ScalarType> types = {
      torch::kUInt8, torch::kInt8, torch::kInt16, torch::kInt32, torch::kFloat32, torch::kFloat64};
  const std::vector<std::vector<int64_t>> shapes = {{7}, {5, 3}, {4, 6, 5}, {2, 3, 4, 5}};
  for (const auto type : types) {
    for (const auto& shape : shapes) {
      for (const bool gzip : {true, false}) {
        SCOPED_TRACE(::testing::Message() << type << " " << shape.size() << "d gzip=" << gzip);
        const torch::Tensor t = sample_tensor(type, shape);
        const std::string path = dir.file(gzip ? "t.gz" : "t.idx");
        write_idx(path, t, gzip);
        const torch::Tensor back = read_idx(path);
        EXPECT_EQ(back.scalar_type(), type);
        EXPECT_EQ(back.sizes(), t.sizes());
        EXPECT_TRUE(torch::equal(back, t));
        const IdxHeader h = read_idx_header(path);
        EXPECT_EQ(h.dims, shape);
        EXPECT_EQ(idx_scalar_type(h.type), type);
      }
    }
  }
}

TEST(IdxTest, GzipAndRawFilesHaveTheRightBytes) {
  TempDir dir;
  const torch::Tensor t = torch::tensor({0x01020304, -2}, torch::kInt32);
  write_idx(dir.file("raw"), t, false);
  write_idx(dir.file("gz"), t, true);
  const std::string raw = test::read_file(dir.file("raw"));
  // Magic 0x00000C01, one dimension of size 2, then two big-endian int32.
  const std::string expected =
      header(0x0C, {2}) + std::string("\x01\x02\x03\x04", 4) + std::string("\xff\xff\xff\xfe", 4);
  EXPECT_EQ(raw, expected);
  const std::string gz = test::read_file(dir.file("gz"));
  ASSERT_GE(gz.size(), 2u);
  EXPECT_EQ(static_cast<unsigned char>(gz[0]), 0x1f);
  EXPECT_EQ(static_cast<unsigned char>(gz[1]), 0x8b);
  // No temporary file is left behind.
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    (void)entry;
    ++files;
  }
  EXPECT_EQ(files, 2);
}

TEST(IdxTest, ReadsHandWrittenBigEndianFloats) {
  TempDir dir;
  // 1.5f = 0x3FC00000, -2.0f = 0xC0000000.
  const std::string bytes = header(0x0D, {1, 2}) + be32(0x3FC00000) + be32(0xC0000000);
  test::write_file(dir.file("f.idx"), bytes);
  const torch::Tensor t = read_idx(dir.file("f.idx"));
  ASSERT_EQ(t.sizes(), (std::vector<int64_t>{1, 2}));
  EXPECT_EQ(t[0][0].item<float>(), 1.5f);
  EXPECT_EQ(t[0][1].item<float>(), -2.0f);
}

TEST(IdxTest, MissingFile) {
  TempDir dir;
  const std::string path = dir.file("nope-idx3-ubyte.gz");
  const std::string msg = data_error([&] { read_idx(path); });
  EXPECT_EQ(msg, path + ": no such file");
}

// Each malformed file is checked both raw and inside a valid gzip container.
class IdxMalformedTest : public ::testing::TestWithParam<bool> {
 protected:
  // Writes `content` (gzip-wrapped when GetParam()) and returns read_idx's error message,
  // after checking that it starts with the path.
  std::string error_for(const std::string& content) {
    const std::string path = dir_.file(GetParam() ? "file-idx-ubyte.gz" : "file-idx-ubyte");
    test::write_file(path, GetParam() ? gzip_stored(content) : content);
    const std::string msg = data_error([&] { read_idx(path); });
    EXPECT_EQ(msg.rfind(path + ": ", 0), 0u) << msg;
    return msg;
  }
  TempDir dir_;
};

TEST_P(IdxMalformedTest, BadMagicNumber) {
  // A PNG signature where two zero bytes belong.
  const std::string msg = error_for("\x89PNG" + std::string(20, 'x'));
  EXPECT_NE(msg.find("bad IDX magic number 0x89504e47"), std::string::npos) << msg;
  EXPECT_NE(msg.find("expected 0x0000TTDD"), std::string::npos) << msg;
}

TEST_P(IdxMalformedTest, UnknownTypeCode) {
  const std::string msg = error_for(idx_bytes(header(0x0A, {4}), 4));
  EXPECT_NE(msg.find("unknown IDX type code 0x0a"), std::string::npos) << msg;
  EXPECT_NE(msg.find("expected one of 0x08"), std::string::npos) << msg;
}

TEST_P(IdxMalformedTest, DimensionCountOutOfRange) {
  std::string msg = error_for(idx_bytes(std::string{0, 0, 8, 0}, 4));
  EXPECT_NE(msg.find("dimension count 0"), std::string::npos) << msg;
  EXPECT_NE(msg.find("expected 1 to 4"), std::string::npos) << msg;
  msg = error_for(idx_bytes(header(0x08, {1, 1, 1, 1, 1}), 1));
  EXPECT_NE(msg.find("dimension count 5"), std::string::npos) << msg;
}

TEST_P(IdxMalformedTest, ZeroDimension) {
  const std::string msg = error_for(header(0x08, {3, 0}));
  EXPECT_NE(msg.find("dimension 1 of 2 has size 0: expected a positive size"), std::string::npos)
      << msg;
}

TEST_P(IdxMalformedTest, TruncatedHeader) {
  std::string msg = error_for(std::string{0, 0});
  EXPECT_NE(msg.find("expected 4 bytes of magic number, found 2"), std::string::npos) << msg;
  msg = error_for(header(0x08, {10, 28, 28}).substr(0, 10));
  EXPECT_NE(msg.find("expected 12 bytes of dimension sizes, found 6"), std::string::npos) << msg;
}

TEST_P(IdxMalformedTest, TruncatedPayload) {
  // Header for 10x28x28 = 7840 bytes, only 1000 present.
  const std::string msg = error_for(idx_bytes(header(0x08, {10, 28, 28}), 1000));
  EXPECT_NE(msg.find(": truncated IDX file: expected 7840 bytes of data, found 1000"),
            std::string::npos)
      << msg;
}

TEST_P(IdxMalformedTest, TruncatedMultiByteElements) {
  // 3 int32 = 12 bytes announced, 10 present.
  const std::string msg = error_for(idx_bytes(header(0x0C, {3}), 10));
  EXPECT_NE(msg.find("expected 12 bytes of data, found 10"), std::string::npos) << msg;
}

TEST_P(IdxMalformedTest, TrailingGarbage) {
  const std::string msg = error_for(idx_bytes(header(0x08, {2, 2}), 4 + 3));
  EXPECT_NE(msg.find("3 unexpected trailing byte(s)"), std::string::npos) << msg;
  EXPECT_NE(msg.find("expected exactly 4 bytes"), std::string::npos) << msg;
}

TEST_P(IdxMalformedTest, HeaderClaimingHugePayloadIsReportedNotAllocated) {
  // 60000 x 60000 x 1000 doubles: far more than memory; only 16 bytes present.
  const std::string msg = error_for(idx_bytes(header(0x0E, {60000, 60000, 1000}), 16));
  EXPECT_NE(msg.find("expected 28800000000000 bytes of data, found 16"), std::string::npos) << msg;
}

INSTANTIATE_TEST_SUITE_P(RawAndGzip,
                         IdxMalformedTest,
                         ::testing::Bool(),
                         [](const ::testing::TestParamInfo<bool>& info) {
                           return info.param ? std::string("gzip") : std::string("raw");
                         });

TEST(IdxTest, HandMadeGzipContainerReadsBack) {
  // Checks the test's own gzip writer, so the gzip cases above test the reader, not it.
  TempDir dir;
  const std::string content = header(0x08, {3}) + std::string("\x01\x02\xff", 3);
  test::write_file(dir.file("a.gz"), gzip_stored(content));
  const torch::Tensor t = read_idx(dir.file("a.gz"));
  EXPECT_TRUE(torch::equal(t, torch::tensor({1, 2, 255}, torch::kUInt8)));
}

TEST(IdxTest, CutGzipStream) {
  TempDir dir;
  const std::string gz = dir.file("train-images-idx3-ubyte.gz");
  write_idx(gz, torch::randint(0, 256, {10, 28, 28}, torch::kUInt8), true);
  const std::string bytes = test::read_file(gz);
  test::write_file(gz, bytes.substr(0, bytes.size() / 2));
  const std::string msg = data_error([&] { read_idx(gz); });
  EXPECT_EQ(msg.rfind(gz + ": truncated IDX file: expected 7840 bytes of data, found ", 0), 0u)
      << msg;
  EXPECT_NE(msg.find("the gzip stream ends early"), std::string::npos) << msg;
}

TEST(IdxTest, CorruptGzipData) {
  TempDir dir;
  const std::string gz = dir.file("t.gz");
  write_idx(gz, torch::randint(0, 256, {10, 28, 28}, torch::kUInt8), true);
  std::string bytes = test::read_file(gz);
  for (size_t i = 12; i + 8 < bytes.size(); ++i) {
    bytes[i] = static_cast<char>(bytes[i] ^ 0x5A);
  }
  test::write_file(gz, bytes);
  const std::string msg = data_error([&] { read_idx(gz); });
  EXPECT_EQ(msg.rfind(gz + ": ", 0), 0u) << msg;
}

TEST(IdxTest, WriteRejectsUnsupportedTensors) {
  TempDir dir;
  EXPECT_THROW(write_idx(dir.file("a"), torch::zeros({2}, torch::kInt64), false), c10::Error);
  EXPECT_THROW(write_idx(dir.file("a"), torch::zeros({}, torch::kUInt8), false), c10::Error);
  EXPECT_THROW(write_idx(dir.file("a"), torch::zeros({1, 1, 1, 1, 1}), false), c10::Error);
  const std::string bad_dir = dir.file("no/such/dir/x.gz");
  const std::string msg = data_error([&] { write_idx(bad_dir, torch::zeros({2}), true); });
  EXPECT_EQ(msg.rfind(bad_dir + ": cannot write", 0), 0u) << msg;
}

TEST(IdxTest, ReadsFashionMnist) {
  const std::string root = "/usr/share/datasets/fashion-mnist";
  if (!std::filesystem::exists(root + "/train-images-idx3-ubyte.gz")) {
    GTEST_SKIP() << root << " is absent (Debian package dataset-fashion-mnist)";
  }
  const auto start = std::chrono::steady_clock::now();
  const torch::Tensor images = read_idx(root + "/train-images-idx3-ubyte.gz");
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(images.sizes(), (std::vector<int64_t>{60000, 28, 28}));
  EXPECT_EQ(images.scalar_type(), torch::kUInt8);
  EXPECT_EQ(images.max().item<int>(), 255);
  const torch::Tensor labels = read_idx(root + "/t10k-labels-idx1-ubyte.gz");
  EXPECT_EQ(labels.sizes(), (std::vector<int64_t>{10000}));
  EXPECT_EQ(labels.max().item<int>(), 9);
  // Load time is reported, not asserted (shared machines are noisy; the benchmark measures it).
  RecordProperty("train_images_seconds", std::to_string(seconds));
}

}  // namespace
}  // namespace aezoo

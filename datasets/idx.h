#pragma once
// IDX files (the format of MNIST, Fashion-MNIST, KMNIST, EMNIST), gzip-compressed or raw.
//
// Layout (all integers big-endian): a 4-byte magic number 0x0000TTDD, where TT is the type
// code of the elements and DD the number of dimensions, then DD 4-byte dimension sizes, then
// the elements in row-major order.
#include <torch/torch.h>

#include <cstdint>
#include <string>
#include <vector>

namespace aezoo {

/// IDX element type codes (the third byte of the magic number).
enum class IdxType : uint8_t {
  /// unsigned 8-bit (torch::kUInt8)
  ubyte = 0x08,
  /// signed 8-bit (torch::kInt8)
  byte = 0x09,
  /// signed 16-bit big-endian (torch::kInt16)
  short_ = 0x0B,
  /// signed 32-bit big-endian (torch::kInt32)
  int_ = 0x0C,
  /// IEEE 754 single precision big-endian (torch::kFloat32)
  float_ = 0x0D,
  /// IEEE 754 double precision big-endian (torch::kFloat64)
  double_ = 0x0E,
};

/// The header of an IDX file: element type and dimension sizes.
struct IdxHeader {
  /// Element type (third byte of the magic number).
  IdxType type = IdxType::ubyte;
  /// Dimension sizes, 1 to 4 of them, each positive.
  std::vector<int64_t> dims;
  /// Number of bytes of element data the header announces (product of dims times the size
  /// of one element).
  int64_t data_bytes() const;
};

/// Reads a whole IDX file, gzip-compressed or raw (zlib reads raw files transparently),
/// into one preallocated tensor of shape `dims` and the dtype of its type code (see
/// IdxType). Multi-byte elements are converted from big-endian to the host's byte order.
/// Throws aezoo::DataError whose message starts with `path` and says what was expected and
/// what was found: missing file ("no such file"), bad magic number, unknown type code,
/// dimension count outside 1..4, a zero dimension, a truncated header or payload ("expected
/// N bytes of data, found M"), trailing bytes after the payload, or corrupt gzip data.
torch::Tensor read_idx(const std::string& path);

/// Reads only the header of an IDX file (gzip or raw). Throws like read_idx.
IdxHeader read_idx_header(const std::string& path);

/// Writes `t` (uint8, int8, int16, int32, float32 or float64; 1 to 4 dimensions; on any
/// device) as an IDX file at `path`, gzip-compressed (level 6) when `gzip` is true, raw
/// otherwise. The file is written under a temporary name and renamed into place, so a failure
/// never leaves a half-written `path`. Throws c10::Error for an unsupported tensor and
/// aezoo::DataError naming `path` when the file cannot be written.
void write_idx(const std::string& path, const torch::Tensor& t, bool gzip);

/// The torch dtype of an IDX type code.
torch::ScalarType idx_scalar_type(IdxType type);

}  // namespace aezoo

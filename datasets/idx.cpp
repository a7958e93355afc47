#include "datasets/idx.h"

#include <fmt/format.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>
#include <filesystem>
#include <memory>

#include "core/error.h"

namespace aezoo {
namespace {

namespace fs = std::filesystem;

// Owns a zlib file handle.
struct GzCloser {
  void operator()(gzFile_s* f) const {
    if (f != nullptr) {
      gzclose(f);
    }
  }
};
using GzFile = std::unique_ptr<gzFile_s, GzCloser>;

bool is_known_type(uint8_t code) {
  switch (code) {
    case 0x08:
    case 0x09:
    case 0x0B:
    case 0x0C:
    case 0x0D:
    case 0x0E:
      return true;
    default:
      return false;
  }
}

int64_t element_size(IdxType type) {
  switch (type) {
    case IdxType::ubyte:
    case IdxType::byte:
      return 1;
    case IdxType::short_:
      return 2;
    case IdxType::int_:
    case IdxType::float_:
      return 4;
    case IdxType::double_:
      return 8;
  }
  return 1;
}

constexpr bool host_is_little_endian() {
  return __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__;
}

// Reverses the byte order of each `size`-byte element in place (big-endian <-> host).
void swap_bytes(void* data, int64_t count, int64_t size) {
  if (!host_is_little_endian() || size == 1) {
    return;
  }
  if (size == 2) {
    auto* p = static_cast<uint16_t*>(data);
    for (int64_t i = 0; i < count; ++i) {
      p[i] = __builtin_bswap16(p[i]);
    }
  } else if (size == 4) {
    auto* p = static_cast<uint32_t*>(data);
    for (int64_t i = 0; i < count; ++i) {
      p[i] = __builtin_bswap32(p[i]);
    }
  } else if (size == 8) {
    auto* p = static_cast<uint64_t*>(data);
    for (int64_t i = 0; i < count; ++i) {
      p[i] = __builtin_bswap64(p[i]);
    }
  }
}

// An open IDX file positioned after its header.
struct OpenIdx {
  GzFile file;
  IdxHeader header;
  int64_t header_bytes = 0;
  int64_t file_bytes = 0;  // size on disk (compressed size for gzip)
  bool gzip_ended_early = false;
};

// Reads up to `n` bytes; returns how many were read (fewer only at the end of the data).
// A gzip stream that ends before its trailer counts as the end of the data and sets
// `ended_early`; any other zlib error throws.
int64_t read_some(gzFile f, void* buf, int64_t n, const std::string& path, bool& ended_early) {
  auto* out = static_cast<char*>(buf);
  int64_t got = 0;
  while (got < n) {
    const auto chunk = static_cast<unsigned>(std::min<int64_t>(n - got, 1 << 30));
    const int r = gzread(f, out + got, chunk);
    if (r < 0) {
      int errnum = Z_OK;
      const char* msg = gzerror(f, &errnum);
      if (errnum == Z_BUF_ERROR) {
        ended_early = true;
        break;
      }
      throw DataError(fmt::format("{}: corrupt gzip data (zlib: {})", path, msg));
    }
    if (r == 0) {
      int errnum = Z_OK;
      gzerror(f, &errnum);
      if (errnum == Z_BUF_ERROR) {
        ended_early = true;
      }
      break;
    }
    got += r;
  }
  return got;
}

std::string early_end_note(bool ended_early) {
  return ended_early ? " (the gzip stream ends early)" : "";
}

OpenIdx open_idx(const std::string& path) {
  std::error_code ec;
  const auto status = fs::status(path, ec);
  if (!fs::exists(status)) {
    throw DataError(fmt::format("{}: no such file", path));
  }
  if (fs::is_directory(status)) {
    throw DataError(fmt::format("{}: is a directory, expected an IDX file", path));
  }
  OpenIdx idx;
  idx.file_bytes = static_cast<int64_t>(fs::file_size(path, ec));
  if (ec) {
    idx.file_bytes = -1;
  }
  errno = 0;
  idx.file.reset(gzopen(path.c_str(), "rb"));
  if (!idx.file) {
    throw DataError(fmt::format("{}: cannot open ({})",
                                path,
                                errno != 0 ? std::strerror(errno) : "zlib could not open it"));
  }
  gzbuffer(idx.file.get(), 1 << 18);

  unsigned char magic[4] = {0, 0, 0, 0};
  const int64_t got = read_some(idx.file.get(), magic, 4, path, idx.gzip_ended_early);
  if (got < 4) {
    throw DataError(
        fmt::format("{}: truncated IDX header: expected 4 bytes of magic number, "
                    "found {}{}",
                    path,
                    got,
                    early_end_note(idx.gzip_ended_early)));
  }
  const uint32_t magic_value = (uint32_t(magic[0]) << 24) | (uint32_t(magic[1]) << 16) |
                               (uint32_t(magic[2]) << 8) | uint32_t(magic[3]);
  if (magic[0] != 0 || magic[1] != 0) {
    throw DataError(
        fmt::format("{}: bad IDX magic number 0x{:08x}: expected 0x0000TTDD (two "
                    "zero bytes, a type code, a dimension count); not an IDX file",
                    path,
                    magic_value));
  }
  if (!is_known_type(magic[2])) {
    throw DataError(
        fmt::format("{}: unknown IDX type code 0x{:02x} in magic number 0x{:08x}: "
                    "expected one of 0x08 (ubyte), 0x09 (byte), 0x0b (short), "
                    "0x0c (int), 0x0d (float), 0x0e (double)",
                    path,
                    magic[2],
                    magic_value));
  }
  const int ndims = magic[3];
  if (ndims < 1 || ndims > 4) {
    throw DataError(
        fmt::format("{}: IDX dimension count {} in magic number 0x{:08x}: expected "
                    "1 to 4",
                    path,
                    ndims,
                    magic_value));
  }
  idx.header.type = static_cast<IdxType>(magic[2]);

  unsigned char dims[16];
  const int64_t got_dims = read_some(idx.file.get(), dims, 4 * ndims, path, idx.gzip_ended_early);
  if (got_dims < 4 * ndims) {
    throw DataError(
        fmt::format("{}: truncated IDX header: expected {} bytes of dimension sizes, "
                    "found {}{}",
                    path,
                    4 * ndims,
                    got_dims,
                    early_end_note(idx.gzip_ended_early)));
  }
  int64_t bytes = element_size(idx.header.type);
  for (int d = 0; d < ndims; ++d) {
    const unsigned char* b = dims + 4 * d;
    const int64_t size =
        (int64_t(b[0]) << 24) | (int64_t(b[1]) << 16) | (int64_t(b[2]) << 8) | int64_t(b[3]);
    if (size == 0) {
      throw DataError(fmt::format(
          "{}: IDX dimension {} of {} has size 0: expected a positive size", path, d, ndims));
    }
    if (__builtin_mul_overflow(bytes, size, &bytes) || bytes > (int64_t(1) << 48)) {
      throw DataError(
          fmt::format("{}: IDX dimensions describe more than 2^48 bytes of data "
                      "(dimension {} has size {}); not a valid IDX file",
                      path,
                      d,
                      size));
    }
    idx.header.dims.push_back(size);
  }
  idx.header_bytes = 4 + 4 * ndims;
  return idx;
}

std::string truncated_message(const std::string& path,
                              int64_t expected,
                              int64_t found,
                              bool ended_early) {
  return fmt::format("{}: truncated IDX file: expected {} bytes of data, found {}{}",
                     path,
                     expected,
                     found,
                     early_end_note(ended_early));
}

std::string trailing_message(const std::string& path, int64_t expected, int64_t extra) {
  return fmt::format(
      "{}: IDX file has {} unexpected trailing byte(s): expected exactly {} bytes "
      "of data after the header",
      path,
      extra,
      expected);
}

// Counts the bytes left in `f` without keeping them.
int64_t count_rest(gzFile f, const std::string& path, bool& ended_early) {
  std::vector<char> scratch(1 << 20);
  int64_t total = 0;
  while (true) {
    const int64_t got =
        read_some(f, scratch.data(), static_cast<int64_t>(scratch.size()), path, ended_early);
    total += got;
    if (got < static_cast<int64_t>(scratch.size())) {
      return total;
    }
  }
}

}  // namespace

int64_t IdxHeader::data_bytes() const {
  int64_t n = element_size(type);
  for (const int64_t d : dims) {
    n *= d;
  }
  return n;
}

torch::ScalarType idx_scalar_type(IdxType type) {
  switch (type) {
    case IdxType::ubyte:
      return torch::kUInt8;
    case IdxType::byte:
      return torch::kInt8;
    case IdxType::short_:
      return torch::kInt16;
    case IdxType::int_:
      return torch::kInt32;
    case IdxType::float_:
      return torch::kFloat32;
    case IdxType::double_:
      return torch::kFloat64;
  }
  return torch::kUInt8;
}

IdxHeader read_idx_header(const std::string& path) {
  return open_idx(path).header;
}

torch::Tensor read_idx(const std::string& path) {
  OpenIdx idx = open_idx(path);
  gzFile f = idx.file.get();
  const int64_t expected = idx.header.data_bytes();

  // Raw files: the size on disk says everything before any allocation.
  if (gzdirect(f) == 1 && idx.file_bytes >= 0) {
    const int64_t available = idx.file_bytes - idx.header_bytes;
    if (available < expected) {
      throw DataError(truncated_message(path, expected, available, false));
    }
    if (available > expected) {
      throw DataError(trailing_message(path, expected, available - expected));
    }
  } else if (idx.file_bytes >= 0 && expected / 1100 > idx.file_bytes + 65536) {
    // Deflate expands at most ~1032:1, so this payload cannot be there: count what is,
    // instead of allocating what the header claims.
    const int64_t found = count_rest(f, path, idx.gzip_ended_early);
    throw DataError(truncated_message(path, expected, found, idx.gzip_ended_early));
  }

  torch::Tensor out = torch::empty(idx.header.dims, torch::dtype(idx_scalar_type(idx.header.type)));
  const int64_t got = read_some(f, out.data_ptr(), expected, path, idx.gzip_ended_early);
  if (got < expected) {
    throw DataError(truncated_message(path, expected, got, idx.gzip_ended_early));
  }
  const int64_t extra = count_rest(f, path, idx.gzip_ended_early);
  if (extra > 0) {
    throw DataError(trailing_message(path, expected, extra));
  }
  if (idx.gzip_ended_early) {
    throw DataError(
        fmt::format("{}: the gzip stream ends early (after all {} bytes of IDX data; "
                    "the file was cut short)",
                    path,
                    expected));
  }
  swap_bytes(out.data_ptr(), out.numel(), element_size(idx.header.type));
  return out;
}

void write_idx(const std::string& path, const torch::Tensor& t, bool gzip) {
  TORCH_CHECK(t.defined(), "write_idx: tensor is undefined");
  TORCH_CHECK(t.dim() >= 1 && t.dim() <= 4, "write_idx: expected 1 to 4 dimensions, got ", t.dim());
  uint8_t code = 0;
  switch (t.scalar_type()) {
    case torch::kUInt8:
      code = 0x08;
      break;
    case torch::kInt8:
      code = 0x09;
      break;
    case torch::kInt16:
      code = 0x0B;
      break;
    case torch::kInt32:
      code = 0x0C;
      break;
    case torch::kFloat32:
      code = 0x0D;
      break;
    case torch::kFloat64:
      code = 0x0E;
      break;
    default:
      TORCH_CHECK(false,
                  "write_idx: unsupported dtype ",
                  t.scalar_type(),
                  " (expected uint8, int8, int16, int32, float32 or float64)");
  }
  for (int64_t d = 0; d < t.dim(); ++d) {
    TORCH_CHECK(t.size(d) > 0 && t.size(d) <= int64_t(UINT32_MAX),
                "write_idx: dimension ",
                d,
                " has size ",
                t.size(d),
                ", expected 1 to 2^32-1");
  }

  const torch::Tensor data = t.to(torch::kCPU).contiguous().clone();
  swap_bytes(data.data_ptr(), data.numel(), data.element_size());
  std::string header;
  header.push_back(0);
  header.push_back(0);
  header.push_back(static_cast<char>(code));
  header.push_back(static_cast<char>(t.dim()));
  for (int64_t d = 0; d < t.dim(); ++d) {
    const auto s = static_cast<uint32_t>(t.size(d));
    header.push_back(static_cast<char>(s >> 24));
    header.push_back(static_cast<char>((s >> 16) & 0xFF));
    header.push_back(static_cast<char>((s >> 8) & 0xFF));
    header.push_back(static_cast<char>(s & 0xFF));
  }

  const std::string tmp = fmt::format("{}.tmp{}", path, static_cast<long>(::getpid()));
  auto fail = [&](const std::string& why) {
    std::error_code ec;
    fs::remove(tmp, ec);
    throw DataError(fmt::format("{}: cannot write IDX file ({})", path, why));
  };
  errno = 0;
  gzFile f = gzopen(tmp.c_str(), gzip ? "wb6" : "wbT");
  if (f == nullptr) {
    fail(errno != 0 ? std::strerror(errno) : "zlib could not open it");
  }
  auto write_all = [&](const char* p, int64_t n) {
    while (n > 0) {
      const auto chunk = static_cast<unsigned>(std::min<int64_t>(n, 1 << 30));
      const int w = gzwrite(f, p, chunk);
      if (w <= 0) {
        return false;
      }
      p += w;
      n -= w;
    }
    return true;
  };
  const int64_t nbytes = data.numel() * data.element_size();
  const bool ok = write_all(header.data(), static_cast<int64_t>(header.size())) &&
                  write_all(static_cast<const char*>(data.data_ptr()), nbytes);
  const int closed = gzclose(f);
  if (!ok || closed != Z_OK) {
    fail(errno != 0 ? std::strerror(errno) : "write error");
  }
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) {
    fail(ec.message());
  }
}

}  // namespace aezoo

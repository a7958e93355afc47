#include "core/io.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>

#include "core/error.h"

namespace aezoo {

namespace {
void fsync_path(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
}

std::string temp_name(const std::string& path) {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  return path + ".tmp" + std::to_string(::getpid()) + "_" + std::to_string(rng() % 1000000);
}
}  // namespace

void write_atomic_with(const std::string& path,
                       const std::function<void(const std::string&)>& write) {
  namespace fs = std::filesystem;
  const fs::path target(path);
  if (target.has_parent_path()) {
    std::error_code ec;
    fs::create_directories(target.parent_path(), ec);
    if (ec)
      throw Error(path + ": cannot create folder (" + ec.message() + ")");
  }
  const std::string tmp = temp_name(path);
  try {
    write(tmp);
  } catch (...) {
    std::error_code ec;
    fs::remove(tmp, ec);
    throw;
  }
  fsync_path(tmp);
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    const std::string why = std::strerror(errno);
    std::error_code ec;
    fs::remove(tmp, ec);
    throw Error(path + ": cannot write (" + why + ")");
  }
  if (target.has_parent_path())
    fsync_path(target.parent_path().string());
}

void write_file_atomic(const std::string& path, const std::string& text) {
  write_atomic_with(path, [&](const std::string& tmp) {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    if (!f)
      throw Error(path + ": cannot write (" + std::strerror(errno) + ")");
    f << text;
    f.flush();
    if (!f)
      throw Error(path + ": cannot write (disk full?)");
  });
}

std::string read_text_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f)
    throw Error(path + ": cannot read (" + std::strerror(errno) + ")");
  return std::string(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
}

}  // namespace aezoo

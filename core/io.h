#pragma once
// File helpers with the "nothing half-written" guarantee.
#include <functional>
#include <string>

namespace aezoo {

/// Writes `text` to `path` atomically: a temporary file in the same folder is written,
/// flushed and fsync'ed, then renamed over `path`. A crash leaves the old file intact.
/// Throws aezoo::Error naming the path on failure.
void write_file_atomic(const std::string& path, const std::string& text);

/// Like write_file_atomic, but `write` fills the temporary file at the path it is given
/// (e.g. torch::save or stbi_write_png). The rename happens only if `write` returns normally.
void write_atomic_with(const std::string& path,
                       const std::function<void(const std::string&)>& write);

/// Reads a whole file; throws aezoo::Error "PATH: cannot read (reason)".
std::string read_text_file(const std::string& path);

}  // namespace aezoo

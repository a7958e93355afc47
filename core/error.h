#pragma once
// Error types that reach the user. The CLI prints `error: <what()>` on one line and exits 1.
#include <stdexcept>
#include <string>

namespace aezoo {

/// An error in user input (a file, a key, a record). The message names where and what was
/// expected; it never needs a stack trace to be understood.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// An experiment file or override that does not match the schema.
/// Message form: `FILE:LINE: key 'a.b.c': expected ..., got ...`.
class ConfigError : public Error {
 public:
  using Error::Error;
};

/// A data file that cannot be read or has the wrong format.
/// Message form: `FILE: what is wrong (expected ..., found ...)`.
class DataError : public Error {
 public:
  using Error::Error;
};

/// A non-finite loss during training. The last good checkpoint is kept.
class DivergenceError : public Error {
 public:
  using Error::Error;
};

}  // namespace aezoo

#pragma once
// Strict reading of YAML experiment files. A ConfigNode wraps one mapping of the document,
// remembers which keys were read (those are the allowed keys), records every value read
// (defaults included) into the resolved config, and reports errors as
//   FILE:LINE: key 'model.latent_dim': expected an integer >= 1, got 'abc'
// yaml-cpp stays behind this interface (pimpl): models/ and trainers/ never see it.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace aezoo {

struct ConfigDoc;  // the parsed document, its file name, overrides and resolved tree

/// One end of a numeric range for ConfigNode::get_number. `open` excludes the value itself:
/// `Bound{0, true}` reads "> 0", `Bound{0}` reads ">= 0".
struct Bound {
  double value = 0.0;
  /// Exclude `value` from the range. Default: false (closed bound).
  bool open = false;
};

/// A view of one mapping of an experiment document. Cheap to copy; copies share the document,
/// the record of keys read and the resolved tree.
///
/// Rules every reader follows (so all sections behave alike):
/// - A getter marks its key as read; finish() rejects every key of the mapping not read.
/// - Scalars: any non-empty scalar is a string (quoted or not); integers are decimal
///   ([+-]digits, no fraction or exponent); numbers are decimal or scientific (1e-3,
///   1.0e-3, 5) and finite; booleans are exactly `true` or `false`. An empty value (`key:`,
///   `~`, `null`) is an error for every scalar getter.
/// - An empty value or an absent key is an empty mapping for child() and child_or_type().
/// - Duplicate keys and non-scalar keys are errors at load time.
/// - Lines in messages are 1-based. Values that came from apply_overrides() are reported as
///   "command-line override a.b=v: ..." instead of FILE:LINE.
class ConfigNode {
 public:
  /// Parses `path`; throws ConfigError ("FILE: cannot read (No such file or directory)" /
  /// "FILE:LINE: YAML syntax error: ..."). The document must be one YAML document whose top
  /// level is a mapping.
  static ConfigNode load_file(const std::string& path);
  /// Parses text (file_label is used in messages).
  static ConfigNode load_string(const std::string& text, const std::string& file_label);

  /// Applies `a.b.c=value` overrides (value parsed as YAML) before anything is read.
  /// Creates missing intermediate mappings; a value replaces whatever was at its path
  /// (mappings are not merged). A scalar on the way is read as {type: scalar}, so
  /// `trainer.optimizer.lr=0.1` works on `optimizer: sgd`. Throws ConfigError
  /// "override 'xyz': expected key.path=value" for a malformed override.
  void apply_overrides(const std::vector<std::string>& overrides);

  /// Key path of this node, e.g. "model" ("" for the root).
  const std::string& path() const;
  /// File the document came from.
  const std::string& file() const;

  /// True when `key` is present in this mapping (an empty value counts). Does not mark the
  /// key as read.
  bool has(const std::string& key) const;

  // Typed getters. The `def` overloads return the default (and record it in the resolved
  // config) when the key is absent. Each throws ConfigError naming file, line and key path
  // when the value has the wrong type or is out of range.
  std::string get_string(const std::string& key, const std::optional<std::string>& def = {});
  /// One of `choices`; the error lists them.
  std::string get_choice(const std::string& key,
                         const std::vector<std::string>& choices,
                         const std::optional<std::string>& def = {});
  /// An integer in [min, max] (each bound inclusive; absent = unbounded).
  int64_t get_int(const std::string& key,
                  const std::optional<int64_t>& def = {},
                  std::optional<int64_t> min = {},
                  std::optional<int64_t> max = {});
  /// A finite number in [min, max] (each bound inclusive; absent = unbounded).
  double get_double(const std::string& key,
                    const std::optional<double>& def = {},
                    std::optional<double> min = {},
                    std::optional<double> max = {});
  /// A finite number between `lo` and `hi`, each open or closed (absent = unbounded), e.g.
  /// get_number("lr", 1e-3, Bound{0, true}) -> "expected a number > 0, got -1".
  double get_number(const std::string& key,
                    const std::optional<double>& def,
                    std::optional<Bound> lo,
                    std::optional<Bound> hi = {});
  /// `true` or `false`.
  bool get_bool(const std::string& key, const std::optional<bool>& def = {});
  /// A YAML list of integers, each >= min, e.g. [64, 32]; an empty list is allowed.
  std::vector<int64_t> get_int_list(const std::string& key,
                                    const std::optional<std::vector<int64_t>>& def = {},
                                    std::optional<int64_t> min = {});

  /// A nested mapping (an empty one when absent and `required` is false).
  ConfigNode child(const std::string& key, bool required = false);
  /// Like child(), but a scalar value `v` is read as the mapping {type: v} (so both
  /// `optimizer: adam` and `optimizer: {type: adam, lr: 1e-3}` work).
  ConfigNode child_or_type(const std::string& key);

  /// Throws ConfigError for the first key present in this mapping that was never read,
  /// listing the allowed (read) keys. Call after reading every key of a section.
  void finish() const;

  /// Throws ConfigError for `key` with a custom explanation (used by callers that check
  /// relations between keys, e.g. "must be smaller than batch_size").
  [[noreturn]] void fail(const std::string& key, const std::string& what) const;
  /// Throws ConfigError about this mapping as a whole ("FILE:LINE: key 'model': what"), e.g.
  /// for an option check that involves several keys.
  [[noreturn]] void fail_here(const std::string& what) const;

  /// The resolved document (every value read, defaults included, keys in the order read,
  /// numbers normalised: 1e-3 -> 0.001) as YAML text that loads back to the same values.
  /// Covers the whole document, whichever node it is called on.
  std::string resolved_yaml() const;

 private:
  ConfigNode(std::shared_ptr<ConfigDoc> doc, std::string path);
  std::shared_ptr<ConfigDoc> doc_;
  std::string path_;
};

}  // namespace aezoo

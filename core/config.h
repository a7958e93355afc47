#pragma once
// Strict reading of YAML experiment files. A ConfigNode wraps one mapping of the document,
// remembers which keys were read (those are the allowed keys), records every value read
// (defaults included) into the resolved config, and reports errors as
//   FILE:LINE: key 'model.latent_dim': expected a positive integer, got 'abc'
// yaml-cpp stays behind this interface (pimpl): models/ and trainers/ never see it.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace aezoo {

struct ConfigDoc;  // the parsed document, its file name, overrides and resolved tree

class ConfigNode {
 public:
  /// Parses `path`; throws ConfigError ("FILE: cannot read ..." / "FILE:LINE: YAML syntax
  /// error: ...").
  static ConfigNode load_file(const std::string& path);
  /// Parses text (file_label is used in messages).
  static ConfigNode load_string(const std::string& text, const std::string& file_label);

  /// Applies `a.b.c=value` overrides (value parsed as YAML) before anything is read.
  /// Creates missing intermediate mappings. Throws ConfigError naming the override.
  void apply_overrides(const std::vector<std::string>& overrides);

  /// Key path of this node, e.g. "model" ("" for the root).
  const std::string& path() const;
  /// File the document came from.
  const std::string& file() const;

  bool has(const std::string& key) const;

  // Typed getters. The `def` overloads return the default (and record it in the resolved
  // config) when the key is absent. Each throws ConfigError naming file, line and key path
  // when the value has the wrong type or is out of range.
  std::string get_string(const std::string& key, const std::optional<std::string>& def = {});
  /// One of `choices`; the error lists them.
  std::string get_choice(const std::string& key,
                         const std::vector<std::string>& choices,
                         const std::optional<std::string>& def = {});
  int64_t get_int(const std::string& key,
                  const std::optional<int64_t>& def = {},
                  std::optional<int64_t> min = {},
                  std::optional<int64_t> max = {});
  double get_double(const std::string& key,
                    const std::optional<double>& def = {},
                    std::optional<double> min = {},
                    std::optional<double> max = {});
  bool get_bool(const std::string& key, const std::optional<bool>& def = {});
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

  /// The resolved document (every value read, defaults included) as YAML text.
  std::string resolved_yaml() const;

 private:
  ConfigNode(std::shared_ptr<ConfigDoc> doc, std::string path);
  std::shared_ptr<ConfigDoc> doc_;
  std::string path_;
};

}  // namespace aezoo

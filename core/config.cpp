#include "core/config.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <utility>

#include "core/error.h"

namespace aezoo {

namespace config_detail {

/// The resolved tree: mappings in the order their keys were first read, scalars as YAML text
/// ready to emit (strings already quoted where needed, lists in flow style).
struct Resolved {
  bool is_map = true;
  std::string text;
  std::vector<std::pair<std::string, std::unique_ptr<Resolved>>> entries;

  Resolved& entry(const std::string& key) {
    for (auto& [k, child] : entries) {
      if (k == key) {
        return *child;
      }
    }
    entries.emplace_back(key, std::make_unique<Resolved>());
    return *entries.back().second;
  }
};

}  // namespace config_detail

struct ConfigDoc {
  std::string file;
  /// The input document (a mapping), overrides applied.
  YAML::Node root;
  config_detail::Resolved resolved;
  /// Key path of each mapping -> keys read from it, in the order first read.
  std::map<std::string, std::vector<std::string>> read_keys;
  struct Override {
    std::string path;  // e.g. "trainer.epochs"
    std::string text;  // as given, e.g. "trainer.epochs=2"
  };
  std::vector<Override> overrides;
};

namespace {

using config_detail::Resolved;

constexpr int kMaxDepth = 64;

std::string join_path(const std::string& path, const std::string& key) {
  return path.empty() ? key : path + "." + key;
}

std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> parts;
  if (path.empty()) {
    return parts;
  }
  size_t start = 0;
  while (true) {
    const size_t dot = path.find('.', start);
    parts.push_back(path.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
    if (dot == std::string::npos) {
      break;
    }
    start = dot + 1;
  }
  return parts;
}

std::string trim(const std::string& s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) {
    ++b;
  }
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) {
    --e;
  }
  return s.substr(b, e - b);
}

std::string join_list(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) {
    out += (out.empty() ? "" : ", ") + item;
  }
  return out;
}

/// 1-based line of a node, 0 when unknown (nodes made by overrides have no position).
int line_of(const YAML::Node& node) {
  if (!node.IsDefined() || node.Mark().is_null()) {
    return 0;
  }
  return node.Mark().line + 1;
}

/// Line of a key's value for messages: the value's own line, or the key's for an empty value
/// (yaml-cpp places an empty value where the next token starts) and for override nodes.
int value_line(const YAML::Node& key, const YAML::Node& value) {
  const int line = value.IsNull() ? 0 : line_of(value);
  return line > 0 ? line : line_of(key);
}

/// A key and its value inside the document. Assignment rebinds the handles: the default
/// (YAML::Node::operator=) would write one node's content into the other, inside the document.
struct Found {
  bool present = false;
  YAML::Node key;
  YAML::Node value;

  Found() = default;
  Found(const Found&) = default;
  Found& operator=(const Found& other) {
    present = other.present;
    key.reset(other.key);
    value.reset(other.value);
    return *this;
  }
};

Found find_key(const YAML::Node& map, const std::string& key) {
  Found found;
  if (!map.IsMap()) {
    return found;
  }
  for (auto it = map.begin(); it != map.end(); ++it) {
    if (it->first.IsScalar() && it->first.Scalar() == key) {
      found.present = true;
      found.key.reset(it->first);
      found.value.reset(it->second);
      return found;
    }
  }
  return found;
}

/// Walks `path` from the root. (Node handles are rebound with reset(): assigning one
/// YAML::Node to another would overwrite the document.)
Found locate(const ConfigDoc& doc, const std::string& path) {
  Found found;
  found.present = true;
  found.value.reset(doc.root);
  for (const auto& part : split_path(path)) {
    found = find_key(found.value, part);
    if (!found.present) {
      return found;
    }
  }
  return found;
}

/// True when `path` is `outer` or lies below it ("a.b" covers "a.b", "a.b.c", "a.b[0]").
bool path_covers(const std::string& outer, const std::string& path) {
  return path == outer ||
         (path.size() > outer.size() && path.compare(0, outer.size(), outer) == 0 &&
          (path[outer.size()] == '.' || path[outer.size()] == '['));
}

/// "command-line override a.b=v: " when an override set `path` or a mapping above it,
/// else "FILE:LINE: " (or "FILE: " when the line is unknown).
std::string where(const ConfigDoc& doc, const std::string& path, int line) {
  const ConfigDoc::Override* best = nullptr;
  for (const auto& o : doc.overrides) {
    if (path_covers(o.path, path) && (best == nullptr || o.path.size() >= best->path.size())) {
      best = &o;
    }
  }
  if (best != nullptr) {
    return "command-line override " + best->text + ": ";
  }
  if (line > 0) {
    return doc.file + ":" + std::to_string(line) + ": ";
  }
  return doc.file + ": ";
}

/// Line of the key that introduces `path` (its value's line for the root, 0 when absent).
int key_line(const ConfigDoc& doc, const std::string& path) {
  if (path.empty()) {
    return 0;
  }
  const Found f = locate(doc, path);
  if (!f.present) {
    return 0;
  }
  const int line = line_of(f.key);
  return line > 0 ? line : line_of(f.value);
}

std::string quoted_got(const std::string& text) {
  constexpr size_t kMax = 60;
  if (text.size() > kMax) {
    return "'" + text.substr(0, kMax) + "...'";
  }
  return "'" + text + "'";
}

/// How a non-scalar (or empty) value reads in "got ..." messages.
std::string describe_node(const YAML::Node& node) {
  if (node.IsMap()) {
    return "a mapping";
  }
  if (node.IsSequence()) {
    return "a list";
  }
  if (node.IsNull()) {
    return "an empty value";
  }
  return "the scalar " + quoted_got(node.Scalar());
}

[[noreturn]] void throw_value_error(const ConfigDoc& doc,
                                    const std::string& path,
                                    int line,
                                    const std::string& expected,
                                    const std::string& got) {
  throw ConfigError(where(doc, path, line) + "key '" + path + "': expected " + expected + ", got " +
                    got);
}

[[noreturn]] void throw_missing(const ConfigDoc& doc,
                                const std::string& parent,
                                const std::string& path) {
  throw ConfigError(where(doc, parent, key_line(doc, parent)) + "missing required key '" + path +
                    "'");
}

// ---- scalar parsing --------------------------------------------------------------------------

bool parse_int(const std::string& text, int64_t& out, bool& overflow) {
  overflow = false;
  const char* first = text.data();
  const char* last = text.data() + text.size();
  if (first != last && *first == '+') {
    ++first;
    if (first != last && *first == '-') {
      return false;
    }
  }
  if (first == last) {
    return false;
  }
  const auto [ptr, ec] = std::from_chars(first, last, out, 10);
  if (ec == std::errc::result_out_of_range && ptr == last) {
    overflow = true;
    return false;
  }
  return ec == std::errc() && ptr == last;
}

bool parse_number(const std::string& text, double& out, bool& overflow) {
  overflow = false;
  const char* first = text.data();
  const char* last = text.data() + text.size();
  if (first != last && *first == '+') {
    ++first;
    if (first != last && *first == '-') {
      return false;
    }
  }
  if (first == last) {
    return false;
  }
  // from_chars also reads "inf", "nan" and hex digits after "0x"-less input; only decimal
  // and scientific notation are numbers here.
  for (const char* p = first; p != last; ++p) {
    if (!(std::isdigit(static_cast<unsigned char>(*p)) || *p == '.' || *p == 'e' || *p == 'E' ||
          *p == '-' || *p == '+')) {
      return false;
    }
  }
  const auto [ptr, ec] = std::from_chars(first, last, out, std::chars_format::general);
  if (ec == std::errc::result_out_of_range && ptr == last) {
    overflow = true;
    return false;
  }
  return ec == std::errc() && ptr == last && std::isfinite(out);
}

// ---- formatting ------------------------------------------------------------------------------

/// Shortest decimal text that reads back to exactly `v` ("0.001", "1e-08", "2000").
std::string shortest_double(double v) {
  char buf[64];
  const auto res = std::to_chars(buf, buf + sizeof(buf), v);
  return std::string(buf, res.ptr);
}

/// A number as YAML text that every YAML reader takes for a float: "3.0", "1.0e-08".
std::string yaml_double(double v) {
  std::string s = shortest_double(v);
  const size_t e = s.find('e');
  if (s.find('.') == std::string::npos) {
    if (e == std::string::npos) {
      s += ".0";
    } else {
      s.insert(e, ".0");
    }
  }
  return s;
}

std::string bound_text(const Bound& b) {
  return shortest_double(b.value);
}

std::string range_text(const std::optional<Bound>& lo, const std::optional<Bound>& hi) {
  if (lo && hi) {
    return std::string(" in ") + (lo->open ? "(" : "[") + bound_text(*lo) + ", " + bound_text(*hi) +
           (hi->open ? ")" : "]");
  }
  if (lo) {
    return (lo->open ? " > " : " >= ") + bound_text(*lo);
  }
  if (hi) {
    return (hi->open ? " < " : " <= ") + bound_text(*hi);
  }
  return "";
}

std::string int_range_text(const std::optional<int64_t>& min, const std::optional<int64_t>& max) {
  if (min && max) {
    return " in [" + std::to_string(*min) + ", " + std::to_string(*max) + "]";
  }
  if (min) {
    return " >= " + std::to_string(*min);
  }
  if (max) {
    return " <= " + std::to_string(*max);
  }
  return "";
}

/// True when `s` can be written unquoted and reads back as the same string in any YAML reader
/// (not a number, boolean or null; no indicator characters).
bool plain_safe(const std::string& s) {
  if (s.empty()) {
    return false;
  }
  const unsigned char c0 = static_cast<unsigned char>(s[0]);
  if (!(std::isalpha(c0) || c0 == '_' || c0 == '/')) {
    return false;
  }
  for (const char ch : s) {
    const unsigned char c = static_cast<unsigned char>(ch);
    if (!(std::isalnum(c) || c == '_' || c == '.' || c == '/' || c == '-' || c == '+')) {
      return false;
    }
  }
  std::string lower = s;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) {
    return static_cast<char>(std::tolower(c));
  });
  static const char* const kReserved[] = {
      "true", "false", "yes", "no", "on", "off", "y", "n", "null", "nan", "inf"};
  for (const char* r : kReserved) {
    if (lower == r) {
      return false;
    }
  }
  return true;
}

std::string yaml_string(const std::string& s) {
  if (plain_safe(s)) {
    return s;
  }
  std::string out = "\"";
  for (const char ch : s) {
    const unsigned char c = static_cast<unsigned char>(ch);
    switch (ch) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        if (c < 0x20 || c == 0x7f) {
          static const char* const kHex = "0123456789abcdef";
          out += "\\x";
          out += kHex[c >> 4];
          out += kHex[c & 15];
        } else {
          out += ch;
        }
    }
  }
  return out + "\"";
}

void emit(const Resolved& node, int indent, std::string& out) {
  for (const auto& [key, child] : node.entries) {
    out.append(static_cast<size_t>(indent), ' ');
    out += yaml_string(key) + ":";
    if (!child->is_map) {
      out += " " + child->text + "\n";
    } else if (child->entries.empty()) {
      out += " {}\n";
    } else {
      out += "\n";
      emit(*child, indent + 2, out);
    }
  }
}

/// Records `text` (YAML) at `path` of the resolved tree (mappings on the way are created).
void record(ConfigDoc& doc, const std::string& path, const std::string& text) {
  Resolved* node = &doc.resolved;
  for (const auto& part : split_path(path)) {
    if (!node->is_map) {
      node->is_map = true;
      node->text.clear();
    }
    node = &node->entry(part);
  }
  node->is_map = false;
  node->entries.clear();
  node->text = text;
}

void record_map(ConfigDoc& doc, const std::string& path) {
  Resolved* node = &doc.resolved;
  for (const auto& part : split_path(path)) {
    if (!node->is_map) {
      node->is_map = true;
      node->text.clear();
    }
    node = &node->entry(part);
  }
  if (!node->is_map) {
    node->is_map = true;
    node->text.clear();
  }
}

void note_read(ConfigDoc& doc, const std::string& path, const std::string& key) {
  auto& keys = doc.read_keys[path];
  if (std::find(keys.begin(), keys.end(), key) == keys.end()) {
    keys.push_back(key);
  }
}

/// A present scalar: its text and line.
struct Scalar {
  std::string text;
  int line = 0;
};

/// Marks `key` read and returns its scalar text; nullopt when absent and `has_default`.
/// Throws for a missing required key and for a value that is not a non-empty scalar.
std::optional<Scalar> read_scalar(ConfigDoc& doc,
                                  const std::string& parent,
                                  const std::string& key,
                                  const std::string& expected,
                                  bool has_default) {
  note_read(doc, parent, key);
  const std::string path = join_path(parent, key);
  const Found f = locate(doc, path);
  if (!f.present) {
    if (has_default) {
      return std::nullopt;
    }
    throw_missing(doc, parent, path);
  }
  const int line = value_line(f.key, f.value);
  if (!f.value.IsScalar()) {
    throw_value_error(doc, path, line, expected, describe_node(f.value));
  }
  return Scalar{f.value.Scalar(), line};
}

int64_t scalar_to_int(const ConfigDoc& doc,
                      const std::string& path,
                      const Scalar& s,
                      const std::optional<int64_t>& min,
                      const std::optional<int64_t>& max) {
  const std::string expected = "an integer" + int_range_text(min, max);
  int64_t value = 0;
  bool overflow = false;
  if (!parse_int(s.text, value, overflow)) {
    throw_value_error(doc,
                      path,
                      s.line,
                      expected,
                      quoted_got(s.text) + (overflow ? " (out of the 64-bit range)" : ""));
  }
  if ((min && value < *min) || (max && value > *max)) {
    throw_value_error(doc, path, s.line, expected, s.text);
  }
  return value;
}

/// Checks what the config layer relies on: keys are scalars, no key appears twice in a
/// mapping, nesting is bounded. `origin` prefixes messages for override values.
void check_keys(const YAML::Node& node,
                const std::string& path,
                const std::string& file,
                const std::string* origin,
                int depth) {
  auto prefix = [&](int line) {
    if (origin != nullptr) {
      return "command-line override " + *origin + ": ";
    }
    return line > 0 ? file + ":" + std::to_string(line) + ": " : file + ": ";
  };
  if (depth > kMaxDepth) {
    throw ConfigError(prefix(line_of(node)) + "key '" + path + "': nested deeper than " +
                      std::to_string(kMaxDepth) + " levels");
  }
  if (node.IsMap()) {
    std::map<std::string, int> seen;
    for (auto it = node.begin(); it != node.end(); ++it) {
      const int line = line_of(it->first);
      if (!it->first.IsScalar()) {
        throw ConfigError(prefix(line) + "in " +
                          (path.empty() ? "the top level" : "'" + path + "'") +
                          ": expected a name as key, got " + describe_node(it->first));
      }
      const std::string key = it->first.Scalar();
      const std::string child = join_path(path, key);
      const auto [pos, inserted] = seen.emplace(key, line);
      if (!inserted) {
        throw ConfigError(prefix(line) + "duplicate key '" + child + "'" +
                          (origin == nullptr && pos->second > 0
                               ? " (first on line " + std::to_string(pos->second) + ")"
                               : ""));
      }
      check_keys(it->second, child, file, origin, depth + 1);
    }
  } else if (node.IsSequence()) {
    for (size_t i = 0; i < node.size(); ++i) {
      check_keys(node[i], path + "[" + std::to_string(i) + "]", file, origin, depth + 1);
    }
  }
}

/// yaml-cpp reports an unclosed '[' or '{' where it gave up (often the next line or the end of
/// the file). Finds the line of the bracket left open before (line, column), or 0. Quotes are
/// recognised where a quoted scalar can start; comments start at '#' after a space.
int unclosed_bracket_line(const std::string& text, int err_line, int err_col) {
  std::vector<int> open_lines;
  int line = 0, col = 0;
  char quote = 0;
  char prev = '\n';
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (line > err_line || (line == err_line && col >= err_col)) {
      break;
    }
    if (quote != 0) {
      if (c == '\\' && quote == '"' && i + 1 < text.size()) {
        ++i;
        ++col;
      } else if (c == quote) {
        quote = 0;
      }
    } else if (c == '#' && (prev == ' ' || prev == '\t' || prev == '\n')) {
      while (i + 1 < text.size() && text[i + 1] != '\n') {
        ++i;
      }
    } else if ((c == '"' || c == '\'') &&
               (prev == ' ' || prev == '\t' || prev == '\n' || prev == '[' || prev == '{' ||
                prev == ',' || prev == ':')) {
      quote = c;
    } else if (c == '[' || c == '{') {
      open_lines.push_back(line);
    } else if ((c == ']' || c == '}') && !open_lines.empty()) {
      open_lines.pop_back();
    }
    prev = c;
    if (c == '\n') {
      ++line;
      col = 0;
    } else {
      ++col;
    }
  }
  return open_lines.empty() ? 0 : open_lines.back() + 1;
}

std::string syntax_error(const std::string& label,
                         const std::string& text,
                         const YAML::Exception& e) {
  int line = e.mark.is_null() ? 0 : e.mark.line + 1;
  std::string msg = e.msg;
  if (line > 0 && msg.find("flow not found") != std::string::npos) {
    const int open = unclosed_bracket_line(text, e.mark.line, e.mark.column);
    if (open > 0 && open != line) {
      msg += " (bracket opened on line " + std::to_string(open) + " is never closed)";
      line = open;
    }
  }
  return (line > 0 ? label + ":" + std::to_string(line) : label) + ": YAML syntax error: " + msg;
}

/// Rewrites a scalar value `s` in place into the mapping {type: s}; the `type` node keeps the
/// scalar's position for messages.
void scalar_to_type_map(YAML::Node value) {
  YAML::Node map(YAML::NodeType::Map);
  map["type"] = value;  // shares the scalar's data (and its mark)
  value = map;          // the document's node now holds the mapping
}

}  // namespace

// ---- loading ---------------------------------------------------------------------------------

ConfigNode::ConfigNode(std::shared_ptr<ConfigDoc> doc, std::string path)
    : doc_(std::move(doc)), path_(std::move(path)) {}

ConfigNode ConfigNode::load_file(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    throw ConfigError(path + ": cannot read (" + std::strerror(EISDIR) + ")");
  }
  errno = 0;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    const int err = errno != 0 ? errno : ENOENT;
    throw ConfigError(path + ": cannot read (" + std::strerror(err) + ")");
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) {
    throw ConfigError(path + ": cannot read (I/O error)");
  }
  return load_string(text.str(), path);
}

ConfigNode ConfigNode::load_string(const std::string& text, const std::string& file_label) {
  std::vector<YAML::Node> docs;
  try {
    docs = YAML::LoadAll(text);
  } catch (const YAML::Exception& e) {
    throw ConfigError(syntax_error(file_label, text, e));
  }
  if (docs.empty() || docs[0].IsNull()) {
    throw ConfigError(file_label + ": empty document (expected a mapping of key: value pairs)");
  }
  if (docs.size() > 1) {
    const int line = line_of(docs[1]);
    throw ConfigError((line > 0 ? file_label + ":" + std::to_string(line) : file_label) +
                      ": expected one YAML document, found " + std::to_string(docs.size()));
  }
  if (!docs[0].IsMap()) {
    const int line = line_of(docs[0]);
    throw ConfigError((line > 0 ? file_label + ":" + std::to_string(line) : file_label) +
                      ": expected a mapping (key: value pairs) at the top level, got " +
                      describe_node(docs[0]));
  }
  check_keys(docs[0], "", file_label, nullptr, 0);
  auto doc = std::make_shared<ConfigDoc>();
  doc->file = file_label;
  doc->root.reset(docs[0]);
  return ConfigNode(std::move(doc), "");
}

void ConfigNode::apply_overrides(const std::vector<std::string>& overrides) {
  ConfigDoc& doc = *doc_;
  for (const auto& text : overrides) {
    const size_t eq = text.find('=');
    const std::string key = eq == std::string::npos ? std::string() : trim(text.substr(0, eq));
    std::vector<std::string> parts = split_path(key);
    const bool bad_part = std::any_of(
        parts.begin(), parts.end(), [](const std::string& p) { return trim(p).empty(); });
    if (eq == std::string::npos || key.empty() || bad_part) {
      throw ConfigError("override '" + text + "': expected key.path=value");
    }
    for (auto& p : parts) {
      p = trim(p);
    }
    std::string full;
    for (const auto& p : parts) {
      full = join_path(full, p);
    }
    const std::string shown = full + "=" + text.substr(eq + 1);
    const std::string origin = "command-line override " + shown + ": ";

    YAML::Node value;
    try {
      value.reset(YAML::Load(text.substr(eq + 1)));
    } catch (const YAML::Exception& e) {
      throw ConfigError(origin + "YAML syntax error: " + e.msg);
    }
    check_keys(value, full, doc.file, &shown, static_cast<int>(parts.size()));

    // Walk to the parent mapping of the last part, creating mappings on the way.
    YAML::Node cur;
    cur.reset(doc.root);
    std::string walked;
    for (size_t i = 0; i + 1 < parts.size(); ++i) {
      walked = join_path(walked, parts[i]);
      Found f = find_key(cur, parts[i]);
      if (!f.present) {
        cur[parts[i]] = YAML::Node(YAML::NodeType::Map);
        f = find_key(cur, parts[i]);
      } else if (f.value.IsNull()) {
        f.value = YAML::Node(YAML::NodeType::Map);
        f = find_key(cur, parts[i]);
      } else if (f.value.IsScalar()) {
        scalar_to_type_map(f.value);
        f = find_key(cur, parts[i]);
      } else if (!f.value.IsMap()) {
        throw ConfigError(origin + "cannot set '" + full + "': '" + walked + "' is " +
                          describe_node(f.value) + ", not a mapping");
      }
      cur.reset(f.value);
    }
    cur[parts.back()] = value;
    // This value replaces earlier overrides of the same path or of paths below it.
    doc.overrides.erase(
        std::remove_if(doc.overrides.begin(),
                       doc.overrides.end(),
                       [&](const ConfigDoc::Override& o) { return path_covers(full, o.path); }),
        doc.overrides.end());
    doc.overrides.push_back({full, shown});
  }
}

// ---- queries ---------------------------------------------------------------------------------

const std::string& ConfigNode::path() const {
  return path_;
}

const std::string& ConfigNode::file() const {
  return doc_->file;
}

bool ConfigNode::has(const std::string& key) const {
  return locate(*doc_, join_path(path_, key)).present;
}

std::string ConfigNode::get_string(const std::string& key, const std::optional<std::string>& def) {
  const std::string path = join_path(path_, key);
  const auto s = read_scalar(*doc_, path_, key, "a string", def.has_value());
  const std::string value = s ? s->text : *def;
  record(*doc_, path, yaml_string(value));
  return value;
}

std::string ConfigNode::get_choice(const std::string& key,
                                   const std::vector<std::string>& choices,
                                   const std::optional<std::string>& def) {
  const std::string path = join_path(path_, key);
  const std::string expected = "one of " + join_list(choices);
  const auto s = read_scalar(*doc_, path_, key, expected, def.has_value());
  const std::string value = s ? s->text : *def;
  if (s && std::find(choices.begin(), choices.end(), value) == choices.end()) {
    throw_value_error(*doc_, path, s->line, expected, quoted_got(value));
  }
  record(*doc_, path, yaml_string(value));
  return value;
}

int64_t ConfigNode::get_int(const std::string& key,
                            const std::optional<int64_t>& def,
                            std::optional<int64_t> min,
                            std::optional<int64_t> max) {
  const std::string path = join_path(path_, key);
  const auto s =
      read_scalar(*doc_, path_, key, "an integer" + int_range_text(min, max), def.has_value());
  const int64_t value = s ? scalar_to_int(*doc_, path, *s, min, max) : *def;
  record(*doc_, path, std::to_string(value));
  return value;
}

double ConfigNode::get_double(const std::string& key,
                              const std::optional<double>& def,
                              std::optional<double> min,
                              std::optional<double> max) {
  std::optional<Bound> lo, hi;
  if (min) {
    lo = Bound{*min, false};
  }
  if (max) {
    hi = Bound{*max, false};
  }
  return get_number(key, def, lo, hi);
}

double ConfigNode::get_number(const std::string& key,
                              const std::optional<double>& def,
                              std::optional<Bound> lo,
                              std::optional<Bound> hi) {
  const std::string path = join_path(path_, key);
  const std::string expected = "a number" + range_text(lo, hi);
  const auto s = read_scalar(*doc_, path_, key, expected, def.has_value());
  double value = def.value_or(0.0);
  if (s) {
    bool overflow = false;
    if (!parse_number(s->text, value, overflow)) {
      throw_value_error(*doc_,
                        path,
                        s->line,
                        expected,
                        quoted_got(s->text) + (overflow ? " (out of the double range)" : ""));
    }
    const bool below = lo && (lo->open ? !(value > lo->value) : !(value >= lo->value));
    const bool above = hi && (hi->open ? !(value < hi->value) : !(value <= hi->value));
    if (below || above) {
      throw_value_error(*doc_, path, s->line, expected, s->text);
    }
  }
  record(*doc_, path, yaml_double(value));
  return value;
}

bool ConfigNode::get_bool(const std::string& key, const std::optional<bool>& def) {
  const std::string path = join_path(path_, key);
  const auto s = read_scalar(*doc_, path_, key, "true or false", def.has_value());
  bool value = def.value_or(false);
  if (s) {
    if (s->text == "true") {
      value = true;
    } else if (s->text == "false") {
      value = false;
    } else {
      throw_value_error(*doc_, path, s->line, "true or false", quoted_got(s->text));
    }
  }
  record(*doc_, path, value ? "true" : "false");
  return value;
}

std::vector<int64_t> ConfigNode::get_int_list(const std::string& key,
                                              const std::optional<std::vector<int64_t>>& def,
                                              std::optional<int64_t> min) {
  ConfigDoc& doc = *doc_;
  const std::string path = join_path(path_, key);
  const std::string expected =
      "a list of integers" + int_range_text(min, std::nullopt) + ", e.g. [64, 32]";
  note_read(doc, path_, key);
  const Found f = locate(doc, path);
  std::vector<int64_t> values;
  if (!f.present) {
    if (!def) {
      throw_missing(doc, path_, path);
    }
    values = *def;
  } else {
    const int line = value_line(f.key, f.value);
    if (!f.value.IsSequence()) {
      throw_value_error(doc, path, line, expected, describe_node(f.value));
    }
    for (size_t i = 0; i < f.value.size(); ++i) {
      const YAML::Node item = f.value[i];
      const std::string item_path = path + "[" + std::to_string(i) + "]";
      int item_line = line_of(item);
      if (item_line == 0) {
        item_line = line;
      }
      if (!item.IsScalar()) {
        throw_value_error(doc,
                          item_path,
                          item_line,
                          "an integer" + int_range_text(min, std::nullopt),
                          describe_node(item));
      }
      values.push_back(
          scalar_to_int(doc, item_path, Scalar{item.Scalar(), item_line}, min, std::nullopt));
    }
  }
  std::string text = "[";
  for (size_t i = 0; i < values.size(); ++i) {
    text += (i == 0 ? "" : ", ") + std::to_string(values[i]);
  }
  record(doc, path, text + "]");
  return values;
}

ConfigNode ConfigNode::child(const std::string& key, bool required) {
  ConfigDoc& doc = *doc_;
  const std::string path = join_path(path_, key);
  note_read(doc, path_, key);
  const Found f = locate(doc, path);
  if (!f.present) {
    if (required) {
      throw_missing(doc, path_, path);
    }
  } else if (!f.value.IsMap() && !f.value.IsNull()) {
    const int line = value_line(f.key, f.value);
    throw_value_error(doc, path, line, "a mapping (key: value pairs)", describe_node(f.value));
  }
  record_map(doc, path);
  return ConfigNode(doc_, path);
}

ConfigNode ConfigNode::child_or_type(const std::string& key) {
  ConfigDoc& doc = *doc_;
  const std::string path = join_path(path_, key);
  note_read(doc, path_, key);
  const Found f = locate(doc, path);
  if (f.present && f.value.IsSequence()) {
    const int line = value_line(f.key, f.value);
    throw_value_error(doc, path, line, "a type name or a mapping with a 'type' key", "a list");
  }
  if (f.present && f.value.IsScalar()) {
    scalar_to_type_map(f.value);
  }
  return child(key, false);
}

void ConfigNode::finish() const {
  const ConfigDoc& doc = *doc_;
  const Found f = locate(doc, path_);
  if (!f.present || !f.value.IsMap()) {
    return;
  }
  const auto it_keys = doc.read_keys.find(path_);
  static const std::vector<std::string> kNone;
  const auto& allowed = it_keys == doc.read_keys.end() ? kNone : it_keys->second;
  for (auto it = f.value.begin(); it != f.value.end(); ++it) {
    const std::string key = it->first.Scalar();
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      const std::string path = join_path(path_, key);
      throw ConfigError(where(doc, path, line_of(it->first)) + "unknown key '" + path + "' (" +
                        (allowed.empty() ? std::string("no keys allowed here")
                                         : "allowed: " + join_list(allowed)) +
                        ")");
    }
  }
}

void ConfigNode::fail(const std::string& key, const std::string& what) const {
  const ConfigDoc& doc = *doc_;
  const std::string path = join_path(path_, key);
  const Found f = locate(doc, path);
  int line = 0;
  if (f.present) {
    line = value_line(f.key, f.value);
  } else {
    line = key_line(doc, path_);
  }
  throw ConfigError(where(doc, f.present ? path : path_, line) + "key '" + path + "': " + what);
}

void ConfigNode::fail_here(const std::string& what) const {
  const ConfigDoc& doc = *doc_;
  if (path_.empty()) {
    throw ConfigError(doc.file + ": " + what);
  }
  throw ConfigError(where(doc, path_, key_line(doc, path_)) + "key '" + path_ + "': " + what);
}

std::string ConfigNode::resolved_yaml() const {
  std::string out;
  emit(doc_->resolved, 0, out);
  return out.empty() ? "{}\n" : out;
}

}  // namespace aezoo

#pragma once
// A small JSON value: enough for metrics.jsonl, eval output and export metadata.
// Objects keep insertion order so files read the way they were written.
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace aezoo {

class Json {
 public:
  enum class Type { null, boolean, number, string, array, object };

  Json() = default;
  Json(std::nullptr_t) {}
  Json(bool b) : type_(Type::boolean), bool_(b) {}
  Json(double v) : type_(Type::number), num_(v) {}
  Json(int v) : type_(Type::number), num_(v), integral_(true) {}
  Json(int64_t v) : type_(Type::number), num_(static_cast<double>(v)), integral_(true) {}
  Json(const char* s) : type_(Type::string), str_(s) {}
  Json(std::string s) : type_(Type::string), str_(std::move(s)) {}

  static Json array();
  static Json object();

  Type type() const {
    return type_;
  }
  bool is_null() const {
    return type_ == Type::null;
  }
  bool is_number() const {
    return type_ == Type::number;
  }
  bool is_string() const {
    return type_ == Type::string;
  }
  bool is_object() const {
    return type_ == Type::object;
  }
  bool is_array() const {
    return type_ == Type::array;
  }

  double as_number() const;
  int64_t as_int() const;
  bool as_bool() const;
  const std::string& as_string() const;

  /// Object access: inserts a null member when absent (like std::map).
  Json& operator[](const std::string& key);
  /// Object lookup; throws std::out_of_range naming the key when absent.
  const Json& at(const std::string& key) const;
  bool contains(const std::string& key) const;
  /// Array access.
  const Json& at(size_t i) const;
  void push_back(Json v);
  size_t size() const;
  /// Object members in insertion order.
  const std::vector<std::pair<std::string, Json>>& items() const;

  /// Compact one-line text (suitable for JSON Lines). Non-finite numbers become null.
  std::string dump() const;
  /// Parses text; throws std::runtime_error with the byte offset on malformed input.
  static Json parse(const std::string& text);

 private:
  void dump_to(std::string& out) const;
  Type type_ = Type::null;
  bool bool_ = false;
  double num_ = 0;
  bool integral_ = false;
  std::string str_;
  std::vector<Json> arr_;
  std::vector<std::pair<std::string, Json>> obj_;
};

}  // namespace aezoo

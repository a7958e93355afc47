#include "datasets/csv.h"

#include <fmt/format.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "core/error.h"

namespace aezoo {
namespace {

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r';
}

// [begin, end) of `s` without surrounding spaces, tabs and carriage returns.
std::pair<size_t, size_t> trim(const std::string& s, size_t begin, size_t end) {
  while (begin < end && is_space(s[begin])) {
    ++begin;
  }
  while (end > begin && is_space(s[end - 1])) {
    --end;
  }
  return {begin, end};
}

// Splits `line` at commas into trimmed [begin, end) ranges.
void split_cells(const std::string& line, std::vector<std::pair<size_t, size_t>>& cells) {
  cells.clear();
  size_t start = 0;
  while (true) {
    const size_t comma = line.find(',', start);
    const size_t end = comma == std::string::npos ? line.size() : comma;
    cells.push_back(trim(line, start, end));
    if (comma == std::string::npos) {
      break;
    }
    start = comma + 1;
  }
}

bool is_blank(const std::string& line) {
  for (const char c : line) {
    if (!is_space(c)) {
      return false;
    }
  }
  return true;
}

std::string unquote(std::string s) {
  if (s.size() >= 2 && s.front() == '"' && s.back() == '"') {
    s = s.substr(1, s.size() - 2);
  }
  return s;
}

bool parse_index(const std::string& s, int64_t& out) {
  if (s.empty() || s.size() > 12) {
    return false;
  }
  for (const char c : s) {
    if (c < '0' || c > '9') {
      return false;
    }
  }
  out = std::stoll(s);
  return true;
}

// Parses the whole of line[begin, end) as a finite number.
bool parse_number(const std::string& line, size_t begin, size_t end, double& out) {
  if (begin == end) {
    return false;
  }
  const char* first = line.c_str() + begin;
  char* stop = nullptr;
  out = std::strtod(first, &stop);
  return stop == line.c_str() + end && std::isfinite(out);
}

}  // namespace

CsvTable read_csv(const std::string& path, bool header, const std::string& label_column) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    throw DataError(fmt::format("{}: no such file", path));
  }
  if (std::filesystem::is_directory(path, ec)) {
    throw DataError(fmt::format("{}: is a directory, expected a CSV file", path));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw DataError(fmt::format("{}: cannot open for reading", path));
  }

  CsvTable table;
  std::vector<std::string> names;
  int64_t ncols = -1;
  int64_t reference_line = 0;
  int64_t label = -1;
  std::vector<float> values;
  std::vector<int64_t> labels;
  std::vector<std::pair<size_t, size_t>> cells;

  auto column_desc = [&](int64_t c) {
    if (header) {
      return fmt::format("column '{}' ({})", names[c], c);
    }
    return fmt::format("column {}", c);
  };

  // Resolves the label column once the number of columns (and names) is known.
  auto resolve_label = [&]() {
    if (label_column.empty()) {
      return;
    }
    if (header) {
      for (int64_t c = 0; c < ncols; ++c) {
        if (names[c] == label_column) {
          label = c;
          break;
        }
      }
    }
    int64_t index = 0;
    if (label < 0 && parse_index(label_column, index)) {
      if (index >= ncols) {
        throw DataError(
            fmt::format("{}: label column {} is out of range: the file has {} "
                        "columns (0-based indices 0 to {})",
                        path,
                        index,
                        ncols,
                        ncols - 1));
      }
      label = index;
    }
    if (label < 0) {
      if (header) {
        std::string all;
        for (const auto& n : names) {
          all += (all.empty() ? "'" : ", '") + n + "'";
        }
        throw DataError(fmt::format(
            "{}: no column named '{}' for the label (columns: {})", path, label_column, all));
      }
      throw DataError(
          fmt::format("{}: label column '{}' must be a 0-based column index, since "
                      "the file has no header",
                      path,
                      label_column));
    }
    table.label_name = header ? names[label] : std::to_string(label);
  };

  std::string line;
  int64_t line_no = 0;
  bool seen_first = false;
  while (std::getline(in, line)) {
    ++line_no;
    if (is_blank(line)) {
      continue;
    }
    split_cells(line, cells);
    const auto n = static_cast<int64_t>(cells.size());
    if (!seen_first) {
      seen_first = true;
      ncols = n;
      reference_line = line_no;
      if (header) {
        for (const auto& [b, e] : cells) {
          names.push_back(unquote(line.substr(b, e - b)));
        }
        resolve_label();
        continue;
      }
      resolve_label();
    }
    if (n != ncols) {
      throw DataError(fmt::format("{}:{}: expected {} columns (as in line {}), found {}",
                                  path,
                                  line_no,
                                  ncols,
                                  reference_line,
                                  n));
    }
    for (int64_t c = 0; c < n; ++c) {
      const auto [b, e] = cells[c];
      double v = 0;
      if (!parse_number(line, b, e, v)) {
        throw DataError(fmt::format("{}:{}: {}: expected a number, got '{}'",
                                    path,
                                    line_no,
                                    column_desc(c),
                                    line.substr(b, e - b)));
      }
      if (c == label) {
        if (v < 0 || v != std::floor(v) || v > 9.0e15) {
          throw DataError(fmt::format("{}:{}: {}: expected a non-negative integer label, got '{}'",
                                      path,
                                      line_no,
                                      column_desc(c),
                                      line.substr(b, e - b)));
        }
        labels.push_back(static_cast<int64_t>(v));
      } else {
        values.push_back(static_cast<float>(v));
      }
    }
  }
  if (in.bad()) {
    throw DataError(fmt::format("{}: read error", path));
  }

  const int64_t rows = label >= 0 ? static_cast<int64_t>(labels.size())
                                  : (ncols > 0 ? static_cast<int64_t>(values.size()) / ncols : 0);
  if (rows == 0) {
    throw DataError(fmt::format("{}: no data rows (expected at least one line of numbers{})",
                                path,
                                header ? " after the header" : ""));
  }
  const int64_t d = ncols - (label >= 0 ? 1 : 0);
  if (d == 0) {
    throw DataError(fmt::format(
        "{}: no feature columns: the only column is the label column '{}'", path, label_column));
  }
  table.num_file_columns = ncols;
  for (int64_t c = 0; c < ncols; ++c) {
    if (c != label) {
      table.columns.push_back(header ? names[c] : std::to_string(c));
    }
  }
  table.x = torch::from_blob(values.data(), {rows, d}, torch::kFloat32).clone();
  if (label >= 0) {
    table.y = torch::from_blob(labels.data(), {rows}, torch::kInt64).clone();
  }
  return table;
}

}  // namespace aezoo

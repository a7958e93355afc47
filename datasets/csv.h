#pragma once
// Numeric CSV tables: comma-separated, optional header row, optional label column.
#include <torch/torch.h>

#include <string>
#include <vector>

namespace aezoo {

/// A numeric table read from a CSV file.
struct CsvTable {
  /// Column names of the features in x: from the header, or "0", "1", ... (the 0-based
  /// column index in the file) without one. The label column is not included.
  std::vector<std::string> columns;
  /// Name of the label column ("" when there is none).
  std::string label_name;
  /// Total number of columns in the file, label column included.
  int64_t num_file_columns = 0;
  /// Features, float32 [N, D] (D = number of columns without the label column).
  torch::Tensor x;
  /// Labels, int64 [N] (non-negative integers), or undefined when there is no label column.
  torch::Tensor y;
};

/// Reads a numeric CSV table from `path`.
/// - Cells are separated by ','; spaces and tabs around a cell, a trailing '\r' (CRLF files)
///   and surrounding double quotes of header names are ignored; blank lines are skipped.
/// - `header` (default in DataOptions: true): the first non-blank line holds column names.
/// - `label_column`: "" for none; otherwise a header name or a 0-based column index whose
///   integer values (>= 0) become y and are left out of x.
/// Every cell must parse completely as a finite number. Throws aezoo::DataError:
/// "FILE: no such file", "FILE:LINE: column 'name' (3): expected a number, got 'abc'"
/// (the column index is 0-based; without a header the name is the index), "FILE:LINE:
/// expected 5 columns (as in line 1), found 4" for ragged rows, "FILE: no data rows",
/// and for a label column that does not exist or holds non-integer values.
CsvTable read_csv(const std::string& path, bool header, const std::string& label_column);

}  // namespace aezoo

// Row-major matrix views over buffers in (emulated) DDR: what an HLS kernel receives as
// an m_axi pointer plus a row pitch. Views never own memory; the host allocates buffers
// once, at compile time.
#pragma once

#include <cstdint>
#include <span>

#include "backends/fpga/hw/formats.h"

namespace eb::fpga::hw {

template <class T>
struct RowsView {
  std::span<T> data;
  int rows = 0;
  int cols = 0;
  int pitch = 0;  // elements between the starts of consecutive rows (≥ cols)

  T* row(int r) const { return data.data() + static_cast<std::ptrdiff_t>(r) * pitch; }
  T& at(int r, int c) const { return row(r)[c]; }
};

using ActRows = RowsView<act_t>;
using ConstActRows = RowsView<const act_t>;

inline ConstActRows as_const(const ActRows& v) { return {v.data, v.rows, v.cols, v.pitch}; }

}  // namespace eb::fpga::hw

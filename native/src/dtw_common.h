// Pieces of the DTW definition shared by every native backend (CPU and the CUDA host code):
// band limits, end-cell selection and backtracking. They mirror shared/alignment/dtw-reference.ts
// exactly; change both together.
#pragma once
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

namespace sdtw {

enum Variant : int { FULL = 0, SUBSEQUENCE = 1, OPEN_END = 2, OPEN_BEGIN_END = 3 };
enum Dir : uint8_t { DIAG = 0, UP = 1, LEFT = 2, START = 3 };

inline bool free_row0(int v) { return v == SUBSEQUENCE || v == OPEN_BEGIN_END; }
inline bool free_col0(int v) { return v == OPEN_BEGIN_END; }
inline bool open_end(int v) { return v == OPEN_END || v == OPEN_BEGIN_END; }

inline int64_t floor_div(int64_t a, int64_t b) { int64_t q = a / b; if ((a % b != 0) && ((a < 0) != (b < 0))) --q; return q; }
inline int64_t ceil_div(int64_t a, int64_t b) { return -floor_div(-a, b); }

// Sakoe-Chiba limits (inclusive) per row around c(i) = i*(m-1)/(n-1); band < 0 means none.
// Half-width widened to max(band, 1, ceil((m-1)/(2(n-1)))) so rows always connect.
inline void band_limits(int n, int m, int band, int32_t* lo, int32_t* hi) {
  if (band < 0 || n == 1) {
    for (int i = 0; i < n; i++) { lo[i] = 0; hi[i] = m - 1; }
    return;
  }
  const int64_t den = n - 1;
  int64_t w = band;
  if (w < 1) w = 1;
  const int64_t wmin = ceil_div(m - 1, 2 * den);
  if (w < wmin) w = wmin;
  for (int i = 0; i < n; i++) {
    const int64_t x = (int64_t)i * (m - 1);
    int64_t l = ceil_div(x - w * den, den), h = floor_div(x + w * den, den);
    lo[i] = (int32_t)(l < 0 ? 0 : l);
    hi[i] = (int32_t)(h > m - 1 ? m - 1 : h);
  }
}

struct EndCell { int i; int j; float cost; };

// lastRowD/L indexed by column (m entries, +inf outside band); lastColD/L by row (n entries).
inline EndCell select_end(int variant, int n, int m, const float* lastRowD, const int32_t* lastRowL,
                          const float* lastColD, const int32_t* lastColL, const int32_t* lo, const int32_t* hi) {
  EndCell e{n - 1, m - 1, lastRowD[m - 1]};
  if (variant == SUBSEQUENCE) {
    float best = std::numeric_limits<float>::infinity();
    for (int j = lo[n - 1]; j <= hi[n - 1]; j++)
      if (lastRowD[j] < best) { best = lastRowD[j]; e.j = j; }
    e.cost = lastRowD[e.j];
  } else if (open_end(variant)) {
    double best = std::numeric_limits<double>::infinity();
    for (int j = lo[n - 1]; j <= hi[n - 1]; j++) {
      const double s = (double)lastRowD[j] / (double)lastRowL[j];
      if (s < best) { best = s; e.j = j; }
    }
    e.cost = lastRowD[e.j];
    for (int i = 0; i < n - 1; i++) {
      const double s = (double)lastColD[i] / (double)lastColL[i];
      if (s < best) { best = s; e.i = i; e.j = m - 1; e.cost = lastColD[i]; }
    }
  }
  return e;
}

// get(i, j) returns the direction code of cell (i, j), i >= 1 (row 0 is implied by the variant).
template <class Get>
inline void backtrack(int variant, EndCell e, Get get, std::vector<int32_t>& flat) {
  flat.clear();
  int i = e.i, j = e.j;
  for (;;) {
    flat.push_back(i); flat.push_back(j);
    if (i == 0 && j == 0) break;
    if (i == 0 && free_row0(variant)) break;
    if (j == 0 && free_col0(variant)) break;
    int d = (i == 0) ? LEFT : get(i, j);
    if (d == DIAG) { --i; --j; }
    else if (d == UP) --i;
    else if (d == LEFT) --j;
    else break;
  }
  // reverse pairs
  const size_t np = flat.size() / 2;
  for (size_t a = 0, b = np - 1; a < b; a++, b--) {
    std::swap(flat[2 * a], flat[2 * b]);
    std::swap(flat[2 * a + 1], flat[2 * b + 1]);
  }
}

}  // namespace sdtw

// See score_kernels.h. Built with -ffp-contract=off: no multiply-add is fused, as in JavaScript.
#include "score_kernels.h"

#include <cmath>
#include <cstdlib>
#include <limits>
#include <memory>
#include <new>

namespace sdtw {

namespace {
struct FreeDel { void operator()(void* p) const { std::free(p); } };

// Grow-only scratch of the calling thread, one per slot: a fresh multi-MB block every call
// would cost page faults and an munmap each time (the DP's way back is ~1.25 MB at 500 x 500).
void* scratch(int slot, size_t bytes) {
  thread_local std::unique_ptr<void, FreeDel> buf[4];
  thread_local size_t cap[4] = {0, 0, 0, 0};
  if (bytes > cap[slot]) {
    buf[slot].reset();
    cap[slot] = 0;
    buf[slot].reset(std::malloc(bytes));
    if (!buf[slot]) throw std::bad_alloc();
    cap[slot] = bytes;
  }
  return buf[slot].get();
}

// The loops below are written plainly and compiled for AVX2 as well as the x86-64 baseline
// (chosen at run time): the compiler vectorises them along k without reordering any sum.
#define SK_AVX2 __attribute__((target("avx2,fma")))
bool has_avx2() {
  static const bool yes = [] { __builtin_cpu_init(); return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"); }();
  return yes;
}

template <int R>
inline __attribute__((always_inline)) void mean_rows(const float* x, int d, double* mu) {
  // mu += x_0, then x_1, ...: the same adds in the same order per k as one row at a time.
  for (int k = 0; k < d; k++) {
    double a = mu[k];
#pragma GCC unroll 4
    for (int r = 0; r < R; r++) a += (double)x[(size_t)r * d + k];
    mu[k] = a;
  }
}

inline __attribute__((always_inline)) void row_mean_impl(const float* x, int n, int d, double* mu) {
  for (int k = 0; k < d; k++) mu[k] = 0;
  int i = 0;
  for (; i + 4 <= n; i += 4) mean_rows<4>(x + (size_t)i * d, d, mu);
  for (; i < n; i++) mean_rows<1>(x + (size_t)i * d, d, mu);
  if (n > 0)
    for (int k = 0; k < d; k++) mu[k] /= n;
}
SK_AVX2 void row_mean_avx2(const float* x, int n, int d, double* mu) { row_mean_impl(x, n, d, mu); }
void row_mean_base(const float* x, int n, int d, double* mu) { row_mean_impl(x, n, d, mu); }

// Rows in groups of R. Per row: v = x - mu in float64, kept in a scratch row (vectorises along
// k). Then the R rows' sums of squares: each sum is one dependent chain of float64 adds over k in
// order (as the reference); R rows side by side keep R chains in flight. Then each row is
// (float)((double)(float)v * f) with f = 1/sqrt(s): what the reference stores and then scales.
constexpr int CR = 8;
inline __attribute__((always_inline)) void center_group(float* x, int rows, int d, const double* mu, double* w) {
  double s[CR] = {0, 0, 0, 0, 0, 0, 0, 0};
  for (int r = 0; r < rows; r++) {
    const float* xr = x + (size_t)r * d;
    double* wr = w + (size_t)r * d;
    for (int k = 0; k < d; k++) wr[k] = (double)xr[k] - mu[k];
  }
  if (rows == CR) {
    for (int k = 0; k < d; k++) {
#pragma GCC unroll 8
      for (int r = 0; r < CR; r++) {
        const double v = w[(size_t)r * d + k];
        s[r] += v * v;
      }
    }
  } else {
    for (int r = 0; r < rows; r++) {
      const double* wr = w + (size_t)r * d;
      for (int k = 0; k < d; k++) s[r] += wr[k] * wr[k];
    }
  }
  for (int r = 0; r < rows; r++) {
    const double f = s[r] > 1e-20 ? 1 / __builtin_sqrt(s[r]) : 1;
    float* o = x + (size_t)r * d;
    const double* wr = w + (size_t)r * d;
    for (int k = 0; k < d; k++) o[k] = (float)((double)(float)wr[k] * f);
  }
}
inline __attribute__((always_inline)) void center_impl(float* x, int n, int d, const double* mu, double* w) {
  for (int i0 = 0; i0 < n; i0 += CR) center_group(x + (size_t)i0 * d, n - i0 < CR ? n - i0 : CR, d, mu, w);
}
// Consecutive rows' dots, CR pairs side by side: each pair's sum is one dependent chain of
// float64 adds over k in order, as the reference's; the product of two floats is exact in a
// double, so widening first changes nothing.
inline __attribute__((always_inline)) void consecutive_impl(const float* x, int n, int d, double* out) {
  const int pairs = n - 1;
  int i0 = 0;
  for (; i0 + CR <= pairs; i0 += CR) {
    double s[CR] = {0, 0, 0, 0, 0, 0, 0, 0};
    const float* base = x + (size_t)i0 * d;
    for (int k = 0; k < d; k++) {
#pragma GCC unroll 8
      for (int r = 0; r < CR; r++) s[r] += (double)base[(size_t)r * d + k] * (double)base[(size_t)(r + 1) * d + k];
    }
    for (int r = 0; r < CR; r++) out[i0 + r] = s[r];
  }
  for (; i0 < pairs; i0++) {
    const float* a = x + (size_t)i0 * d;
    const float* b = a + d;
    double s = 0;
    for (int k = 0; k < d; k++) s += (double)a[k] * (double)b[k];
    out[i0] = s;
  }
}
SK_AVX2 void consecutive_avx2(const float* x, int n, int d, double* out) { consecutive_impl(x, n, d, out); }
void consecutive_base(const float* x, int n, int d, double* out) { consecutive_impl(x, n, d, out); }
SK_AVX2 void center_avx2(float* x, int n, int d, const double* mu, double* w) { center_impl(x, n, d, mu, w); }
void center_base(float* x, int n, int d, const double* mu, double* w) { center_impl(x, n, d, mu, w); }
}  // namespace

void row_mean(const float* x, int n, int d, double* mu) {
  if (has_avx2()) row_mean_avx2(x, n, d, mu);
  else row_mean_base(x, n, d, mu);
}

void center_rows(float* x, int n, int d, const double* mu) {
  double* w = static_cast<double*>(scratch(0, (size_t)CR * d * sizeof(double)));
  if (has_avx2()) center_avx2(x, n, d, mu, w);
  else center_base(x, n, d, mu, w);
}

void consecutive_dots(const float* x, int n, int d, double* out) {
  if (n < 2) return;
  if (has_avx2()) consecutive_avx2(x, n, d, out);
  else consecutive_base(x, n, d, out);
}

void align_with_drops(const float* cost, int n, int m, double drop, double jump, const double* jumpRow, int32_t* out) {
  const double INF = std::numeric_limits<double>::infinity();
  double* prev = static_cast<double*>(scratch(1, 2 * (size_t)n * sizeof(double)));
  double* cur = prev + n;
  int32_t* from = static_cast<int32_t*>(scratch(2, (size_t)m * n * sizeof(int32_t)));
  uint8_t* flags = static_cast<uint8_t*>(scratch(3, (size_t)m * n));  // 1: dropped, 2: arrived by a jump back
  for (int i = 0; i < n; i++) prev[i] = 0;
  double gmin = INF;
  int garg = 0;
  // The choices below are selects, not branches: on real costs they are close to random, and a
  // mispredicted branch per cell costs more than the cell.
  for (int j = 0; j < m; j++) {
    double pmin = INF, nmin = INF;
    int parg = 0, narg = 0;
    int32_t* fr = from + (size_t)j * n;
    uint8_t* fl = flags + (size_t)j * n;
    const float* cj = cost + j;
    if (j == 0) {
      // The trainee may start anywhere in the gold (a left-out first step).
      for (int i = 0; i < n; i++) {
        const double mc = (double)cj[(size_t)i * m];
        const bool dr = drop < mc;
        const double v = 0.0 + (dr ? drop : mc);
        cur[i] = v;
        const bool nb = v < nmin;
        nmin = nb ? v : nmin;
        narg = nb ? i : narg;
        fr[i] = i;
        fl[i] = (uint8_t)dr;
      }
    } else {
      for (int i = 0; i < n; i++) {
        const double jumpFrom = gmin + (jumpRow ? jumpRow[i] : jump);
        const double pv = prev[i];
        const bool lt = pv < pmin;
        pmin = lt ? pv : pmin;
        parg = lt ? i : parg;
        const bool jb = jumpFrom < pmin;
        const double pc = jb ? jumpFrom : pmin;
        const int pa = jb ? garg : parg;
        const double mc = (double)cj[(size_t)i * m];
        const bool dr = drop < mc;
        const double v = pc + (dr ? drop : mc);
        cur[i] = v;
        const bool nb = v < nmin;
        nmin = nb ? v : nmin;
        narg = nb ? i : narg;
        fr[i] = pa;
        fl[i] = (uint8_t)((jb ? 2 : 0) | (dr ? 1 : 0));
      }
    }
    gmin = nmin;
    garg = narg;
    double* t = prev;
    prev = cur;
    cur = t;
  }
  int s = 0;
  for (int i = 1; i < n; i++)
    if (prev[i] < prev[s]) s = i;
  for (int j = m - 1; j >= 0; j--) {
    const size_t o = (size_t)j * n + s;
    out[j] = flags[o] & 1 ? -1 : s;
    s = from[o];
  }
}

}  // namespace sdtw

// Native versions of the scoring engine's per-job passes over the vectors and the cost matrix
// (shared/scoring/center.ts, shared/scoring/visits.ts). Each mirrors its TypeScript reference
// operation for operation in float64 (the order of every sum kept), so the results are
// bit-identical; test/unit/score-native.test.ts checks that.
#pragma once
#include <cstdint>

namespace sdtw {

// mu[k] = sum_i x[i*d + k] / n, summed in row order in float64 (rowMean).
void row_mean(const float* x, int n, int d, double* mu);

// Row i := (x_i - mu) / |x_i - mu| in place: v = x - mu in float64, stored as float32; the
// squares of the float64 v summed in k order; rows scaled by 1/sqrt(s) (by 1 when s <= 1e-20)
// (centerRowsInPlace).
void center_rows(float* x, int n, int d, const double* mu);

// out[i] = sum_k (double)x[i*d+k] * (double)x[(i+1)*d+k] for i < n-1, summed in k order in
// float64 (rowSimilarity over consecutive rows: goldConsecutiveRows).
void consecutive_dots(const float* x, int n, int d, double* out);

// alignWithDrops: for each trainee column j of the n x m cost, the gold row it is matched to or
// -1 (dropped). jumpRow may be null (then every jump costs jump).
void align_with_drops(const float* cost, int n, int m, double drop, double jump, const double* jumpRow, int32_t* out);

}  // namespace sdtw

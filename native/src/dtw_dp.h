// DTW dynamic programme on a cost matrix + backtrack (CPU).
#pragma once
#include <cstdint>
#include <vector>

#include "cost_kernel.h"

namespace sdtw {

struct DtwOut {
  float cost = 0;
  std::vector<int32_t> path;  // flattened [i0, j0, i1, j1, ...], first to last
};

// cost: n*m row-major; only cells inside the band (band < 0: none) are read.
// isa: ISA_AVX512 runs the 16-row wavefront strips; anything else the scalar row DP.
// Both give bit-identical results (same float32 operations in the same order per cell).
DtwOut dtw_from_cost(const float* cost, int n, int m, int variant, int band, Isa isa);

// Cost matrix + DP. Only band cells of the cost matrix are computed.
DtwOut dtw_full(const float* a, int n, const float* b, int m, int d, int variant, int band, Isa isa, int threads);

}  // namespace sdtw

// Cosine cost matrix C[i*m + j] = 1 - dot(a_i, b_j) as a register-tiled GEMM (A * B^T).
#pragma once
#include <cstdint>

namespace sdtw {

enum Isa : int { ISA_SCALAR = 0, ISA_AVX2 = 1, ISA_AVX512 = 2 };

// Best instruction set this CPU supports (checked at run time, once).
Isa detect_isa();
const char* isa_name(Isa isa);

// rowLo/rowHi (optional, may be null): only columns [rowLo[i], rowHi[i]] of row i are needed
// (banded DTW); tiles wholly outside are skipped and left unwritten.
// threads <= 0 means one per hardware thread.
void cosine_cost(const float* a, int n, const float* b, int m, int d, float* out, Isa isa, int threads,
                 const int32_t* rowLo = nullptr, const int32_t* rowHi = nullptr);

int default_threads();

}  // namespace sdtw

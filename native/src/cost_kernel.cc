// Register-tiled GEMM for the cosine cost matrix, three code paths chosen at run time:
// AVX-512 (8 rows x 48 columns of accumulators), AVX2+FMA (6 x 16), scalar.
// The SIMD paths sit in `#pragma GCC target` regions, so one binary runs on CPUs without
// AVX-512; nothing from the standard library is instantiated inside those regions (an inline
// template compiled there could be picked by the linker for plain code).
#include "cost_kernel.h"

#include <immintrin.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <thread>
#include <vector>

namespace sdtw {

Isa detect_isa() {
  static const Isa isa = [] {
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
        __builtin_cpu_supports("avx512vl"))
      return ISA_AVX512;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return ISA_AVX2;
    return ISA_SCALAR;
  }();
  return isa;
}

const char* isa_name(Isa isa) {
  return isa == ISA_AVX512 ? "avx512" : isa == ISA_AVX2 ? "avx2" : "scalar";
}

int default_threads() {
  unsigned t = std::thread::hardware_concurrency();
  return t == 0 ? 1 : (int)t;
}

namespace {

struct Job {
  const float* a; int n; const float* b; int m; int d; float* out;
  const float* packed;  // B^T in panels of NR columns: packed[p*d*NR + k*NR + c] = b[(p*NR+c)*d + k]
  const int32_t* lo; const int32_t* hi;
};

// Packs panels [p0, p1) of B^T, zero-padding columns past m.
void pack_panels(const float* b, int m, int d, int nr, float* packed, int p0, int p1) {
  for (int p = p0; p < p1; p++) {
    float* dst = packed + (size_t)p * d * nr;
    for (int c = 0; c < nr; c++) {
      const int j = p * nr + c;
      if (j < m) {
        const float* src = b + (size_t)j * d;
        for (int k = 0; k < d; k++) dst[(size_t)k * nr + c] = src[k];
      } else {
        for (int k = 0; k < d; k++) dst[(size_t)k * nr + c] = 0.f;
      }
    }
  }
}

// True when the tile rows [i0,i1) x columns [j0,j1) contain a needed cell.
inline bool tile_needed(const Job& J, int i0, int i1, int j0, int j1) {
  if (!J.lo) return true;
  return J.lo[i0] <= j1 - 1 && J.hi[i1 - 1] >= j0;  // limits are monotone in i
}

// ---------------------------------------------------------------- scalar
void rows_scalar(const Job& J, int r0, int r1) {
  for (int i = r0; i < r1; i++) {
    const float* ai = J.a + (size_t)i * J.d;
    const int jlo = J.lo ? J.lo[i] : 0, jhi = J.hi ? J.hi[i] : J.m - 1;
    for (int j = jlo; j <= jhi; j++) {
      const float* bj = J.b + (size_t)j * J.d;
      float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      int k = 0;
      for (; k + 4 <= J.d; k += 4) {
        s0 += ai[k] * bj[k]; s1 += ai[k + 1] * bj[k + 1];
        s2 += ai[k + 2] * bj[k + 2]; s3 += ai[k + 3] * bj[k + 3];
      }
      for (; k < J.d; k++) s0 += ai[k] * bj[k];
      J.out[(size_t)i * J.m + j] = 1.f - ((s0 + s1) + (s2 + s3));
    }
  }
}

// ---------------------------------------------------------------- AVX2 + FMA
#pragma GCC push_options
#pragma GCC target("avx2,fma")
constexpr int NR2 = 16;

template <int R>
inline void tile_avx2(const Job& J, int i0, int p) {
  const int d = J.d, m = J.m;
  const float* bp = J.packed + (size_t)p * d * NR2;
  const float* ar[R];
#pragma GCC unroll 8
  for (int r = 0; r < R; r++) ar[r] = J.a + (size_t)(i0 + r) * d;
  __m256 acc[R][2];
#pragma GCC unroll 8
  for (int r = 0; r < R; r++) { acc[r][0] = _mm256_setzero_ps(); acc[r][1] = _mm256_setzero_ps(); }
  for (int k = 0; k < d; k++) {
    const __m256 b0 = _mm256_loadu_ps(bp + (size_t)k * NR2);
    const __m256 b1 = _mm256_loadu_ps(bp + (size_t)k * NR2 + 8);
#pragma GCC unroll 8
    for (int r = 0; r < R; r++) {
      const __m256 av = _mm256_broadcast_ss(ar[r] + k);
      acc[r][0] = _mm256_fmadd_ps(av, b0, acc[r][0]);
      acc[r][1] = _mm256_fmadd_ps(av, b1, acc[r][1]);
    }
  }
  const int j0 = p * NR2;
  const __m256 one = _mm256_set1_ps(1.f);
#pragma GCC unroll 8
  for (int r = 0; r < R; r++) {
    float* o = J.out + (size_t)(i0 + r) * m + j0;
    __m256 v0 = _mm256_sub_ps(one, acc[r][0]), v1 = _mm256_sub_ps(one, acc[r][1]);
    if (j0 + NR2 <= m) {
      _mm256_storeu_ps(o, v0);
      _mm256_storeu_ps(o + 8, v1);
    } else {
      alignas(32) float tmp[NR2];
      _mm256_store_ps(tmp, v0);
      _mm256_store_ps(tmp + 8, v1);
      for (int c = 0; c < m - j0; c++) o[c] = tmp[c];
    }
  }
}

void rows_avx2(const Job& J, int r0, int r1) {
  const int np = (J.m + NR2 - 1) / NR2;
  constexpr int MR = 6;
  for (int p = 0; p < np; p++) {
    const int j0 = p * NR2, j1 = j0 + NR2 < J.m ? j0 + NR2 : J.m;
    int i = r0;
    for (; i + MR <= r1; i += MR)
      if (tile_needed(J, i, i + MR, j0, j1)) tile_avx2<MR>(J, i, p);
    const int rest = r1 - i;
    if (rest > 0 && tile_needed(J, i, r1, j0, j1)) {
      switch (rest) {
        case 1: tile_avx2<1>(J, i, p); break;
        case 2: tile_avx2<2>(J, i, p); break;
        case 3: tile_avx2<3>(J, i, p); break;
        case 4: tile_avx2<4>(J, i, p); break;
        default: tile_avx2<5>(J, i, p); break;
      }
    }
  }
}
#pragma GCC pop_options

// ---------------------------------------------------------------- AVX-512
#pragma GCC push_options
#pragma GCC target("avx512f,avx512bw,avx512vl,avx2,fma")
constexpr int NR5 = 48;

template <int R>
inline void tile_avx512(const Job& J, int i0, int p) {
  const int d = J.d, m = J.m;
  const float* bp = J.packed + (size_t)p * d * NR5;
  const float* ar[R];
#pragma GCC unroll 8
  for (int r = 0; r < R; r++) ar[r] = J.a + (size_t)(i0 + r) * d;
  __m512 acc[R][3];
#pragma GCC unroll 8
  for (int r = 0; r < R; r++) {
    acc[r][0] = _mm512_setzero_ps(); acc[r][1] = _mm512_setzero_ps(); acc[r][2] = _mm512_setzero_ps();
  }
  for (int k = 0; k < d; k++) {
    const float* bk = bp + (size_t)k * NR5;
    const __m512 b0 = _mm512_loadu_ps(bk), b1 = _mm512_loadu_ps(bk + 16), b2 = _mm512_loadu_ps(bk + 32);
#pragma GCC unroll 8
    for (int r = 0; r < R; r++) {
      const __m512 av = _mm512_set1_ps(ar[r][k]);
      acc[r][0] = _mm512_fmadd_ps(av, b0, acc[r][0]);
      acc[r][1] = _mm512_fmadd_ps(av, b1, acc[r][1]);
      acc[r][2] = _mm512_fmadd_ps(av, b2, acc[r][2]);
    }
  }
  const int j0 = p * NR5;
  const int cols = m - j0 < NR5 ? m - j0 : NR5;
  const __mmask16 k0 = cols >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << cols) - 1);
  const __mmask16 k1 = cols >= 32 ? (__mmask16)0xFFFF : cols <= 16 ? (__mmask16)0 : (__mmask16)((1u << (cols - 16)) - 1);
  const __mmask16 k2 = cols >= 48 ? (__mmask16)0xFFFF : cols <= 32 ? (__mmask16)0 : (__mmask16)((1u << (cols - 32)) - 1);
  const __m512 one = _mm512_set1_ps(1.f);
#pragma GCC unroll 8
  for (int r = 0; r < R; r++) {
    float* o = J.out + (size_t)(i0 + r) * m + j0;
    _mm512_mask_storeu_ps(o, k0, _mm512_sub_ps(one, acc[r][0]));
    _mm512_mask_storeu_ps(o + 16, k1, _mm512_sub_ps(one, acc[r][1]));
    _mm512_mask_storeu_ps(o + 32, k2, _mm512_sub_ps(one, acc[r][2]));
  }
}

void rows_avx512(const Job& J, int r0, int r1) {
  const int np = (J.m + NR5 - 1) / NR5;
  constexpr int MR = 8;
  for (int p = 0; p < np; p++) {
    const int j0 = p * NR5, j1 = j0 + NR5 < J.m ? j0 + NR5 : J.m;
    int i = r0;
    for (; i + MR <= r1; i += MR)
      if (tile_needed(J, i, i + MR, j0, j1)) tile_avx512<MR>(J, i, p);
    const int rest = r1 - i;
    if (rest > 0 && tile_needed(J, i, r1, j0, j1)) {
      switch (rest) {
        case 1: tile_avx512<1>(J, i, p); break;
        case 2: tile_avx512<2>(J, i, p); break;
        case 3: tile_avx512<3>(J, i, p); break;
        case 4: tile_avx512<4>(J, i, p); break;
        case 5: tile_avx512<5>(J, i, p); break;
        case 6: tile_avx512<6>(J, i, p); break;
        default: tile_avx512<7>(J, i, p); break;
      }
    }
  }
}
#pragma GCC pop_options

template <class F>
void parallel_for(int threads, int count, F f) {
  if (threads <= 1 || count <= 1) { f(0, count); return; }
  if (threads > count) threads = count;
  std::vector<std::thread> pool;
  pool.reserve(threads - 1);
  for (int t = 1; t < threads; t++) {
    const int s = (int)((int64_t)count * t / threads), e = (int)((int64_t)count * (t + 1) / threads);
    pool.emplace_back([=] { f(s, e); });
  }
  f(0, (int)((int64_t)count / threads));
  for (auto& th : pool) th.join();
}

}  // namespace

void cosine_cost(const float* a, int n, const float* b, int m, int d, float* out, Isa isa, int threads,
                 const int32_t* rowLo, const int32_t* rowHi) {
  if (isa > detect_isa()) isa = detect_isa();
  if (threads <= 0) threads = default_threads();
  // Small problems do not pay for a thread.
  if ((int64_t)n * m * d < (int64_t)1 << 21) threads = 1;
  Job J{a, n, b, m, d, out, nullptr, rowLo, rowHi};
  if (isa == ISA_SCALAR) {
    parallel_for(threads, n, [&](int s, int e) { rows_scalar(J, s, e); });
    return;
  }
  const int nr = isa == ISA_AVX512 ? NR5 : NR2;
  const int np = (m + nr - 1) / nr;
  float* packed = static_cast<float*>(std::aligned_alloc(64, ((size_t)np * nr * d * sizeof(float) + 63) / 64 * 64));
  if (!packed) throw std::bad_alloc();
  J.packed = packed;
  parallel_for(threads, np, [&](int s, int e) { pack_panels(b, m, d, nr, packed, s, e); });
  // Row blocks rounded to the tile height so only the last block has a remainder tile.
  const int mr = isa == ISA_AVX512 ? 8 : 6;
  const int tiles = (n + mr - 1) / mr;
  parallel_for(threads, tiles, [&](int s, int e) {
    const int r0 = s * mr, r1 = e * mr < n ? e * mr : n;
    if (isa == ISA_AVX512) rows_avx512(J, r0, r1);
    else rows_avx2(J, r0, r1);
  });
  std::free(packed);
}

}  // namespace sdtw

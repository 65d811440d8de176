// Register-tiled GEMM for the cosine cost matrix, three code paths chosen at run time:
// AVX-512 (8 rows x 48 columns of accumulators), AVX2+FMA (6 x 16), scalar.
// The SIMD paths sit in `#pragma GCC target` regions, so one binary runs on CPUs without
// AVX-512; nothing from the standard library is instantiated inside those regions (an inline
// template compiled there could be picked by the linker for plain code).
//
// Work split (SIMD paths): the output is cut into items of one B panel (NR columns) x a row
// range; threads take items from a shared counter, in panel order. Each thread packs the panel
// it is about to use into its own buffer (k-major, 64-byte aligned, ~150 KB at d = 768), so
// the packed panel is still in that core's L2 while every row tile streams over it, and no
// thread waits for a global packing pass. Taking items dynamically also keeps both cores busy
// when one of them is shared with another process.
#include "cost_kernel.h"

#include <immintrin.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>
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
  const int32_t* lo; const int32_t* hi;
};

// Packs panel p of B^T (columns [p*nr, p*nr+nr)) k-major: dst[k*nr + c] = b[(p*nr+c)*d + k],
// zero-padding columns past m. Writes are sequential and the nr source rows are read in step,
// so each source cache line is loaded once.
void pack_panel(const float* b, int m, int d, int nr, int p, float* dst) {
  const int j0 = p * nr, cols = m - j0 < nr ? m - j0 : nr;
  const float* src[64];
  for (int c = 0; c < cols; c++) src[c] = b + (size_t)(j0 + c) * d;
  for (int k = 0; k < d; k++) {
    float* o = dst + (size_t)k * nr;
    int c = 0;
    for (; c < cols; c++) o[c] = src[c][k];
    for (; c < nr; c++) o[c] = 0.f;
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
inline void tile_avx2(const Job& J, const float* bp, int i0, int j0) {
  const int d = J.d, m = J.m;
  const float* ar[R];
#pragma GCC unroll 8
  for (int r = 0; r < R; r++) ar[r] = J.a + (size_t)(i0 + r) * d;
  __m256 acc[R][2];
#pragma GCC unroll 8
  for (int r = 0; r < R; r++) { acc[r][0] = _mm256_setzero_ps(); acc[r][1] = _mm256_setzero_ps(); }
  for (int k = 0; k < d; k++) {
    const __m256 b0 = _mm256_load_ps(bp + (size_t)k * NR2);
    const __m256 b1 = _mm256_load_ps(bp + (size_t)k * NR2 + 8);
#pragma GCC unroll 8
    for (int r = 0; r < R; r++) {
      const __m256 av = _mm256_broadcast_ss(ar[r] + k);
      acc[r][0] = _mm256_fmadd_ps(av, b0, acc[r][0]);
      acc[r][1] = _mm256_fmadd_ps(av, b1, acc[r][1]);
    }
  }
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

// Rows [r0, r1) against the packed panel bp of columns [j0, j0 + NR2).
void panel_avx2(const Job& J, const float* bp, int j0, int r0, int r1) {
  constexpr int MR = 6;
  const int j1 = j0 + NR2 < J.m ? j0 + NR2 : J.m;
  int i = r0;
  for (; i + MR <= r1; i += MR)
    if (tile_needed(J, i, i + MR, j0, j1)) tile_avx2<MR>(J, bp, i, j0);
  const int rest = r1 - i;
  if (rest > 0 && tile_needed(J, i, r1, j0, j1)) {
    switch (rest) {
      case 1: tile_avx2<1>(J, bp, i, j0); break;
      case 2: tile_avx2<2>(J, bp, i, j0); break;
      case 3: tile_avx2<3>(J, bp, i, j0); break;
      case 4: tile_avx2<4>(J, bp, i, j0); break;
      default: tile_avx2<5>(J, bp, i, j0); break;
    }
  }
}
#pragma GCC pop_options

// ---------------------------------------------------------------- AVX-512
#pragma GCC push_options
#pragma GCC target("avx512f,avx512bw,avx512vl,avx2,fma")
constexpr int NR5 = 48;

// pack_panel for NR5 columns with 16 x 16 in-register transposes: 16 source rows (columns of
// the panel) x 16 k per block, missing columns read as zeros, the d % 16 tail by masked loads.
void pack_panel_avx512(const float* b, int m, int d, int p, float* dst) {
  const int j0 = p * NR5, cols = m - j0 < NR5 ? m - j0 : NR5;
  for (int g = 0; g < NR5 / 16; g++) {
    const int c0 = g * 16;
    for (int k0 = 0; k0 < d; k0 += 16) {
      const __mmask16 km = d - k0 >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << (d - k0)) - 1);
      __m512 r[16];
#pragma GCC unroll 16
      for (int c = 0; c < 16; c++)
        r[c] = c0 + c < cols ? _mm512_maskz_loadu_ps(km, b + (size_t)(j0 + c0 + c) * d + k0) : _mm512_setzero_ps();
      // Transpose: stage 1 interleaves pairs of rows, stage 2 pairs of pairs, then 128-bit lanes.
      __m512 t[16];
#pragma GCC unroll 8
      for (int c = 0; c < 16; c += 2) {
        t[c] = _mm512_unpacklo_ps(r[c], r[c + 1]);
        t[c + 1] = _mm512_unpackhi_ps(r[c], r[c + 1]);
      }
#pragma GCC unroll 4
      for (int c = 0; c < 16; c += 4) {
        r[c] = _mm512_castpd_ps(_mm512_unpacklo_pd(_mm512_castps_pd(t[c]), _mm512_castps_pd(t[c + 2])));
        r[c + 1] = _mm512_castpd_ps(_mm512_unpackhi_pd(_mm512_castps_pd(t[c]), _mm512_castps_pd(t[c + 2])));
        r[c + 2] = _mm512_castpd_ps(_mm512_unpacklo_pd(_mm512_castps_pd(t[c + 1]), _mm512_castps_pd(t[c + 3])));
        r[c + 3] = _mm512_castpd_ps(_mm512_unpackhi_pd(_mm512_castps_pd(t[c + 1]), _mm512_castps_pd(t[c + 3])));
      }
      // r[4q + s] now holds, in 128-bit lane L, k = k0 + 4L + s for rows 4q..4q+3.
#pragma GCC unroll 4
      for (int s = 0; s < 4; s++) {
        const __m512 x0 = _mm512_shuffle_f32x4(r[s], r[4 + s], 0x88);      // lanes 0,2 | 0,2
        const __m512 x1 = _mm512_shuffle_f32x4(r[s], r[4 + s], 0xDD);      // lanes 1,3 | 1,3
        const __m512 y0 = _mm512_shuffle_f32x4(r[8 + s], r[12 + s], 0x88);
        const __m512 y1 = _mm512_shuffle_f32x4(r[8 + s], r[12 + s], 0xDD);
        t[s] = _mm512_shuffle_f32x4(x0, y0, 0x88);       // k = k0 + s
        t[8 + s] = _mm512_shuffle_f32x4(x0, y0, 0xDD);   // k = k0 + 8 + s
        t[4 + s] = _mm512_shuffle_f32x4(x1, y1, 0x88);   // k = k0 + 4 + s
        t[12 + s] = _mm512_shuffle_f32x4(x1, y1, 0xDD);  // k = k0 + 12 + s
      }
      const int kn = d - k0 < 16 ? d - k0 : 16;
      for (int q = 0; q < kn; q++) _mm512_store_ps(dst + (size_t)(k0 + q) * NR5 + c0, t[q]);
    }
  }
}

template <int R>
inline void tile_avx512(const Job& J, const float* bp, int i0, int j0) {
  const int d = J.d, m = J.m;
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
    const __m512 b0 = _mm512_load_ps(bk), b1 = _mm512_load_ps(bk + 16), b2 = _mm512_load_ps(bk + 32);
#pragma GCC unroll 8
    for (int r = 0; r < R; r++) {
      const __m512 av = _mm512_set1_ps(ar[r][k]);
      acc[r][0] = _mm512_fmadd_ps(av, b0, acc[r][0]);
      acc[r][1] = _mm512_fmadd_ps(av, b1, acc[r][1]);
      acc[r][2] = _mm512_fmadd_ps(av, b2, acc[r][2]);
    }
  }
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

// Rows [r0, r1) against the packed panel bp of columns [j0, j0 + NR5).
void panel_avx512(const Job& J, const float* bp, int j0, int r0, int r1) {
  constexpr int MR = 8;
  const int j1 = j0 + NR5 < J.m ? j0 + NR5 : J.m;
  int i = r0;
  for (; i + MR <= r1; i += MR)
    if (tile_needed(J, i, i + MR, j0, j1)) tile_avx512<MR>(J, bp, i, j0);
  const int rest = r1 - i;
  if (rest > 0 && tile_needed(J, i, r1, j0, j1)) {
    switch (rest) {
      case 1: tile_avx512<1>(J, bp, i, j0); break;
      case 2: tile_avx512<2>(J, bp, i, j0); break;
      case 3: tile_avx512<3>(J, bp, i, j0); break;
      case 4: tile_avx512<4>(J, bp, i, j0); break;
      case 5: tile_avx512<5>(J, bp, i, j0); break;
      case 6: tile_avx512<6>(J, bp, i, j0); break;
      default: tile_avx512<7>(J, bp, i, j0); break;
    }
  }
}
#pragma GCC pop_options

// Runs f(0) .. f(threads-1), f(0) on the calling thread.
template <class F>
void run_threads(int threads, F f) {
  if (threads <= 1) { f(0); return; }
  std::vector<std::thread> pool;
  pool.reserve(threads - 1);
  for (int t = 1; t < threads; t++) pool.emplace_back([=] { f(t); });
  f(0);
  for (auto& th : pool) th.join();
}

struct AlignedFree { void operator()(float* p) const { std::free(p); } };

// Grow-only 64-byte-aligned scratch of the calling thread.
float* panel_buffers(size_t floats) {
  thread_local std::unique_ptr<float, AlignedFree> buf;
  thread_local size_t cap = 0;
  if (floats > cap) {
    buf.reset();
    cap = 0;
    buf.reset(static_cast<float*>(std::aligned_alloc(64, floats * sizeof(float))));
    if (!buf) throw std::bad_alloc();
    cap = floats;
  }
  return buf.get();
}

void cost_simd(const Job& J, Isa isa, int threads) {
  const int nr = isa == ISA_AVX512 ? NR5 : NR2, mr = isa == ISA_AVX512 ? 8 : 6;
  const int np = (J.m + nr - 1) / nr;
  // Rows are cut into chunks, worked through one after the other (every panel of chunk 0, then
  // chunk 1, ...): a chunk's rows of A (at most ~8 MB) stay in L3 while all panels pass over them,
  // instead of A coming from memory once per panel. With few panels, more chunks balance the
  // threads. Each (chunk, panel) item packs its panel again, ~1/rows of the item's work.
  const int tilesN = (J.n + mr - 1) / mr;
  const int64_t chunkRows = std::max<int64_t>(mr, ((int64_t)8 << 20) / ((int64_t)J.d * 4));
  int chunks = (int)std::min<int64_t>(tilesN, (J.n + chunkRows - 1) / chunkRows);
  if (threads > 1) chunks = std::max(chunks, std::min(tilesN, (16 * threads + np - 1) / np));
  const int items = np * chunks;
  if (threads > items) threads = items;
  const size_t panelFloats = (size_t)nr * J.d;
  // One panel buffer per thread, allocated here so a failure throws on the caller's thread, and
  // kept by the calling thread for its next call (a fresh ~300 KB block every call costs page
  // faults and an munmap worth a few percent at 2000 x 2000).
  const size_t panelStride = (panelFloats + 15) / 16 * 16;
  float* bufs = panel_buffers(panelStride * threads);
  std::atomic<int> next{0};
  run_threads(threads, [&](int t) {
    float* buf = bufs + panelStride * t;
    int packedP = -1;
    for (int it; (it = next.fetch_add(1, std::memory_order_relaxed)) < items;) {
      const int c = it / np, p = it % np;
      // Row chunks on tile boundaries, so only the last chunk has a remainder tile.
      const int r0 = (int)((int64_t)tilesN * c / chunks) * mr;
      const int r1 = std::min(J.n, (int)((int64_t)tilesN * (c + 1) / chunks) * mr);
      const int j0 = p * nr, j1 = std::min(J.m, j0 + nr);
      if (r0 >= r1 || !tile_needed(J, r0, r1, j0, j1)) continue;
      if (p != packedP) {
        if (isa == ISA_AVX512) pack_panel_avx512(J.b, J.m, J.d, p, buf);
        else pack_panel(J.b, J.m, J.d, nr, p, buf);
        packedP = p;
      }
      if (isa == ISA_AVX512) panel_avx512(J, buf, j0, r0, r1);
      else panel_avx2(J, buf, j0, r0, r1);
    }
  });
}

}  // namespace

void cosine_cost(const float* a, int n, const float* b, int m, int d, float* out, Isa isa, int threads,
                 const int32_t* rowLo, const int32_t* rowHi) {
  if (isa > detect_isa()) isa = detect_isa();
  if (threads <= 0) threads = default_threads();
  // Small problems do not pay for a thread.
  if ((int64_t)n * m * d < (int64_t)1 << 21) threads = 1;
  Job J{a, n, b, m, d, out, rowLo, rowHi};
  if (isa != ISA_SCALAR) { cost_simd(J, isa, threads); return; }
  if (threads > n) threads = n;
  run_threads(threads, [&](int t) {
    rows_scalar(J, (int)((int64_t)n * t / threads), (int)((int64_t)n * (t + 1) / threads));
  });
}

}  // namespace sdtw

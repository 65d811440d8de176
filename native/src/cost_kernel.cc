// Register-tiled GEMM for the cosine cost matrix, three code paths chosen at run time:
// AVX-512 (8 rows x 48 columns of accumulators), AVX2+FMA (6 x 16), scalar.
// The SIMD paths sit in `#pragma GCC target` regions, so one binary runs on CPUs without
// AVX-512; nothing from the standard library is instantiated inside those regions (an inline
// template compiled there could be picked by the linker for plain code).
//
// Work split (AVX2 path; the AVX-512 path packs B once and blocks k: see cost_avx512): the
// output is cut into items of one B panel (NR columns) x a row range; threads take items from a shared counter, in panel order. Each thread packs the panel
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

// One R x (16 V) block of the output over k in [k0, k0 + kc): accumulators start at zero on the
// first slab, else from the partial sums stored by the previous slab (float32, exactly what the
// registers held, so every output is still one FMA chain over k in order: the result is
// bit-identical to a single pass over all of k). The last slab stores 1 - acc.
template <int R, int V>
inline void tile_avx512(const Job& J, const float* bp, int i0, int j0, int k0, int kc, bool first, bool last) {
  const int d = J.d, m = J.m;
  const float* ar[R];
#pragma GCC unroll 8
  for (int r = 0; r < R; r++) ar[r] = J.a + (size_t)(i0 + r) * d + k0;
  const int cols = m - j0 < NR5 ? m - j0 : NR5;
  __mmask16 km[3];
  for (int v = 0; v < 3; v++) {
    const int c = cols - 16 * v;
    km[v] = c >= 16 ? (__mmask16)0xFFFF : c <= 0 ? (__mmask16)0 : (__mmask16)((1u << c) - 1);
  }
  __m512 acc[R][V];
#pragma GCC unroll 8
  for (int r = 0; r < R; r++) {
    float* o = J.out + (size_t)(i0 + r) * m + j0;
#pragma GCC unroll 3
    for (int v = 0; v < V; v++) acc[r][v] = first ? _mm512_setzero_ps() : _mm512_maskz_loadu_ps(km[v], o + 16 * v);
  }
  const float* bk = bp + (size_t)k0 * NR5;
  for (int k = 0; k < kc; k++, bk += NR5) {
    __m512 b[V];
#pragma GCC unroll 3
    for (int v = 0; v < V; v++) b[v] = _mm512_load_ps(bk + 16 * v);
#pragma GCC unroll 8
    for (int r = 0; r < R; r++) {
      const __m512 av = _mm512_set1_ps(ar[r][k]);
#pragma GCC unroll 3
      for (int v = 0; v < V; v++) acc[r][v] = _mm512_fmadd_ps(av, b[v], acc[r][v]);
    }
  }
  const __m512 one = _mm512_set1_ps(1.f);
#pragma GCC unroll 8
  for (int r = 0; r < R; r++) {
    float* o = J.out + (size_t)(i0 + r) * m + j0;
#pragma GCC unroll 3
    for (int v = 0; v < V; v++) _mm512_mask_storeu_ps(o + 16 * v, km[v], last ? _mm512_sub_ps(one, acc[r][v]) : acc[r][v]);
  }
}

template <int V>
void rows_avx512(const Job& J, const float* bp, int j0, int r0, int r1, int k0, int kc, bool first, bool last) {
  constexpr int MR = 8;
  const int j1 = j0 + NR5 < J.m ? j0 + NR5 : J.m;
  int i = r0;
  for (; i + MR <= r1; i += MR)
    if (tile_needed(J, i, i + MR, j0, j1)) tile_avx512<MR, V>(J, bp, i, j0, k0, kc, first, last);
  const int rest = r1 - i;
  if (rest > 0 && tile_needed(J, i, r1, j0, j1)) {
    switch (rest) {
      case 1: tile_avx512<1, V>(J, bp, i, j0, k0, kc, first, last); break;
      case 2: tile_avx512<2, V>(J, bp, i, j0, k0, kc, first, last); break;
      case 3: tile_avx512<3, V>(J, bp, i, j0, k0, kc, first, last); break;
      case 4: tile_avx512<4, V>(J, bp, i, j0, k0, kc, first, last); break;
      case 5: tile_avx512<5, V>(J, bp, i, j0, k0, kc, first, last); break;
      case 6: tile_avx512<6, V>(J, bp, i, j0, k0, kc, first, last); break;
      default: tile_avx512<7, V>(J, bp, i, j0, k0, kc, first, last); break;
    }
  }
}

// Rows [r0, r1) against the packed panel bp of columns [j0, j0 + NR5), k in [k0, k0 + kc); a
// narrow last panel runs only the vectors that hold columns (20 columns: 2 of 3).
void panel_avx512(const Job& J, const float* bp, int j0, int r0, int r1, int k0, int kc, bool first, bool last) {
  const int cols = J.m - j0 < NR5 ? J.m - j0 : NR5;
  if (cols > 32) rows_avx512<3>(J, bp, j0, r0, r1, k0, kc, first, last);
  else if (cols > 16) rows_avx512<2>(J, bp, j0, r0, r1, k0, kc, first, last);
  else rows_avx512<1>(J, bp, j0, r0, r1, k0, kc, first, last);
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

void cost_avx2(const Job& J, int threads) {
  const int nr = NR2, mr = 6;
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
        pack_panel(J.b, J.m, J.d, nr, p, buf);
        packedP = p;
      }
      panel_avx2(J, buf, j0, r0, r1);
    }
  });
}

// AVX-512: Goto-style blocking. First every panel of B is packed once (k-major, NR5 columns;
// threads take panels from a counter) into one buffer (~9.7 MB at 500 x 4608: in L3). Then the
// rows are cut into chunks of CH rows, taken by the threads from a counter; a chunk walks k in
// slabs of KC, and for each slab every panel over all of its row tiles: the chunk's A slab
// (CH x KC floats, 768 KB) stays in L2 and the panel's slab (KC x NR5, 288 KB) is read in order
// while they are reused. (Measured at 500 x 500 x 4608 on one Zen 4 core: ~96 GFLOPS of useful
// work, the same as one pass over all of k per tile; the FMA peak is ~107.) Partial sums go through the output
// between slabs (exact float32), so each output is one FMA chain over k in order, as in the AVX2
// path: the two give bit-identical matrices.
void cost_avx512(const Job& J, int threads) {
  constexpr int CH = 128, KC = 1536;
  const int np = (J.m + NR5 - 1) / NR5;
  const size_t panelFloats = (size_t)NR5 * J.d;
  float* packed = panel_buffers(panelFloats * np);
  const int chunks = (J.n + CH - 1) / CH;
  std::atomic<int> nextPanel{0};
  run_threads(std::min(threads, np), [&](int) {
    for (int p; (p = nextPanel.fetch_add(1, std::memory_order_relaxed)) < np;) {
      const int j0 = p * NR5, j1 = std::min(J.m, j0 + NR5);
      if (!tile_needed(J, 0, J.n, j0, j1)) continue;
      pack_panel_avx512(J.b, J.m, J.d, p, packed + panelFloats * p);
    }
  });
  std::atomic<int> nextChunk{0};
  run_threads(std::min(threads, chunks), [&](int) {
    for (int c; (c = nextChunk.fetch_add(1, std::memory_order_relaxed)) < chunks;) {
      const int r0 = c * CH, r1 = std::min(J.n, r0 + CH);
      for (int k0 = 0; k0 < J.d; k0 += KC) {
        const int kc = std::min(KC, J.d - k0);
        for (int p = 0; p < np; p++) {
          const int j0 = p * NR5, j1 = std::min(J.m, j0 + NR5);
          if (!tile_needed(J, r0, r1, j0, j1)) continue;
          panel_avx512(J, packed + panelFloats * p, j0, r0, r1, k0, kc, k0 == 0, k0 + kc >= J.d);
        }
      }
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
  if (isa == ISA_AVX512) { cost_avx512(J, threads); return; }
  if (isa == ISA_AVX2) { cost_avx2(J, threads); return; }
  if (threads > n) threads = n;
  run_threads(threads, [&](int t) {
    rows_scalar(J, (int)((int64_t)n * t / threads), (int)((int64_t)n * (t + 1) / threads));
  });
}

}  // namespace sdtw

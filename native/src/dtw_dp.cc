// DTW DP. Two implementations of the same recurrence (see dtw_common.h / dtw-reference.ts):
// - scalar: row by row, one byte of direction per band cell;
// - AVX-512: strips of 16 rows swept as a skewed wavefront. Lane k of the vector holds row
//   r0+k at column t-k, so at step t every lane's three predecessors are already known:
//   left = own value at t-1, up = lane k-1 at t-1, diag = lane k-1 at t-2 (= previous "up").
//   One lane shift (valignd) per step; the cost comes in by a masked gather; directions are
//   stored as two 16-bit masks per step (2 bits a cell).
#include "dtw_dp.h"

#include <immintrin.h>

#include <cstdlib>
#include <cstring>
#include <limits>
#include <memory>
#include <stdexcept>
#ifdef __linux__
#include <sys/mman.h>
#endif

#include "dtw_common.h"

namespace sdtw {

namespace {

constexpr float INF = std::numeric_limits<float>::infinity();

struct Ends {
  std::vector<float> rowD, colD;
  std::vector<int32_t> rowL, colL;
  Ends(int n, int m) : rowD(m, INF), colD(n, INF), rowL(m, 0), colL(n, 0) {}
};

// Row 0 of every variant; fills prev/prevL (m entries, +inf outside the band).
void row0(const float* cost, int m, int variant, const int32_t* lo, const int32_t* hi, float* prev, int32_t* prevL) {
  for (int j = 0; j < m; j++) { prev[j] = INF; prevL[j] = 0; }
  for (int j = lo[0]; j <= hi[0]; j++) {
    if (free_row0(variant) || j == 0) { prev[j] = cost[j]; prevL[j] = 1; }
    else { prev[j] = cost[j] + prev[j - 1]; prevL[j] = prevL[j - 1] + 1; }
  }
}

DtwOut finish(int variant, int n, int m, const Ends& E, const int32_t* lo, const int32_t* hi) {
  EndCell e = select_end(variant, n, m, E.rowD.data(), E.rowL.data(), E.colD.data(), E.colL.data(), lo, hi);
  if (!std::isfinite(e.cost)) throw std::runtime_error("DTW: no finite path (non-finite costs in the input?)");
  DtwOut out;
  out.cost = e.cost;
  return out;
}

// ---------------------------------------------------------------- scalar
DtwOut dp_scalar(const float* cost, int n, int m, int variant, const int32_t* lo, const int32_t* hi) {
  std::vector<int64_t> rowOff(n + 1, 0);
  for (int i = 0; i < n; i++) rowOff[i + 1] = rowOff[i] + (hi[i] - lo[i] + 1);
  std::vector<uint8_t> dirs(rowOff[n]);
  std::vector<float> bufA(m + 1, INF), bufB(m + 1, INF);
  std::vector<int32_t> lA(m + 1, 0), lB(m + 1, 0);
  float* prev = bufA.data();
  float* cur = bufB.data();
  int32_t* prevL = lA.data();
  int32_t* curL = lB.data();
  Ends E(n, m);
  // shifted by one: index 0 is the virtual column -1
  row0(cost, m, variant, lo, hi, cur + 1, curL + 1);
  if (hi[0] == m - 1) { E.colD[0] = cur[m]; E.colL[0] = curL[m]; }
  const bool fc0 = free_col0(variant);
  for (int i = 1; i < n; i++) {
    std::swap(prev, cur);
    std::swap(prevL, curL);
    if (i >= 2) for (int j = lo[i - 2]; j <= hi[i - 2]; j++) cur[j + 1] = INF;
    const float* c = cost + (size_t)i * m;
    uint8_t* dr = dirs.data() + rowOff[i] - lo[i];
    for (int j = lo[i]; j <= hi[i]; j++) {
      if (fc0 && j == 0) { cur[1] = c[0]; curL[1] = 1; dr[0] = START; continue; }
      float best = prev[j];
      uint8_t d = DIAG;
      const float up = prev[j + 1];
      if (up < best) { best = up; d = UP; }
      const float left = cur[j];
      if (left < best) { best = left; d = LEFT; }
      cur[j + 1] = c[j] + best;
      curL[j + 1] = (d == DIAG ? prevL[j] : d == UP ? prevL[j + 1] : curL[j]) + 1;
      dr[j] = d;
    }
    if (hi[i] == m - 1) { E.colD[i] = cur[m]; E.colL[i] = curL[m]; }
  }
  for (int j = 0; j < m; j++) { E.rowD[j] = cur[j + 1]; E.rowL[j] = curL[j + 1]; }
  DtwOut out = finish(variant, n, m, E, lo, hi);
  EndCell e = select_end(variant, n, m, E.rowD.data(), E.rowL.data(), E.colD.data(), E.colL.data(), lo, hi);
  backtrack(variant, e, [&](int i, int j) { return (int)dirs[rowOff[i] + (j - lo[i])]; }, out.path);
  return out;
}

// ---------------------------------------------------------------- AVX-512 strips
struct StripDirs {
  std::vector<int64_t> off;   // per strip: first word
  std::vector<int32_t> t0;    // per strip: first step
  std::vector<uint32_t> words;  // per step: up-mask | left-mask << 16
};

#pragma GCC push_options
#pragma GCC target("avx512f,avx512bw,avx512vl,avx2,fma")

template <bool TrackLen, bool FreeCol0>
void strips_avx512(const float* cost, int n, int m, const int32_t* lo, const int32_t* hi, float* prevRow,
                   int32_t* prevRowL, float* vbuf, int32_t* lbuf, StripDirs& S, Ends& E, int variant) {
  (void)variant;
  const __m512 inf = _mm512_set1_ps(INF);
  const __m512i lane = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
  const int nstrips = (n - 1 + 15) / 16;
  for (int s = 0; s < nstrips; s++) {
    const int r0 = 1 + 16 * s;
    const int vr = n - r0 < 16 ? n - r0 : 16;
    alignas(64) int32_t loA[16], hiA[16];
    for (int k = 0; k < 16; k++) {
      if (k < vr) { loA[k] = lo[r0 + k]; hiA[k] = hi[r0 + k]; }
      else { loA[k] = 1; hiA[k] = 0; }  // empty: lane never in band
    }
    const __m512i loV = _mm512_load_si512(loA), hiV = _mm512_load_si512(hiA);
    const int tStart = lo[r0];
    const int tEnd = hi[r0 + vr - 1] + (vr - 1);
    const int steps = tEnd - tStart + 1;
    S.off[s] = (int64_t)S.words.size();
    S.t0[s] = tStart;
    S.words.resize(S.words.size() + steps);
    uint32_t* W = S.words.data() + S.off[s];
    const float* base = cost + (size_t)r0 * m;
    const __m512i gidx0 = _mm512_mullo_epi32(lane, _mm512_set1_epi32(m - 1));  // k*(m-1); + t gives (r0+k, t-k)

    __m512 P = inf;
    __m512 upPrev = _mm512_mask_mov_ps(inf, 1, _mm512_set1_ps(tStart >= 1 ? prevRow[tStart - 1] : INF));
    __m512i PL = _mm512_setzero_si512();
    __m512i upPrevL = _mm512_mask_mov_epi32(_mm512_setzero_si512(), 1,
                                            _mm512_set1_epi32(tStart >= 1 ? prevRowL[tStart - 1] : 0));
    const __m512i one = _mm512_set1_epi32(1);
    for (int t = tStart; t <= tEnd; t++) {
      const __m512i tv = _mm512_set1_epi32(t);
      const __m512i jv = _mm512_sub_epi32(tv, lane);
      const __mmask16 inb = _mm512_cmpge_epi32_mask(jv, loV) & _mm512_cmple_epi32_mask(jv, hiV);
      const __m512 C = _mm512_mask_i32gather_ps(inf, inb, _mm512_add_epi32(gidx0, tv), base, 4);
      // prevRow is padded with +inf up to m+16 entries, so t < m+16 always reads inside.
      const __m512 up = _mm512_castsi512_ps(
          _mm512_alignr_epi32(_mm512_castps_si512(P), _mm512_castps_si512(_mm512_set1_ps(prevRow[t])), 15));
      const __mmask16 m1 = _mm512_cmp_ps_mask(up, upPrev, _CMP_LT_OQ);
      __m512 best = _mm512_mask_blend_ps(m1, upPrev, up);
      const __mmask16 m2 = _mm512_cmp_ps_mask(P, best, _CMP_LT_OQ);
      best = _mm512_mask_blend_ps(m2, best, P);
      __m512 V = _mm512_add_ps(C, best);
      __mmask16 startM = 0;
      if (FreeCol0) {
        startM = _mm512_cmpeq_epi32_mask(jv, _mm512_setzero_si512()) & inb;
        V = _mm512_mask_mov_ps(V, startM, C);
      }
      W[t - tStart] = (uint32_t)m1 | ((uint32_t)m2 << 16);
      _mm512_store_ps(vbuf + (size_t)(t - tStart) * 16, V);
      if (TrackLen) {
        const __m512i upL = _mm512_alignr_epi32(PL, _mm512_set1_epi32(prevRowL[t]), 15);
        __m512i L = _mm512_mask_blend_epi32(m1, upPrevL, upL);
        L = _mm512_mask_blend_epi32(m2, L, PL);
        L = _mm512_add_epi32(L, one);
        if (FreeCol0) L = _mm512_mask_mov_epi32(L, startM, one);
        _mm512_store_si512(lbuf + (size_t)(t - tStart) * 16, L);
        upPrevL = upL;
        PL = L;
      }
      upPrev = up;
      P = V;
    }
    // Hand the strip's last row to the next strip, and record last-column / last-row values.
    const int kl = vr - 1;
    const int rl = r0 + kl;
    for (int j = lo[r0 - 1]; j <= hi[r0 - 1]; j++) prevRow[j] = INF;
    for (int j = lo[rl]; j <= hi[rl]; j++) {
      const size_t q = (size_t)(j + kl - tStart) * 16 + kl;
      prevRow[j] = vbuf[q];
      if (TrackLen) prevRowL[j] = lbuf[q];
    }
    for (int k = 0; k < vr; k++) {
      if (hi[r0 + k] == m - 1) {
        const size_t q = (size_t)(m - 1 + k - tStart) * 16 + k;
        E.colD[r0 + k] = vbuf[q];
        if (TrackLen) E.colL[r0 + k] = lbuf[q];
      }
    }
  }
}
#pragma GCC pop_options

DtwOut dp_avx512(const float* cost, int n, int m, int variant, const int32_t* lo, const int32_t* hi) {
  Ends E(n, m);
  std::vector<float> prevRow(m + 16, INF);
  std::vector<int32_t> prevRowL(m + 16, 0);
  row0(cost, m, variant, lo, hi, prevRow.data(), prevRowL.data());
  if (hi[0] == m - 1) { E.colD[0] = prevRow[m - 1]; E.colL[0] = prevRowL[m - 1]; }
  const int nstrips = (n - 1 + 15) / 16;
  StripDirs S;
  S.off.resize(nstrips);
  S.t0.resize(nstrips);
  int64_t total = 0;
  int maxSteps = 0;
  for (int s = 0; s < nstrips; s++) {
    const int r0 = 1 + 16 * s, vr = n - r0 < 16 ? n - r0 : 16;
    const int steps = hi[r0 + vr - 1] + (vr - 1) - lo[r0] + 1;
    total += steps;
    if (steps > maxSteps) maxSteps = steps;
  }
  S.words.reserve(total);
  float* vbuf = static_cast<float*>(std::aligned_alloc(64, (size_t)(maxSteps + 1) * 16 * sizeof(float)));
  int32_t* lbuf = static_cast<int32_t*>(std::aligned_alloc(64, (size_t)(maxSteps + 1) * 16 * sizeof(int32_t)));
  if (!vbuf || !lbuf) { std::free(vbuf); std::free(lbuf); throw std::bad_alloc(); }
  const bool track = open_end(variant);
  const bool fc0 = free_col0(variant);
  try {
    if (nstrips > 0) {
      if (track && fc0) strips_avx512<true, true>(cost, n, m, lo, hi, prevRow.data(), prevRowL.data(), vbuf, lbuf, S, E, variant);
      else if (track) strips_avx512<true, false>(cost, n, m, lo, hi, prevRow.data(), prevRowL.data(), vbuf, lbuf, S, E, variant);
      else strips_avx512<false, false>(cost, n, m, lo, hi, prevRow.data(), prevRowL.data(), vbuf, lbuf, S, E, variant);
    }
  } catch (...) {
    std::free(vbuf); std::free(lbuf);
    throw;
  }
  std::free(vbuf);
  std::free(lbuf);
  // prevRow now holds the last row.
  for (int j = 0; j < m; j++) { E.rowD[j] = prevRow[j]; E.rowL[j] = prevRowL[j]; }
  DtwOut out = finish(variant, n, m, E, lo, hi);
  EndCell e = select_end(variant, n, m, E.rowD.data(), E.rowL.data(), E.colD.data(), E.colL.data(), lo, hi);
  backtrack(variant, e, [&](int i, int j) {
    const int s = (i - 1) >> 4, k = (i - 1) & 15;
    const uint32_t w = S.words[S.off[s] + (j + k - S.t0[s])];
    if ((w >> (16 + k)) & 1u) return (int)LEFT;
    if ((w >> k) & 1u) return (int)UP;
    return (int)DIAG;
  }, out.path);
  return out;
}

}  // namespace

DtwOut dtw_from_cost(const float* cost, int n, int m, int variant, int band, Isa isa) {
  if (n <= 0 || m <= 0) throw std::invalid_argument("DTW: empty cost matrix");
  if (variant < 0 || variant > 3) throw std::invalid_argument("DTW: unknown variant");
  std::vector<int32_t> lo(n), hi(n);
  band_limits(n, m, band, lo.data(), hi.data());
  if (isa > detect_isa()) isa = detect_isa();
  if (isa == ISA_AVX512) return dp_avx512(cost, n, m, variant, lo.data(), hi.data());
  return dp_scalar(cost, n, m, variant, lo.data(), hi.data());
}

namespace {

struct FreeDeleter { void operator()(float* p) const { std::free(p); } };

// The n*m cost matrix. Past glibc's largest mmap threshold (32 MB) malloc maps fresh pages on
// every call, and first-touching them 4 KB at a time cost ~20 ms at 4000 x 4000 (64 MB);
// 2 MB-aligned with MADV_HUGEPAGE that is 32 faults. Smaller blocks come back from the heap warm.
std::unique_ptr<float, FreeDeleter> cost_buffer(size_t floats) {
  const size_t bytes = floats * sizeof(float);
  constexpr size_t kHuge = (size_t)2 << 20;
  float* p = nullptr;
  if (bytes >= ((size_t)32 << 20)) {
    p = static_cast<float*>(std::aligned_alloc(kHuge, (bytes + kHuge - 1) / kHuge * kHuge));
#ifdef __linux__
    if (p) madvise(p, (bytes + kHuge - 1) / kHuge * kHuge, MADV_HUGEPAGE);  // advisory; failure is harmless
#endif
  } else {
    p = static_cast<float*>(std::malloc(bytes));
  }
  if (!p) throw std::bad_alloc();
  return std::unique_ptr<float, FreeDeleter>(p);
}

}  // namespace

DtwOut dtw_full(const float* a, int n, const float* b, int m, int d, int variant, int band, Isa isa, int threads) {
  if (n <= 0 || m <= 0 || d <= 0) throw std::invalid_argument("DTW: empty input");
  std::vector<int32_t> lo(n), hi(n);
  band_limits(n, m, band, lo.data(), hi.data());
  auto cost = cost_buffer((size_t)n * m);
  cosine_cost(a, n, b, m, d, cost.get(), isa, threads, band >= 0 ? lo.data() : nullptr, band >= 0 ? hi.data() : nullptr);
  return dtw_from_cost(cost.get(), n, m, variant, band, isa);
}

}  // namespace sdtw

// CUDA DTW: cosine cost as a shared-memory tiled GEMM, then the DP as an anti-diagonal wavefront
// (one thread block per (gold, reference) pair, so a batch fills the GPU); end selection and
// backtrack run on the host with the same code as the CPU addon (../src/dtw_common.h), so all
// backends agree. Each DP cell uses exactly the float32 operations of the reference (one
// __fadd_rn), so on the same cost matrix the path is bit-identical to the CPU backends.
//
// Why it is laid out this way: the wavefront is latency-bound (one barrier per anti-diagonal), so
// - the GEMM writes the cost matrix anti-diagonal-major ("skewed"), and the threads of one
//   diagonal read consecutive addresses (one coalesced load instead of one per row);
// - the three live diagonals of accumulated cost and path length sit in shared memory when
//   they fit (24 bytes per gold row: up to ~9400 rows on an H100), else in global memory;
// - direction codes are one byte per band cell in row-band layout (O(n*band) with a band),
//   written once and copied back for the host backtrack; with a band the GEMM also computes and
//   keeps only the band's costs, in the same layout;
// - each batch chunk takes one device allocation, carved into every buffer it needs.
// native/cuda/emu/ emulates the CUDA used here on the CPU, so the logic is tested without a GPU.
#include <cuda_runtime.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "../src/dtw_common.h"
#include "dtw_cuda.h"

#ifndef SDTW_CUDA_EMULATION
__device__ __forceinline__ unsigned char* sdtw_dynamic_shared() {
  extern __shared__ __align__(16) unsigned char smem[];
  return smem;
}
#endif

namespace {

thread_local std::string g_err;

bool ok(cudaError_t e, const char* what) {
  if (e == cudaSuccess) return true;
  g_err = std::string(what) + ": " + cudaGetErrorString(e);
  return false;
}
#define CK(x) do { if (!ok((x), #x)) return -1; } while (0)

constexpr int BM = 64, BN = 64, BK = 16;

// Cells on anti-diagonals 0..k-1 of an n x m matrix (the skewed layout's offset of diagonal k).
__host__ __device__ __forceinline__ long long diag_start(long long k, long long n, long long m) {
  auto tri = [](long long x) { return x > 0 ? x * (x + 1) / 2 : 0; };
  return tri(k) - tri(k - n) - tri(k - m);
}
__host__ __device__ __forceinline__ int diag_first_row(int k, int m) { return k - (m - 1) > 0 ? k - (m - 1) : 0; }

// Where cell (i, j) of the cost matrix is stored.
enum Layout : int {
  ROW_MAJOR = 0,  // i * m + j (the cost-only entry point)
  SKEWED = 1,     // anti-diagonal-major (diag_start): the wavefront reads one diagonal contiguously
  BAND = 2,       // only the Sakoe-Chiba band, row by row at rowOff[i] + j - lo[i]: O(n * band) floats
};

// C = 1 - A B^T; 256 threads, each a 4x4 register tile (strided by 16), stored in layout L. BAND
// computes only tiles that touch the band (lo/hi are non-decreasing in i) and stores band cells.
template <int L>
__global__ void cost_kernel(const float* __restrict__ A, const float* __restrict__ B, float* __restrict__ C, int n,
                            int m, int d, const int* __restrict__ lo, const int* __restrict__ hi,
                            const long long* __restrict__ rowOff) {
  if (L == BAND) {
    const int ia = blockIdx.y * BM, ib = (ia + BM < n ? ia + BM : n) - 1;
    const int ja = blockIdx.x * BN, jb = (ja + BN < m ? ja + BN : m) - 1;
    if (jb < lo[ia] || ja > hi[ib]) return;  // the whole block leaves: no barrier is skipped by half of it
  }
  __shared__ float As[BK][BM + 4];
  __shared__ float Bs[BK][BN + 4];
  const int tx = threadIdx.x % 16, ty = threadIdx.x / 16;
  const int i0 = blockIdx.y * BM, j0 = blockIdx.x * BN;
  float acc[4][4] = {};
  for (int k0 = 0; k0 < d; k0 += BK) {
    for (int e = threadIdx.x; e < BM * BK; e += blockDim.x) {
      const int r = e / BK, kk = e % BK, gk = k0 + kk;
      const int gi = i0 + r, gj = j0 + r;
      As[kk][r] = (gi < n && gk < d) ? A[(size_t)gi * d + gk] : 0.f;
      Bs[kk][r] = (gj < m && gk < d) ? B[(size_t)gj * d + gk] : 0.f;
    }
    __syncthreads();
#pragma unroll
    for (int kk = 0; kk < BK; kk++) {
      float a[4], b[4];
#pragma unroll
      for (int r = 0; r < 4; r++) a[r] = As[kk][ty + 16 * r];
#pragma unroll
      for (int c = 0; c < 4; c++) b[c] = Bs[kk][tx + 16 * c];
#pragma unroll
      for (int r = 0; r < 4; r++)
#pragma unroll
        for (int c = 0; c < 4; c++) acc[r][c] = fmaf(a[r], b[c], acc[r][c]);
    }
    __syncthreads();
  }
#pragma unroll
  for (int r = 0; r < 4; r++) {
    const int i = i0 + ty + 16 * r;
    if (i >= n) continue;
#pragma unroll
    for (int c = 0; c < 4; c++) {
      const int j = j0 + tx + 16 * c;
      if (j >= m) continue;
      size_t at;
      if (L == BAND) {
        if (j < lo[i] || j > hi[i]) continue;
        at = (size_t)(rowOff[i] + (j - lo[i]));
      } else if (L == SKEWED) {
        at = (size_t)(diag_start(i + j, n, m) + (i - diag_first_row(i + j, m)));
      } else {
        at = (size_t)i * m + j;
      }
      C[at] = 1.f - acc[r][c];
    }
  }
}

struct PairDev {
  const float* cost;  // SKEWED n x m, or BAND (see Layout)
  int m;
  const int* lo;
  const int* hi;
  const long long* rowOff;
  unsigned char* dirs;
  float* lastD;  // m entries for the last row, then n for the last column
  int* lastL;
  float* dbuf;   // 3*n, used when the diagonals do not fit in shared memory
  int* lbuf;     // 3*n
};

__device__ __forceinline__ bool inb(const int* lo, const int* hi, int i, int j) { return j >= lo[i] && j <= hi[i]; }

// One block per pair; the block sweeps anti-diagonals k = i + j, threads stride over i.
// Buffers hold diagonals k-2, k-1 and k, indexed by row; every read checks the band first,
// so stale entries are never used.
template <bool InShared, bool Banded>
__global__ void dp_kernel(const PairDev* __restrict__ pairs, int n, int variant) {
  const PairDev P = pairs[blockIdx.x];
  const int m = P.m;
  const float INF = __int_as_float(0x7f800000);
  const bool fr0 = variant == sdtw::SUBSEQUENCE || variant == sdtw::OPEN_BEGIN_END;
  const bool fc0 = variant == sdtw::OPEN_BEGIN_END;
  float* dbase = InShared ? reinterpret_cast<float*>(sdtw_dynamic_shared()) : P.dbuf;
  int* lbase = InShared ? reinterpret_cast<int*>(sdtw_dynamic_shared() + 3 * (size_t)n * sizeof(float)) : P.lbuf;
  float* d2 = dbase;
  float* d1 = dbase + n;
  float* d0 = dbase + 2 * n;
  int* l2 = lbase;
  int* l1 = lbase + n;
  int* l0 = lbase + 2 * n;
  for (int k = 0; k <= n + m - 2; k++) {
    const int ib = diag_first_row(k, m);
    const int ie = k < n - 1 ? k : n - 1;
    const float* cdiag = P.cost + diag_start(k, n, m) - ib;  // SKEWED: cdiag[i] is cell (i, k - i)
    for (int i = ib + (int)threadIdx.x; i <= ie; i += blockDim.x) {
      const int j = k - i;
      float v = INF;
      int L = 0;
      if (inb(P.lo, P.hi, i, j)) {
        const float c = Banded ? P.cost[P.rowOff[i] + (j - P.lo[i])] : cdiag[i];
        unsigned char dir;
        if (i == 0) {
          if (fr0 || j == 0) { v = c; L = 1; dir = sdtw::START; }
          else { v = __fadd_rn(c, d1[0]); L = l1[0] + 1; dir = sdtw::LEFT; }
        } else if (fc0 && j == 0) {
          v = c; L = 1; dir = sdtw::START;
        } else {
          float best = INF;
          int bl = 0;
          dir = sdtw::DIAG;
          if (j >= 1 && inb(P.lo, P.hi, i - 1, j - 1)) { best = d2[i - 1]; bl = l2[i - 1]; }
          if (inb(P.lo, P.hi, i - 1, j)) {
            const float up = d1[i - 1];
            if (up < best) { best = up; bl = l1[i - 1]; dir = sdtw::UP; }
          }
          if (j >= 1 && inb(P.lo, P.hi, i, j - 1)) {
            const float left = d1[i];
            if (left < best) { best = left; bl = l1[i]; dir = sdtw::LEFT; }
          }
          v = __fadd_rn(c, best);
          L = bl + 1;
        }
        P.dirs[P.rowOff[i] + (j - P.lo[i])] = dir;
        if (i == n - 1) { P.lastD[j] = v; P.lastL[j] = L; }
        if (j == m - 1) { P.lastD[m + i] = v; P.lastL[m + i] = L; }
      }
      d0[i] = v;
      l0[i] = L;
    }
    __syncthreads();
    float* tf = d2; d2 = d1; d1 = d0; d0 = tf;
    int* ti = l2; l2 = l1; l1 = l0; l0 = ti;
  }
}

// One device allocation, freed by the destructor.
struct DevBuf {
  unsigned char* p = nullptr;
  DevBuf() = default;
  DevBuf(const DevBuf&) = delete;
  DevBuf& operator=(const DevBuf&) = delete;
  ~DevBuf() { if (p) cudaFree(p); }
};

// Hands out 256-byte-aligned pieces of one allocation: sizes first (base == nullptr), then pointers.
struct Carver {
  unsigned char* base;
  size_t used = 0;
  template <class T>
  T* take(size_t count) {
    used = (used + 255) & ~(size_t)255;
    T* p = base ? reinterpret_cast<T*>(base + used) : nullptr;
    used += count * sizeof(T);
    return p;
  }
};

struct PairHost {
  int m;
  std::vector<int32_t> lo, hi;
  std::vector<long long> off;  // row offsets into the band-packed direction codes (and BAND costs)
};

// Lays out one pair's buffers (sizes only when c.base is null).
PairDev carve_pair(Carver& c, const PairHost& h, int n, int d, bool shared, bool banded, float** ref) {
  PairDev p{};
  *ref = c.take<float>((size_t)h.m * d);
  p.cost = c.take<float>(banded ? (size_t)h.off[n] : (size_t)n * h.m);
  p.m = h.m;
  p.lo = c.take<int>(n);
  p.hi = c.take<int>(n);
  p.rowOff = c.take<long long>(n + 1);
  p.dirs = c.take<unsigned char>((size_t)h.off[n]);
  p.lastD = c.take<float>(h.m + n);
  p.lastL = c.take<int>(h.m + n);
  if (!shared) {
    p.dbuf = c.take<float>(3 * (size_t)n);
    p.lbuf = c.take<int>(3 * (size_t)n);
  }
  return p;
}

// Largest dynamic shared memory one block may use on the current device.
size_t shared_limit() {
  int dev = 0, v = 0;
  if (cudaGetDevice(&dev) != cudaSuccess || cudaDeviceGetAttribute(&v, cudaDevAttrMaxSharedMemoryPerBlockOptin, dev) != cudaSuccess)
    return 48 * 1024;
  return (size_t)v;
}

// Runs pairs [first, first+count) and fills out.
int run_chunk(const float* dGold, int n, int d, const float* const* refs, const int* ms, int first, int count,
              int variant, int band, sdtw_cuda_result* out, cudaStream_t st) {
  const size_t smem = 3 * (size_t)n * (sizeof(float) + sizeof(int));
  const bool inShared = smem <= shared_limit();
  // With a band only the band's costs are computed and kept (O(n * band) device memory).
  const bool banded = band >= 0;
  std::vector<PairHost> hosts(count);
  for (int q = 0; q < count; q++) {
    PairHost& h = hosts[q];
    h.m = ms[first + q];
    h.lo.resize(n); h.hi.resize(n); h.off.resize(n + 1);
    sdtw::band_limits(n, h.m, band, h.lo.data(), h.hi.data());
    h.off[0] = 0;
    for (int i = 0; i < n; i++) h.off[i + 1] = h.off[i] + (h.hi[i] - h.lo[i] + 1);
  }
  Carver sizing{nullptr};
  float* unused;
  for (int q = 0; q < count; q++) carve_pair(sizing, hosts[q], n, d, inShared, banded, &unused);
  sizing.take<PairDev>(count);  // the pairs table, carved last below
  DevBuf buf;
  CK(cudaMalloc(reinterpret_cast<void**>(&buf.p), sizing.used));
  Carver carver{buf.p};
  std::vector<PairDev> pairs(count);
  for (int q = 0; q < count; q++) {
    const PairHost& h = hosts[q];
    float* ref;
    pairs[q] = carve_pair(carver, h, n, d, inShared, banded, &ref);
    CK(cudaMemcpyAsync(ref, refs[first + q], (size_t)h.m * d * sizeof(float), cudaMemcpyHostToDevice, st));
    CK(cudaMemcpyAsync(const_cast<int*>(pairs[q].lo), h.lo.data(), n * sizeof(int), cudaMemcpyHostToDevice, st));
    CK(cudaMemcpyAsync(const_cast<int*>(pairs[q].hi), h.hi.data(), n * sizeof(int), cudaMemcpyHostToDevice, st));
    CK(cudaMemcpyAsync(const_cast<long long*>(pairs[q].rowOff), h.off.data(), (n + 1) * sizeof(long long),
                       cudaMemcpyHostToDevice, st));
    // lastD/lastL are written for band cells only; the host masks the rest as +inf.
    dim3 grid((h.m + BN - 1) / BN, (n + BM - 1) / BM);
    float* cost = const_cast<float*>(pairs[q].cost);
    if (banded)
      cost_kernel<BAND><<<grid, 256, 0, st>>>(dGold, ref, cost, n, h.m, d, pairs[q].lo, pairs[q].hi, pairs[q].rowOff);
    else
      cost_kernel<SKEWED><<<grid, 256, 0, st>>>(dGold, ref, cost, n, h.m, d, nullptr, nullptr, nullptr);
    CK(cudaGetLastError());
  }
  PairDev* dPairs = carver.take<PairDev>(count);
  CK(cudaMemcpyAsync(dPairs, pairs.data(), count * sizeof(PairDev), cudaMemcpyHostToDevice, st));
  const int threads = n >= 1024 ? 1024 : ((n + 31) / 32) * 32;
  if (inShared && banded) {
    CK(cudaFuncSetAttribute(dp_kernel<true, true>, cudaFuncAttributeMaxDynamicSharedMemorySize, (int)smem));
    dp_kernel<true, true><<<count, threads, smem, st>>>(dPairs, n, variant);
  } else if (inShared) {
    CK(cudaFuncSetAttribute(dp_kernel<true, false>, cudaFuncAttributeMaxDynamicSharedMemorySize, (int)smem));
    dp_kernel<true, false><<<count, threads, smem, st>>>(dPairs, n, variant);
  } else if (banded) {
    dp_kernel<false, true><<<count, threads, 0, st>>>(dPairs, n, variant);
  } else {
    dp_kernel<false, false><<<count, threads, 0, st>>>(dPairs, n, variant);
  }
  CK(cudaGetLastError());
  CK(cudaStreamSynchronize(st));
  const float INF = __builtin_inff();
  std::vector<unsigned char> dirs;
  std::vector<float> lastD;
  std::vector<int32_t> lastL;
  std::vector<int32_t> flat;
  for (int q = 0; q < count; q++) {
    const PairHost& h = hosts[q];
    const int m = h.m;
    dirs.resize(h.off[n]);
    lastD.resize(m + n);
    lastL.resize(m + n);
    CK(cudaMemcpy(dirs.data(), pairs[q].dirs, dirs.size(), cudaMemcpyDeviceToHost));
    CK(cudaMemcpy(lastD.data(), pairs[q].lastD, (m + n) * sizeof(float), cudaMemcpyDeviceToHost));
    CK(cudaMemcpy(lastL.data(), pairs[q].lastL, (m + n) * sizeof(int32_t), cudaMemcpyDeviceToHost));
    // Only band cells were written on the device; the rest hold whatever the allocation held,
    // so mask them as +inf with length 1 (a garbage length could turn inf into -inf in select_end).
    for (int j = 0; j < m; j++)
      if (j < h.lo[n - 1] || j > h.hi[n - 1]) { lastD[j] = INF; lastL[j] = 1; }
    for (int i = 0; i < n; i++)
      if (h.hi[i] != m - 1) { lastD[m + i] = INF; lastL[m + i] = 1; }
    sdtw::EndCell e = sdtw::select_end(variant, n, m, lastD.data(), lastL.data(), lastD.data() + m, lastL.data() + m,
                                       h.lo.data(), h.hi.data());
    if (!(e.cost < INF)) { g_err = "no finite path (non-finite costs in the input?)"; return -1; }
    sdtw::backtrack(variant, e, [&](int i, int j) { return (int)dirs[h.off[i] + (j - h.lo[i])]; }, flat);
    sdtw_cuda_result& r = out[first + q];
    r.cost = e.cost;
    r.path_len = (int32_t)(flat.size() / 2);
    r.path = static_cast<int32_t*>(std::malloc(flat.size() * sizeof(int32_t)));
    if (!r.path) { g_err = "out of host memory"; return -1; }
    std::memcpy(r.path, flat.data(), flat.size() * sizeof(int32_t));
  }
  return 0;
}

}  // namespace

extern "C" {

int sdtw_cuda_abi(void) { return SDTW_CUDA_ABI; }

int sdtw_cuda_device_count(void) {
  int c = 0;
  if (!ok(cudaGetDeviceCount(&c), "cudaGetDeviceCount")) return 0;
  return c;
}

const char* sdtw_cuda_last_error(void) { return g_err.c_str(); }

void sdtw_cuda_free_path(int32_t* path) { std::free(path); }

int sdtw_cuda_dtw_batch(const float* gold, int n, int d, const float* const* refs, const int* ms, int count,
                        int variant, int band, sdtw_cuda_result* out) {
  g_err.clear();
  if (n <= 0 || d <= 0 || count < 0) { g_err = "empty input"; return -1; }
  if (variant < 0 || variant > 3) { g_err = "unknown variant"; return -1; }
  for (int q = 0; q < count; q++) { out[q].path = nullptr; out[q].path_len = 0; out[q].cost = 0; }
  cudaStream_t st;
  CK(cudaStreamCreate(&st));
  int rc = 0;
  {
    DevBuf gbuf;
    if (!ok(cudaMalloc(reinterpret_cast<void**>(&gbuf.p), (size_t)n * d * sizeof(float)), "cudaMalloc gold") ||
        !ok(cudaMemcpy(gbuf.p, gold, (size_t)n * d * sizeof(float), cudaMemcpyHostToDevice), "copy gold")) {
      rc = -1;
    }
    // Chunks bounded to ~1 GiB of cost matrices so a long batch never exhausts device memory.
    for (int first = 0; rc == 0 && first < count;) {
      size_t bytes = 0;
      int c = 0;
      while (first + c < count && (c == 0 || bytes + (size_t)n * ms[first + c] * 5 < ((size_t)1 << 30))) {
        bytes += (size_t)n * ms[first + c] * 5;
        c++;
      }
      rc = run_chunk(reinterpret_cast<const float*>(gbuf.p), n, d, refs, ms, first, c, variant, band, out, st);
      first += c;
    }
    if (rc != 0) cudaStreamSynchronize(st);  // nothing may still write into buffers freed below
  }
  cudaStreamDestroy(st);
  if (rc != 0) {
    for (int q = 0; q < count; q++) { std::free(out[q].path); out[q].path = nullptr; }
  }
  return rc;
}

int sdtw_cuda_cost(const float* a, int n, const float* b, int m, int d, float* out) {
  g_err.clear();
  if (n <= 0 || m <= 0 || d <= 0) { g_err = "empty input"; return -1; }
  DevBuf buf;
  Carver sizing{nullptr};
  sizing.take<float>((size_t)n * d);
  sizing.take<float>((size_t)m * d);
  sizing.take<float>((size_t)n * m);
  CK(cudaMalloc(reinterpret_cast<void**>(&buf.p), sizing.used));
  Carver c{buf.p};
  float* da = c.take<float>((size_t)n * d);
  float* db = c.take<float>((size_t)m * d);
  float* dc = c.take<float>((size_t)n * m);
  CK(cudaMemcpy(da, a, (size_t)n * d * sizeof(float), cudaMemcpyHostToDevice));
  CK(cudaMemcpy(db, b, (size_t)m * d * sizeof(float), cudaMemcpyHostToDevice));
  dim3 grid((m + BN - 1) / BN, (n + BM - 1) / BM);
  cost_kernel<ROW_MAJOR><<<grid, 256>>>(da, db, dc, n, m, d, nullptr, nullptr, nullptr);
  CK(cudaGetLastError());
  CK(cudaMemcpy(out, dc, (size_t)n * m * sizeof(float), cudaMemcpyDeviceToHost));
  return 0;
}

}  // extern "C"

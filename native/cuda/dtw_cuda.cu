// CUDA DTW: cosine cost as a shared-memory tiled GEMM, then the DP as an anti-diagonal wavefront
// (one thread block per (gold, reference) pair, so a batch fills the GPU), direction codes kept
// on the device as one byte per band cell and copied back; end selection and backtrack run on
// the host with the same code as the CPU addon (../src/dtw_common.h), so all backends agree.
// Each DP cell uses exactly the float32 operations of the reference (one __fadd_rn), so on the
// same cost matrix the path is bit-identical to the CPU backends.
#include <cuda_runtime.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "../src/dtw_common.h"
#include "dtw_cuda.h"

namespace {

thread_local std::string g_err;

bool ok(cudaError_t e, const char* what) {
  if (e == cudaSuccess) return true;
  g_err = std::string(what) + ": " + cudaGetErrorString(e);
  return false;
}
#define CK(x) do { if (!ok((x), #x)) return -1; } while (0)

constexpr int BM = 64, BN = 64, BK = 16;

// C[i*m + j] = 1 - dot(A_i, B_j); 256 threads, each a 4x4 register tile (strided by 16).
__global__ void cost_kernel(const float* __restrict__ A, const float* __restrict__ B, float* __restrict__ C, int n,
                            int m, int d) {
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
      if (j < m) C[(size_t)i * m + j] = 1.f - acc[r][c];
    }
  }
}

struct PairDev {
  const float* cost;
  int m;
  const int* lo;
  const int* hi;
  const long long* rowOff;
  unsigned char* dirs;
  float* lastRowD;
  int* lastRowL;
  float* lastColD;
  int* lastColL;
  float* dbuf;  // 3*n
  int* lbuf;    // 3*n
};

__device__ __forceinline__ bool inb(const int* lo, const int* hi, int i, int j) { return j >= lo[i] && j <= hi[i]; }

// One block per pair; the block sweeps anti-diagonals k = i + j, threads stride over i.
// Buffers hold diagonals k-2, k-1 and k, indexed by row; every read checks the band first,
// so stale entries are never used.
__global__ void dp_kernel(const PairDev* __restrict__ pairs, int n, int variant) {
  const PairDev P = pairs[blockIdx.x];
  const int m = P.m;
  const float INF = __int_as_float(0x7f800000);
  const bool fr0 = variant == sdtw::SUBSEQUENCE || variant == sdtw::OPEN_BEGIN_END;
  const bool fc0 = variant == sdtw::OPEN_BEGIN_END;
  float* d2 = P.dbuf;
  float* d1 = P.dbuf + n;
  float* d0 = P.dbuf + 2 * n;
  int* l2 = P.lbuf;
  int* l1 = P.lbuf + n;
  int* l0 = P.lbuf + 2 * n;
  for (int k = 0; k <= n + m - 2; k++) {
    const int ib = k - (m - 1) > 0 ? k - (m - 1) : 0;
    const int ie = k < n - 1 ? k : n - 1;
    for (int i = ib + (int)threadIdx.x; i <= ie; i += blockDim.x) {
      const int j = k - i;
      float v = INF;
      int L = 0;
      if (inb(P.lo, P.hi, i, j)) {
        const float c = P.cost[(size_t)i * m + j];
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
        if (i == n - 1) { P.lastRowD[j] = v; P.lastRowL[j] = L; }
        if (j == m - 1) { P.lastColD[i] = v; P.lastColL[i] = L; }
      }
      d0[i] = v;
      l0[i] = L;
    }
    __syncthreads();
    float* tf = d2; d2 = d1; d1 = d0; d0 = tf;
    int* ti = l2; l2 = l1; l1 = l0; l0 = ti;
  }
}

// Device memory of one pair, freed by the destructor.
struct PairMem {
  void* ptrs[10] = {};
  PairMem() = default;
  PairMem(const PairMem&) = delete;
  PairMem& operator=(const PairMem&) = delete;
  ~PairMem() { for (void* p : ptrs) if (p) cudaFree(p); }
};

template <class T>
int dalloc(PairMem& pm, int slot, T** p, size_t count) {
  CK(cudaMalloc(reinterpret_cast<void**>(p), count * sizeof(T)));
  pm.ptrs[slot] = *p;
  return 0;
}

// Runs pairs [first, first+count) and fills out.
int run_chunk(const float* dGold, int n, int d, const float* const* refs, const int* ms, int first, int count,
              int variant, int band, sdtw_cuda_result* out, cudaStream_t st) {
  std::vector<PairMem> mem(count);
  std::vector<PairDev> host(count);
  std::vector<std::vector<int32_t>> los(count), his(count);
  std::vector<std::vector<long long>> offs(count);
  for (int q = 0; q < count; q++) {
    const int m = ms[first + q];
    auto& lo = los[q];
    auto& hi = his[q];
    auto& off = offs[q];
    lo.resize(n); hi.resize(n); off.resize(n + 1);
    sdtw::band_limits(n, m, band, lo.data(), hi.data());
    off[0] = 0;
    for (int i = 0; i < n; i++) off[i + 1] = off[i] + (hi[i] - lo[i] + 1);
    float *ref, *cost, *lrd, *lcd, *db;
    int *lo_d, *hi_d, *lrl, *lcl, *lb;
    long long* off_d;
    unsigned char* dirs;
    PairMem& pm = mem[q];
    if (dalloc(pm, 0, &ref, (size_t)m * d) || dalloc(pm, 1, &cost, (size_t)n * m) || dalloc(pm, 2, &lo_d, n) ||
        dalloc(pm, 3, &hi_d, n) || dalloc(pm, 4, &off_d, n + 1) || dalloc(pm, 5, &dirs, (size_t)off[n]) ||
        dalloc(pm, 6, &lrd, m + n) || dalloc(pm, 7, &lrl, m + n) || dalloc(pm, 8, &db, 3 * (size_t)n) ||
        dalloc(pm, 9, &lb, 3 * (size_t)n))
      return -1;
    lcd = lrd + m;
    lcl = lrl + m;
    CK(cudaMemcpyAsync(ref, refs[first + q], (size_t)m * d * sizeof(float), cudaMemcpyHostToDevice, st));
    CK(cudaMemcpyAsync(lo_d, lo.data(), n * sizeof(int), cudaMemcpyHostToDevice, st));
    CK(cudaMemcpyAsync(hi_d, hi.data(), n * sizeof(int), cudaMemcpyHostToDevice, st));
    CK(cudaMemcpyAsync(off_d, off.data(), (n + 1) * sizeof(long long), cudaMemcpyHostToDevice, st));
    // lastRow/lastCol are written for every band cell; the host masks the rest as +inf.
    dim3 grid((m + BN - 1) / BN, (n + BM - 1) / BM);
    cost_kernel<<<grid, 256, 0, st>>>(dGold, ref, cost, n, m, d);
    CK(cudaGetLastError());
    host[q] = PairDev{cost, m, lo_d, hi_d, off_d, dirs, lrd, lrl, lcd, lcl, db, lb};
  }
  PairDev* dPairs = nullptr;
  CK(cudaMalloc(&dPairs, count * sizeof(PairDev)));
  PairMem pairsMem;
  pairsMem.ptrs[0] = dPairs;
  CK(cudaMemcpyAsync(dPairs, host.data(), count * sizeof(PairDev), cudaMemcpyHostToDevice, st));
  const int threads = n >= 1024 ? 1024 : ((n + 31) / 32) * 32;
  dp_kernel<<<count, threads, 0, st>>>(dPairs, n, variant);
  CK(cudaGetLastError());
  CK(cudaStreamSynchronize(st));
  for (int q = 0; q < count; q++) {
    const int m = ms[first + q];
    const auto& lo = los[q];
    const auto& hi = his[q];
    const auto& off = offs[q];
    std::vector<unsigned char> dirs(off[n]);
    std::vector<float> lastD(m + n);
    std::vector<int32_t> lastL(m + n);
    CK(cudaMemcpy(dirs.data(), host[q].dirs, dirs.size(), cudaMemcpyDeviceToHost));
    CK(cudaMemcpy(lastD.data(), host[q].lastRowD, (m + n) * sizeof(float), cudaMemcpyDeviceToHost));
    CK(cudaMemcpy(lastL.data(), host[q].lastRowL, (m + n) * sizeof(int32_t), cudaMemcpyDeviceToHost));
    const float INF = __builtin_inff();
    // Only band cells were written on the device; mask the rest as +inf.
    for (int j = 0; j < m; j++) if (j < lo[n - 1] || j > hi[n - 1]) lastD[j] = INF;
    for (int i = 0; i < n; i++) if (hi[i] != m - 1) lastD[m + i] = INF;
    sdtw::EndCell e = sdtw::select_end(variant, n, m, lastD.data(), lastL.data(), lastD.data() + m, lastL.data() + m,
                                       lo.data(), hi.data());
    if (!(e.cost < INF)) { g_err = "no finite path (non-finite costs in the input?)"; return -1; }
    std::vector<int32_t> flat;
    sdtw::backtrack(variant, e, [&](int i, int j) { return (int)dirs[off[i] + (j - lo[i])]; }, flat);
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
  float* dGold = nullptr;
  int rc = 0;
  if (!ok(cudaMalloc(&dGold, (size_t)n * d * sizeof(float)), "cudaMalloc gold") ||
      !ok(cudaMemcpy(dGold, gold, (size_t)n * d * sizeof(float), cudaMemcpyHostToDevice), "copy gold")) {
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
    rc = run_chunk(dGold, n, d, refs, ms, first, c, variant, band, out, st);
    first += c;
  }
  if (dGold) cudaFree(dGold);
  cudaStreamDestroy(st);
  if (rc != 0) {
    for (int q = 0; q < count; q++) { std::free(out[q].path); out[q].path = nullptr; }
  }
  return rc;
}

int sdtw_cuda_cost(const float* a, int n, const float* b, int m, int d, float* out) {
  g_err.clear();
  PairMem pm;
  float *da, *db, *dc;
  if (dalloc(pm, 0, &da, (size_t)n * d) || dalloc(pm, 1, &db, (size_t)m * d) || dalloc(pm, 2, &dc, (size_t)n * m))
    return -1;
  CK(cudaMemcpy(da, a, (size_t)n * d * sizeof(float), cudaMemcpyHostToDevice));
  CK(cudaMemcpy(db, b, (size_t)m * d * sizeof(float), cudaMemcpyHostToDevice));
  dim3 grid((m + BN - 1) / BN, (n + BM - 1) / BM);
  cost_kernel<<<grid, 256>>>(da, db, dc, n, m, d);
  CK(cudaGetLastError());
  CK(cudaMemcpy(out, dc, (size_t)n * m * sizeof(float), cudaMemcpyDeviceToHost));
  return 0;
}

}  // extern "C"

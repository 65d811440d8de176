// A CPU emulation of the small part of CUDA that ../dtw_cuda.cu uses, so the kernels' logic
// (index maths, band handling, buffer rotation, barriers) is tested on machines without a GPU.
// Each block's threads are real OS threads meeting at a real barrier, so a missing
// __syncthreads shows up as a wrong or unstable result; blocks of a grid run one after another,
// which is why __shared__ can be a function-static array. Launches are serialised.
// It says nothing about speed, and it is never built into the shipped library: the test builds
// it with g++ (scripts/build-cuda-emulation.mjs rewrites `k<<<cfg>>>(args)` to emu::launch).
#pragma once
#include <barrier>
#include <cmath>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <thread>
#include <vector>

#define SDTW_CUDA_EMULATION 1
#define __global__
#define __device__
#define __host__
#define __forceinline__ inline
#define __shared__ static
#define __align__(n) alignas(n)

struct dim3 {
  unsigned x, y, z;
  constexpr dim3(unsigned x_ = 1, unsigned y_ = 1, unsigned z_ = 1) : x(x_), y(y_), z(z_) {}
};

typedef int cudaError_t;
enum : int { cudaSuccess = 0, cudaErrorMemoryAllocation = 2, cudaErrorInvalidValue = 1, cudaErrorLaunchFailure = 719 };
enum cudaMemcpyKind { cudaMemcpyHostToHost, cudaMemcpyHostToDevice, cudaMemcpyDeviceToHost, cudaMemcpyDeviceToDevice };
enum cudaFuncAttribute { cudaFuncAttributeMaxDynamicSharedMemorySize = 8 };
enum cudaDeviceAttr { cudaDevAttrMaxSharedMemoryPerBlockOptin = 97 };
typedef void* cudaStream_t;

namespace emu {
inline thread_local dim3 tid, bid;
inline dim3 bdim, gdim;
inline thread_local std::barrier<>* bar = nullptr;
inline std::mutex launch_mu;
inline std::vector<unsigned char> dyn;  // dynamic shared memory of the running block
inline cudaError_t last = cudaSuccess;
// Shared memory a block may use on the emulated device: an H100's opt-in limit, or
// SDTW_EMU_SHARED_LIMIT bytes (tests lower it to drive the kernels' global-memory paths).
inline int max_shared_optin() {
  const char* v = std::getenv("SDTW_EMU_SHARED_LIMIT");
  return v && *v ? std::atoi(v) : 227 * 1024;
}

struct Cfg { dim3 grid, block; size_t shmem; };
inline Cfg cfg(dim3 g, dim3 b, size_t shmem = 0, cudaStream_t = nullptr) { return Cfg{g, b, shmem}; }

template <class... P, class... A>
void launch(Cfg c, void (*kernel)(P...), A... args) {
  std::lock_guard<std::mutex> lock(launch_mu);
  const unsigned nt = c.block.x * c.block.y * c.block.z;
  if (nt == 0 || nt > 1024 || c.shmem > (size_t)max_shared_optin()) { last = cudaErrorInvalidValue; return; }
  gdim = c.grid;
  bdim = c.block;
  for (unsigned bz = 0; bz < c.grid.z; bz++)
    for (unsigned by = 0; by < c.grid.y; by++)
      for (unsigned bx = 0; bx < c.grid.x; bx++) {
        // Fresh garbage-free shared memory is not guaranteed on a GPU; fill it with a pattern
        // so code that reads before writing gets visibly wrong numbers (NaN) here too.
        dyn.assign(c.shmem, 0xff);
        std::barrier<> b(nt);
        std::vector<std::thread> ts;
        ts.reserve(nt);
        for (unsigned t = 0; t < nt; t++)
          ts.emplace_back([&, t] {
            tid = dim3(t % c.block.x, (t / c.block.x) % c.block.y, t / (c.block.x * c.block.y));
            bid = dim3(bx, by, bz);
            bar = &b;
            kernel(static_cast<P>(args)...);
          });
        for (auto& th : ts) th.join();
      }
}
}  // namespace emu

#define threadIdx (emu::tid)
#define blockIdx (emu::bid)
#define blockDim (emu::bdim)
#define gridDim (emu::gdim)

inline void __syncthreads() { emu::bar->arrive_and_wait(); }
inline float __fadd_rn(float a, float b) { return a + b; }
inline float __int_as_float(int v) { float f; std::memcpy(&f, &v, sizeof f); return f; }
inline unsigned char* sdtw_dynamic_shared() { return emu::dyn.data(); }

inline const char* cudaGetErrorString(cudaError_t e) {
  switch (e) {
    case cudaSuccess: return "no error";
    case cudaErrorMemoryAllocation: return "out of memory";
    case cudaErrorInvalidValue: return "invalid argument";
    default: return "unspecified launch failure";
  }
}
inline cudaError_t cudaGetLastError() { cudaError_t e = emu::last; emu::last = cudaSuccess; return e; }
inline cudaError_t cudaGetDeviceCount(int* c) { *c = 1; return cudaSuccess; }
inline cudaError_t cudaGetDevice(int* d) { *d = 0; return cudaSuccess; }
inline cudaError_t cudaDeviceGetAttribute(int* v, cudaDeviceAttr a, int) {
  *v = a == cudaDevAttrMaxSharedMemoryPerBlockOptin ? emu::max_shared_optin() : 0;
  return cudaSuccess;
}
template <class F>
cudaError_t cudaFuncSetAttribute(F, cudaFuncAttribute, int v) { return v <= emu::max_shared_optin() ? cudaSuccess : cudaErrorInvalidValue; }
inline cudaError_t cudaMalloc(void** p, size_t n) {
  // Garbage-filled, like device memory: uninitialised reads must not look like zeros.
  *p = std::malloc(n ? n : 1);
  if (!*p) return cudaErrorMemoryAllocation;
  std::memset(*p, 0xff, n);
  return cudaSuccess;
}
template <class T>
cudaError_t cudaMalloc(T** p, size_t n) { return cudaMalloc(reinterpret_cast<void**>(p), n); }
template <class T>
cudaError_t cudaMallocAsync(T** p, size_t n, cudaStream_t) { return cudaMalloc(reinterpret_cast<void**>(p), n); }
inline cudaError_t cudaFree(void* p) { std::free(p); return cudaSuccess; }
inline cudaError_t cudaFreeAsync(void* p, cudaStream_t) { std::free(p); return cudaSuccess; }
inline cudaError_t cudaMemcpy(void* d, const void* s, size_t n, cudaMemcpyKind) { std::memcpy(d, s, n); return cudaSuccess; }
inline cudaError_t cudaMemcpyAsync(void* d, const void* s, size_t n, cudaMemcpyKind k, cudaStream_t) { return cudaMemcpy(d, s, n, k); }
inline cudaError_t cudaMemsetAsync(void* d, int v, size_t n, cudaStream_t) { std::memset(d, v, n); return cudaSuccess; }
inline cudaError_t cudaStreamCreate(cudaStream_t* s) { *s = nullptr; return cudaSuccess; }
inline cudaError_t cudaStreamDestroy(cudaStream_t) { return cudaSuccess; }
inline cudaError_t cudaStreamSynchronize(cudaStream_t) { return cudaSuccess; }

#include "cuda_loader.h"

#include <dlfcn.h>

#include <mutex>

namespace sdtw {

namespace {
CudaApi g_api;
bool g_tried = false;
std::mutex g_mu;

template <class F>
bool sym(void* h, const char* name, F& out) {
  out = reinterpret_cast<F>(dlsym(h, name));
  return out != nullptr;
}
}  // namespace

const CudaApi& load_cuda(const std::string& path) {
  std::lock_guard<std::mutex> lock(g_mu);
  if (g_tried) return g_api;
  g_tried = true;
  void* h = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!h) {
    const char* e = dlerror();
    g_api.message = std::string("CUDA library not loadable: ") + (e ? e : path);
    return g_api;
  }
  int (*abi)() = nullptr;
  if (!sym(h, "sdtw_cuda_abi", abi) || abi() != SDTW_CUDA_ABI || !sym(h, "sdtw_cuda_device_count", g_api.device_count) ||
      !sym(h, "sdtw_cuda_last_error", g_api.last_error) || !sym(h, "sdtw_cuda_dtw_batch", g_api.dtw_batch) ||
      !sym(h, "sdtw_cuda_cost", g_api.cost) || !sym(h, "sdtw_cuda_free_path", g_api.free_path)) {
    g_api.message = "CUDA library has the wrong interface version (rebuild it)";
    dlclose(h);
    return g_api;
  }
  g_api.devices = g_api.device_count();
  if (g_api.devices <= 0) {
    const char* e = g_api.last_error();
    g_api.message = std::string("CUDA library loaded but no CUDA device is usable") + (e && *e ? std::string(": ") + e : "");
    return g_api;
  }
  g_api.loaded = true;
  g_api.message = "CUDA library loaded, " + std::to_string(g_api.devices) + " device(s)";
  return g_api;
}

const CudaApi& cuda_state() { return g_api; }

}  // namespace sdtw

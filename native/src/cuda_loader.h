// Loads the optional CUDA library at run time (dlopen) and exposes its entry points.
#pragma once
#include <string>

#include "../cuda/dtw_cuda.h"

namespace sdtw {

struct CudaApi {
  bool loaded = false;
  int devices = 0;
  std::string message;  // why it is not usable, or a short description when it is
  int (*device_count)() = nullptr;
  const char* (*last_error)() = nullptr;
  int (*dtw_batch)(const float*, int, int, const float* const*, const int*, int, int, int, sdtw_cuda_result*) = nullptr;
  int (*cost)(const float*, int, const float*, int, int, float*) = nullptr;
  void (*free_path)(int32_t*) = nullptr;
};

// Loads once; later calls return the same state (path is only used by the first call).
const CudaApi& load_cuda(const std::string& path);
const CudaApi& cuda_state();

}  // namespace sdtw

/* C interface of the optional CUDA DTW library (libsopilot_dtw_cuda.so). The CPU addon loads it
 * with dlopen at run time, so a machine without CUDA never fails to load the addon. */
#pragma once
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SDTW_CUDA_ABI 1

typedef struct {
  float cost;
  int32_t path_len;   /* number of (i, j) pairs */
  int32_t* path;      /* 2*path_len ints, malloc'd by the library: free with sdtw_cuda_free_path */
} sdtw_cuda_result;

int sdtw_cuda_abi(void);
/* Number of usable CUDA devices; 0 when no driver or device (never throws). */
int sdtw_cuda_device_count(void);
/* Message of the last failure in this thread ("" if none). */
const char* sdtw_cuda_last_error(void);
/* One query (gold, n x d) against `count` references refs[k] (ms[k] x d), all float32 row-major,
 * L2-normalised. variant: 0 full, 1 subsequence, 2 open_end, 3 open_begin_end; band < 0: none.
 * Fills out[k]. Returns 0 on success, non-zero on failure (see sdtw_cuda_last_error). */
int sdtw_cuda_dtw_batch(const float* gold, int n, int d, const float* const* refs, const int* ms, int count,
                        int variant, int band, sdtw_cuda_result* out);
/* Cost matrix only (yardstick / tests): out is n*m host floats. */
int sdtw_cuda_cost(const float* a, int n, const float* b, int m, int d, float* out);
void sdtw_cuda_free_path(int32_t* path);

#ifdef __cplusplus
}
#endif

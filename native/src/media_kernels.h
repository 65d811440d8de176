// Ingest kernels (clip-extract / embed), bit-identical to their TypeScript versions:
//  - median_u8: the per-byte median of n equally long byte arrays (perception/image.ts medianFrame).
#pragma once
#include <cstddef>
#include <cstdint>

namespace media {

// out[p] = the (n >> 1)-th smallest of src[0][p] .. src[n-1][p], for p < len (n >= 1).
void median_u8(const uint8_t* const* src, int n, size_t len, uint8_t* out);

}  // namespace media

// See media_kernels.h. The median is a sorting network (Batcher's odd-even merge sort, cut down
// to the comparators the middle output depends on) applied to blocks of positions at once: each
// comparator is a min/max over two rows of a block, which the compiler turns into byte-wise SIMD
// min/max. A sorting network sorts, so its middle wire is exactly the middle of the sorted column.
#include "media_kernels.h"

#include <algorithm>
#include <cstring>
#include <utility>
#include <vector>

namespace media {
namespace {

// Comparators (i < j: min to i, max to j) sorting n wires, those the output wire `keep` needs.
std::vector<std::pair<int, int>> median_network(int n, int keep) {
  int N = 1;
  while (N < n) N <<= 1;
  std::vector<std::pair<int, int>> all;
  for (int p = 1; p < N; p <<= 1)
    for (int k = p; k >= 1; k >>= 1)
      for (int j = k % p; j + k < N; j += 2 * k)
        for (int i = 0; i < std::min(k, N - j - k); i++)
          if ((i + j) / (2 * p) == (i + j + k) / (2 * p) && i + j + k < n) all.emplace_back(i + j, i + j + k);
  // Wires beyond n hold +inf and never move, so comparators touching them are dropped above.
  // Backwards from the output: a comparator matters when it writes a wire that still matters.
  std::vector<char> need(n, 0);
  need[keep] = 1;
  std::vector<std::pair<int, int>> kept;
  for (auto it = all.rbegin(); it != all.rend(); ++it) {
    if (need[it->first] || need[it->second]) {
      need[it->first] = need[it->second] = 1;
      kept.push_back(*it);
    }
  }
  std::reverse(kept.begin(), kept.end());
  return kept;
}

}  // namespace

void median_u8(const uint8_t* const* src, int n, size_t len, uint8_t* out) {
  if (n <= 0 || len == 0) return;
  const int mid = n >> 1;
  if (n == 1) {
    std::memcpy(out, src[0], len);
    return;
  }
  const auto net = median_network(n, mid);
  constexpr size_t B = 1024;
  std::vector<uint8_t> buf((size_t)n * B);
  for (size_t p0 = 0; p0 < len; p0 += B) {
    const size_t m = std::min(B, len - p0);
    for (int k = 0; k < n; k++) std::memcpy(&buf[(size_t)k * B], src[k] + p0, m);
    for (const auto& c : net) {
      uint8_t* __restrict a = &buf[(size_t)c.first * B];
      uint8_t* __restrict b = &buf[(size_t)c.second * B];
      for (size_t q = 0; q < m; q++) {
        const uint8_t x = a[q], y = b[q];
        a[q] = x < y ? x : y;
        b[q] = x < y ? y : x;
      }
    }
    std::memcpy(out + p0, &buf[(size_t)mid * B], m);
  }
}

}  // namespace media

#!/usr/bin/env bash
# Verifies the CUDA DTW backend on a machine with an NVIDIA GPU, in one go:
#   1. builds the addon and the CUDA library (nvcc must be on PATH or in /usr/local/cuda/bin),
#   2. runs the DTW tests (the CUDA test runs against the device instead of skipping),
#   3. runs bench:dtw for the cuda / cuda_batch rows next to native and the NumPy method
#      (merged into benchmarks/results/dtw.json),
#   4. prints nvidia-smi and the backend the loader picked.
# Usage: scripts/gpu-verify.sh [sizes]   (default 500,1000,2000,4000). Exit status: the tests'.
set -u
cd "$(dirname "$0")/.."
sizes="${1:-500,1000,2000,4000}"
export PATH="$PATH:/usr/local/cuda/bin"
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv || echo "nvidia-smi not found"
node scripts/build-native.mjs
node --import tsx -e "import('./shared/alignment/index.ts').then(m => console.log(JSON.stringify(m.dtwBackendInfo(), null, 2)))"
node scripts/run-tests.mjs dtw
rc=$?
npm run --silent bench:dtw -- --sizes "$sizes" --backends native,cuda,cuda_batch,native_batch,numpy_method --batch-max-n 4000
exit $rc

# syntax=docker/dockerfile:1
#
# SOPilot container image: every function, the worker and the CLIs, run from the TypeScript
# sources through tsx (a runtime dependency; no build step). Targets:
#
#   docker build -t sopilot:0.1.0 .                      # CPU image (default, last stage)
#   docker build --target worker -t sopilot-worker .     # same, CMD = sopilot-worker
#   docker build --target gpu -t sopilot:0.1.0-gpu .     # CUDA: ONNX Runtime CUDA provider + CUDA DTW
#   docker build --target gpu-worker -t sopilot-worker:0.1.0-gpu .
#
# Run one function per container:  docker run -e SOPILOT_FUNCTION=upload ... sopilot:0.1.0
# (names: functions/registry.ts; settings: docs/configuration.md; deployment: docs/deployment.md).
# ffmpeg/ffprobe come from npm (@ffmpeg-installer, @ffprobe-installer): no system ffmpeg needed.

ARG NODE_IMAGE=node:20-bookworm-slim
ARG CUDA_DEVEL_IMAGE=nvidia/cuda:12.6.3-cudnn-devel-ubuntu24.04
ARG CUDA_RUNTIME_IMAGE=nvidia/cuda:12.6.3-cudnn-runtime-ubuntu24.04

# ---------------------------------------------------------------------------------------------
# CPU build: dependencies with devDependencies (node-gyp builds the DTW addon in `prepare`),
# then the devDependencies are pruned. onnxruntime-node's download of the CUDA provider is
# skipped (.npmrc), its CPU binaries are in the npm package.
FROM ${NODE_IMAGE} AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends g++ make python3 \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
COPY scripts/build-native.mjs scripts/build-native.mjs
COPY native/ native/
# `npm ci` runs `prepare` = scripts/build-native.mjs (native/build/Release/sopilot_dtw.node);
# it never fails the install: without the addon the TypeScript DTW runs (and is logged).
RUN npm ci --no-audit --no-fund \
 && test -f native/build/Release/sopilot_dtw.node \
 && npm prune --omit=dev --no-audit --no-fund \
 && npm cache clean --force

# ---------------------------------------------------------------------------------------------
# GPU build: CUDA toolkit (nvcc builds native/build/Release/libsopilot_dtw_cuda.so, statically
# linked to cudart) and onnxruntime-node's install script with ONNXRUNTIME_NODE_INSTALL=cuda12,
# which downloads the CUDA/TensorRT provider libraries (NuGet package
# Microsoft.ML.OnnxRuntime.Gpu.Linux, same version) at image build time: this stage needs
# network. Offline alternative: put libonnxruntime_providers_{cuda,shared}.so from that package
# (runtimes/linux-x64/native/) into node_modules/onnxruntime-node/bin/napi-v6/linux/x64/.
FROM ${NODE_IMAGE} AS node
FROM ${CUDA_DEVEL_IMAGE} AS gpu-build
COPY --from=node /usr/local/ /usr/local/
RUN apt-get update \
 && apt-get install -y --no-install-recommends g++ make python3 ca-certificates \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
COPY scripts/build-native.mjs scripts/build-native.mjs
COPY native/ native/
RUN ONNXRUNTIME_NODE_INSTALL=cuda12 npm ci --no-audit --no-fund \
 && test -f native/build/Release/sopilot_dtw.node \
 && test -f native/build/Release/libsopilot_dtw_cuda.so \
 && test -f node_modules/onnxruntime-node/bin/napi-v6/linux/x64/libonnxruntime_providers_cuda.so \
 && npm prune --omit=dev --no-audit --no-fund \
 && npm cache clean --force

# ---------------------------------------------------------------------------------------------
# GPU runtime: CUDA 12 + cuDNN 9 runtime libraries (what the ONNX Runtime CUDA provider links
# to); the DTW library needs only the driver. Run with the NVIDIA container runtime
# (`docker run --gpus all`, or nvidia.com/gpu resources on Kubernetes).
FROM ${CUDA_RUNTIME_IMAGE} AS gpu
COPY --from=node /usr/local/ /usr/local/
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && (id -u node >/dev/null 2>&1 || useradd --create-home --uid 1000 --user-group node 2>/dev/null || useradd --create-home --user-group node)
WORKDIR /app
COPY --from=gpu-build /app/node_modules node_modules
COPY --from=gpu-build /app/native/build native/build
COPY . .
RUN mkdir -p data && chown node data
ENV NODE_ENV=production \
    SOPILOT_PORT=8080 \
    SOPILOT_DATA_DIR=/app/data
USER node
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s \
  CMD node -e "fetch('http://127.0.0.1:'+process.env.SOPILOT_PORT+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "bin/sopilot-function.js"]

# GPU image running `sopilot-worker` (the ingest queue holds clip-extract, embed and bucket-drop).
FROM gpu AS gpu-worker
ENV WORKER_QUEUES=ingest
CMD ["sh", "-c", "exec node bin/sopilot-worker.js --queues \"$WORKER_QUEUES\""]

# ---------------------------------------------------------------------------------------------
# CPU runtime.
FROM ${NODE_IMAGE} AS runtime
WORKDIR /app
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/native/build native/build
COPY . .
RUN mkdir -p data && chown node data
# Port 8080: what OpenFaaS and Knative route to. The hosts read SOPILOT_PORT, not PORT.
ENV NODE_ENV=production \
    SOPILOT_PORT=8080 \
    SOPILOT_DATA_DIR=/app/data
USER node
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s \
  CMD node -e "fetch('http://127.0.0.1:'+process.env.SOPILOT_PORT+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"

# `sopilot-worker`: event functions as BullMQ workers (needs SOPILOT_REDIS_URL). For platforms
# that cannot override the command (OpenFaaS); elsewhere run the runtime image with
# `node bin/sopilot-worker.js --queues ingest`.
FROM runtime AS worker
ENV WORKER_QUEUES=ingest,score,training
CMD ["sh", "-c", "exec node bin/sopilot-worker.js --queues \"$WORKER_QUEUES\""]

# Default target: one function per container, chosen by SOPILOT_FUNCTION
# (or `docker run sopilot:0.1.0 node bin/sopilot-function.js NAME`).
FROM runtime AS function
CMD ["node", "bin/sopilot-function.js"]

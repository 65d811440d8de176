{
  "targets": [
    {
      "target_name": "sopilot_dtw",
      "sources": ["src/addon.cc", "src/cost_kernel.cc", "src/dtw_dp.cc", "src/cuda_loader.cc", "src/score_kernels.cc", "src/media_kernels.cc"],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NAPI_CPP_EXCEPTIONS"],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions", "-std=gnu++17"],
      "cflags_cc": ["-std=c++17", "-O3", "-fexceptions", "-fno-math-errno", "-ffp-contract=off", "-Wno-maybe-uninitialized"],
      "libraries": ["-ldl", "-lpthread"]
    }
  ]
}

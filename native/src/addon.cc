// Node-API bindings for the DTW kernels. The JS wrapper (shared/alignment/native-backend.ts)
// validates shapes first; the checks here only keep bad calls from reading out of bounds.
#include <napi.h>

#include <memory>
#include <string>
#include <vector>

#include "cost_kernel.h"
#include "cuda_loader.h"
#include "dtw_common.h"
#include "dtw_dp.h"
#include "media_kernels.h"
#include "score_kernels.h"

using namespace sdtw;

namespace {

const float* f32(const Napi::Value& v, size_t need, const char* what) {
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_float32_array)
    throw Napi::TypeError::New(v.Env(), std::string(what) + " must be a Float32Array");
  auto a = v.As<Napi::Float32Array>();
  if (a.ElementLength() < need) throw Napi::RangeError::New(v.Env(), std::string(what) + " is too short");
  return a.Data();
}

int intArg(const Napi::CallbackInfo& info, size_t i, const char* what) {
  if (info.Length() <= i || !info[i].IsNumber()) throw Napi::TypeError::New(info.Env(), std::string(what) + " must be a number");
  return info[i].As<Napi::Number>().Int32Value();
}

Isa isaArg(int v) { return v < 0 ? detect_isa() : (Isa)v; }

Napi::Object toJs(Napi::Env env, const DtwOut& r) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("cost", Napi::Number::New(env, r.cost));
  auto p = Napi::Int32Array::New(env, r.path.size());
  std::copy(r.path.begin(), r.path.end(), p.Data());
  o.Set("path", p);
  return o;
}

// Typed arrays kept alive (and their pointers) while a worker thread reads them.
struct Inputs {
  std::vector<Napi::Reference<Napi::Value>> refs;
  const float* keep(const Napi::Value& v, size_t need, const char* what) {
    const float* p = f32(v, need, what);
    refs.emplace_back(Napi::Persistent(v));
    return p;
  }
};

struct BatchArgs {
  const float* gold = nullptr;
  int n = 0, d = 0, variant = 0, band = -1, threads = 0;
  Isa isa = ISA_SCALAR;
  std::vector<const float*> refs;
  std::vector<int> ms;
};

BatchArgs parseBatch(const Napi::CallbackInfo& info, Inputs* keep, bool withIsa) {
  BatchArgs B;
  B.n = intArg(info, 1, "n");
  B.d = intArg(info, 4, "d");
  if (B.n <= 0 || B.d <= 0) throw Napi::RangeError::New(info.Env(), "empty input");
  B.gold = keep->keep(info[0], (size_t)B.n * B.d, "gold");
  if (!info[2].IsArray() || !info[3].IsArray()) throw Napi::TypeError::New(info.Env(), "refs and ms must be arrays");
  auto refs = info[2].As<Napi::Array>();
  auto ms = info[3].As<Napi::Array>();
  if (refs.Length() != ms.Length()) throw Napi::RangeError::New(info.Env(), "refs and ms differ in length");
  for (uint32_t k = 0; k < refs.Length(); k++) {
    const int m = ms.Get(k).As<Napi::Number>().Int32Value();
    if (m <= 0) throw Napi::RangeError::New(info.Env(), "empty reference");
    B.ms.push_back(m);
    B.refs.push_back(keep->keep(refs.Get(k), (size_t)m * B.d, "reference"));
  }
  B.variant = intArg(info, 5, "variant");
  B.band = intArg(info, 6, "band");
  if (withIsa) {
    B.isa = isaArg(intArg(info, 7, "isa"));
    B.threads = intArg(info, 8, "threads");
  }
  return B;
}

std::vector<DtwOut> runCpuBatch(const BatchArgs& B) {
  std::vector<DtwOut> out;
  out.reserve(B.refs.size());
  for (size_t k = 0; k < B.refs.size(); k++)
    out.push_back(dtw_full(B.gold, B.n, B.refs[k], B.ms[k], B.d, B.variant, B.band, B.isa, B.threads));
  return out;
}

std::vector<DtwOut> runCudaBatch(const BatchArgs& B) {
  const CudaApi& api = cuda_state();
  if (!api.loaded) throw std::runtime_error("CUDA backend not available: " + api.message);
  std::vector<sdtw_cuda_result> res(B.refs.size());
  const int rc = api.dtw_batch(B.gold, B.n, B.d, B.refs.data(), B.ms.data(), (int)B.refs.size(), B.variant, B.band, res.data());
  if (rc != 0) throw std::runtime_error(std::string("CUDA DTW failed: ") + api.last_error());
  std::vector<DtwOut> out(res.size());
  for (size_t k = 0; k < res.size(); k++) {
    out[k].cost = res[k].cost;
    out[k].path.assign(res[k].path, res[k].path + 2 * (size_t)res[k].path_len);
    api.free_path(res[k].path);
  }
  return out;
}

Napi::Array toJsArray(Napi::Env env, const std::vector<DtwOut>& rs) {
  Napi::Array arr = Napi::Array::New(env, rs.size());
  for (size_t k = 0; k < rs.size(); k++) arr.Set((uint32_t)k, toJs(env, rs[k]));
  return arr;
}

class BatchWorker : public Napi::AsyncWorker {
 public:
  BatchWorker(Napi::Env env, std::unique_ptr<Inputs> keep, BatchArgs args, bool cuda, bool single)
      : Napi::AsyncWorker(env), deferred_(Napi::Promise::Deferred::New(env)), keep_(std::move(keep)),
        args_(std::move(args)), cuda_(cuda), single_(single) {}
  Napi::Promise Promise() { return deferred_.Promise(); }
  void Execute() override {
    try {
      out_ = cuda_ ? runCudaBatch(args_) : runCpuBatch(args_);
    } catch (const std::exception& e) {
      SetError(e.what());
    }
  }
  void OnOK() override {
    Napi::Env env = Env();
    if (single_) deferred_.Resolve(toJs(env, out_[0]));
    else deferred_.Resolve(toJsArray(env, out_));
  }
  void OnError(const Napi::Error& e) override { deferred_.Reject(e.Value()); }

 private:
  Napi::Promise::Deferred deferred_;
  std::unique_ptr<Inputs> keep_;
  BatchArgs args_;
  bool cuda_, single_;
  std::vector<DtwOut> out_;
};

// ---- exported functions

Napi::Value CpuInfo(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object o = Napi::Object::New(env);
  const Isa isa = detect_isa();
  o.Set("isa", isa_name(isa));
  o.Set("isaLevel", (int)isa);
  o.Set("threads", default_threads());
  return o;
}

// cost(a, n, b, m, d, isa, threads) -> Float32Array n*m
Napi::Value Cost(const Napi::CallbackInfo& info) {
  const int n = intArg(info, 1, "n"), m = intArg(info, 3, "m"), d = intArg(info, 4, "d");
  if (n <= 0 || m <= 0 || d <= 0) throw Napi::RangeError::New(info.Env(), "empty input");
  const float* a = f32(info[0], (size_t)n * d, "a");
  const float* b = f32(info[2], (size_t)m * d, "b");
  auto out = Napi::Float32Array::New(info.Env(), (size_t)n * m);
  cosine_cost(a, n, b, m, d, out.Data(), isaArg(intArg(info, 5, "isa")), intArg(info, 6, "threads"));
  return out;
}

// dtwFromCost(cost, n, m, variant, band, isa) -> {cost, path}
Napi::Value DtwFromCost(const Napi::CallbackInfo& info) {
  const int n = intArg(info, 1, "n"), m = intArg(info, 2, "m");
  if (n <= 0 || m <= 0) throw Napi::RangeError::New(info.Env(), "empty cost matrix");
  const float* c = f32(info[0], (size_t)n * m, "cost");
  try {
    return toJs(info.Env(), dtw_from_cost(c, n, m, intArg(info, 3, "variant"), intArg(info, 4, "band"),
                                          isaArg(intArg(info, 5, "isa"))));
  } catch (const std::exception& e) {
    throw Napi::Error::New(info.Env(), e.what());
  }
}

// dtwBatch(gold, n, refs[], ms[], d, variant, band, isa, threads) -> [{cost, path}]
Napi::Value DtwBatch(const Napi::CallbackInfo& info) {
  Inputs keep;
  BatchArgs B = parseBatch(info, &keep, true);
  try {
    return toJsArray(info.Env(), runCpuBatch(B));
  } catch (const std::exception& e) {
    throw Napi::Error::New(info.Env(), e.what());
  }
}

Napi::Value DtwBatchAsync(const Napi::CallbackInfo& info) {
  auto keep = std::make_unique<Inputs>();
  BatchArgs B = parseBatch(info, keep.get(), true);
  auto* w = new BatchWorker(info.Env(), std::move(keep), std::move(B), false, false);
  Napi::Promise p = w->Promise();
  w->Queue();
  return p;
}

// cudaLoad(path) -> {loaded, devices, message}
Napi::Value CudaLoad(const Napi::CallbackInfo& info) {
  if (info.Length() < 1 || !info[0].IsString()) throw Napi::TypeError::New(info.Env(), "path must be a string");
  const CudaApi& api = load_cuda(info[0].As<Napi::String>().Utf8Value());
  Napi::Object o = Napi::Object::New(info.Env());
  o.Set("loaded", api.loaded);
  o.Set("devices", api.devices);
  o.Set("message", api.message);
  return o;
}

// cudaDtwBatch(gold, n, refs[], ms[], d, variant, band) -> [{cost, path}]
Napi::Value CudaDtwBatch(const Napi::CallbackInfo& info) {
  Inputs keep;
  BatchArgs B = parseBatch(info, &keep, false);
  try {
    return toJsArray(info.Env(), runCudaBatch(B));
  } catch (const std::exception& e) {
    throw Napi::Error::New(info.Env(), e.what());
  }
}

Napi::Value CudaDtwBatchAsync(const Napi::CallbackInfo& info) {
  auto keep = std::make_unique<Inputs>();
  BatchArgs B = parseBatch(info, keep.get(), false);
  auto* w = new BatchWorker(info.Env(), std::move(keep), std::move(B), true, false);
  Napi::Promise p = w->Promise();
  w->Queue();
  return p;
}

// cudaCost(a, n, b, m, d) -> Float32Array
Napi::Value CudaCost(const Napi::CallbackInfo& info) {
  const CudaApi& api = cuda_state();
  if (!api.loaded) throw Napi::Error::New(info.Env(), "CUDA backend not available: " + api.message);
  const int n = intArg(info, 1, "n"), m = intArg(info, 3, "m"), d = intArg(info, 4, "d");
  if (n <= 0 || m <= 0 || d <= 0) throw Napi::RangeError::New(info.Env(), "empty input");
  const float* a = f32(info[0], (size_t)n * d, "a");
  const float* b = f32(info[2], (size_t)m * d, "b");
  auto out = Napi::Float32Array::New(info.Env(), (size_t)n * m);
  if (api.cost(a, n, b, m, d, out.Data()) != 0) throw Napi::Error::New(info.Env(), std::string("CUDA cost failed: ") + api.last_error());
  return out;
}

// rowMean(x, n, d) -> Float64Array d
Napi::Value RowMean(const Napi::CallbackInfo& info) {
  const int n = intArg(info, 1, "n"), d = intArg(info, 2, "d");
  if (n < 0 || d <= 0) throw Napi::RangeError::New(info.Env(), "bad shape");
  const float* x = f32(info[0], (size_t)n * d, "x");
  auto mu = Napi::Float64Array::New(info.Env(), (size_t)d);
  row_mean(x, n, d, mu.Data());
  return mu;
}

// centerRows(x, n, d, mean: Float64Array) -> undefined (x overwritten)
Napi::Value CenterRows(const Napi::CallbackInfo& info) {
  const int n = intArg(info, 1, "n"), d = intArg(info, 2, "d");
  if (n < 0 || d <= 0) throw Napi::RangeError::New(info.Env(), "bad shape");
  float* x = const_cast<float*>(f32(info[0], (size_t)n * d, "x"));
  if (!info[3].IsTypedArray() || info[3].As<Napi::TypedArray>().TypedArrayType() != napi_float64_array)
    throw Napi::TypeError::New(info.Env(), "mean must be a Float64Array");
  auto mu = info[3].As<Napi::Float64Array>();
  if (mu.ElementLength() < (size_t)d) throw Napi::RangeError::New(info.Env(), "mean is too short");
  center_rows(x, n, d, mu.Data());
  return info.Env().Undefined();
}

// consecutiveDots(x, n, d) -> Float64Array max(0, n-1): the dot of each row with the next
Napi::Value ConsecutiveDots(const Napi::CallbackInfo& info) {
  const int n = intArg(info, 1, "n"), d = intArg(info, 2, "d");
  if (n < 0 || d <= 0) throw Napi::RangeError::New(info.Env(), "bad shape");
  const float* x = f32(info[0], (size_t)n * d, "x");
  auto out = Napi::Float64Array::New(info.Env(), (size_t)(n > 1 ? n - 1 : 0));
  consecutive_dots(x, n, d, out.Data());
  return out;
}

// alignWithDrops(cost, n, m, drop, jump, jumpRow: Float64Array | null) -> Int32Array m
Napi::Value AlignWithDrops(const Napi::CallbackInfo& info) {
  const int n = intArg(info, 1, "n"), m = intArg(info, 2, "m");
  if (n <= 0 || m <= 0) throw Napi::RangeError::New(info.Env(), "empty cost matrix");
  const float* c = f32(info[0], (size_t)n * m, "cost");
  if (!info[3].IsNumber() || !info[4].IsNumber()) throw Napi::TypeError::New(info.Env(), "drop and jump must be numbers");
  const double drop = info[3].As<Napi::Number>().DoubleValue(), jump = info[4].As<Napi::Number>().DoubleValue();
  const double* jr = nullptr;
  if (info.Length() > 5 && !info[5].IsNull() && !info[5].IsUndefined()) {
    if (!info[5].IsTypedArray() || info[5].As<Napi::TypedArray>().TypedArrayType() != napi_float64_array)
      throw Napi::TypeError::New(info.Env(), "jumpRow must be a Float64Array or null");
    auto a = info[5].As<Napi::Float64Array>();
    if (a.ElementLength() < (size_t)n) throw Napi::RangeError::New(info.Env(), "jumpRow is too short");
    jr = a.Data();
  }
  auto out = Napi::Int32Array::New(info.Env(), (size_t)m);
  try {
    align_with_drops(c, n, m, drop, jump, jr, out.Data());
  } catch (const std::exception& e) {
    throw Napi::Error::New(info.Env(), e.what());
  }
  return out;
}

// medianU8(frames: Uint8Array[], out: Uint8Array) -> undefined: out[p] = median of frames[k][p]
// (the (n >> 1)-th smallest), every frame at least out.length bytes.
Napi::Value MedianU8(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 2 || !info[0].IsArray()) throw Napi::TypeError::New(env, "frames must be an array");
  auto u8 = [&](const Napi::Value& v, const char* what) {
    if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array)
      throw Napi::TypeError::New(env, std::string(what) + " must be a Uint8Array");
    return v.As<Napi::Uint8Array>();
  };
  auto out = u8(info[1], "out");
  auto arr = info[0].As<Napi::Array>();
  if (arr.Length() == 0) throw Napi::RangeError::New(env, "no frames");
  std::vector<const uint8_t*> src;
  for (uint32_t k = 0; k < arr.Length(); k++) {
    auto f = u8(arr.Get(k), "frame");
    if (f.ElementLength() < out.ElementLength()) throw Napi::RangeError::New(env, "frame is shorter than out");
    src.push_back(f.Data());
  }
  media::median_u8(src.data(), (int)src.size(), out.ElementLength(), out.Data());
  return env.Undefined();
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("cpuInfo", Napi::Function::New(env, CpuInfo));
  exports.Set("cost", Napi::Function::New(env, Cost));
  exports.Set("dtwFromCost", Napi::Function::New(env, DtwFromCost));
  exports.Set("dtwBatch", Napi::Function::New(env, DtwBatch));
  exports.Set("dtwBatchAsync", Napi::Function::New(env, DtwBatchAsync));
  exports.Set("cudaLoad", Napi::Function::New(env, CudaLoad));
  exports.Set("cudaDtwBatch", Napi::Function::New(env, CudaDtwBatch));
  exports.Set("cudaDtwBatchAsync", Napi::Function::New(env, CudaDtwBatchAsync));
  exports.Set("cudaCost", Napi::Function::New(env, CudaCost));
  exports.Set("rowMean", Napi::Function::New(env, RowMean));
  exports.Set("centerRows", Napi::Function::New(env, CenterRows));
  exports.Set("alignWithDrops", Napi::Function::New(env, AlignWithDrops));
  exports.Set("consecutiveDots", Napi::Function::New(env, ConsecutiveDots));
  exports.Set("medianU8", Napi::Function::New(env, MedianU8));
  return exports;
}

}  // namespace

NODE_API_MODULE(sopilot_dtw, Init)

// A FAKE libtensorflowlite_c for testing edgebench's host-side Edge TPU runner (in the
// spirit of XRT's no-hardware emulation): it implements the TFLite C API functions the
// runner calls over an in-memory "model" read from a small text file, and records every
// call. It checks OUR call sequence, conversions and error handling; it says nothing about
// the real TFLite, runs nothing on an Edge TPU, and never produces benchmark numbers.
//
// Model file ("fake-tflite" then one line per tensor, inputs first):
//   fake-tflite
//   input  <int8|uint8|float32> <d0,d1,...> <scale> <zero_point>
//   output <int8|uint8|float32> <d0,d1,...> <scale> <zero_point>
//   fail allocate|invoke   (optional: AllocateTensors, or Invoke with kTfLiteDelegateError, fails)
// Invoke: output k = input k + 1, element by element in the stored type (saturating for
// int8/uint8), so that results show the bytes made the round trip.
//
// Built twice: with EB_FAKE_OMIT_INVOKE the library lacks TfLiteInterpreterInvoke, for the
// missing-symbol test. Test controls (C linkage, not part of the TFLite API):
// fake_tflite_set_log(vector<string>*) shares one call log with the fake libedgetpu;
// fake_tflite_live() counts live models, options and interpreters;
// fake_tflite_last_input() is the bytes last copied into an input tensor.
#include <algorithm>
#include <cstring>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>
#include <type_traits>
#include <vector>

#include "backends/edgetpu/tflite_c_api.h"

using namespace eb::edgetpu;

namespace eb::edgetpu {
struct TfLiteTensor {
  TfLiteType type = kTfLiteNoType;
  std::vector<std::int32_t> dims;
  TfLiteQuantizationParams quant{0.0f, 0};
  std::vector<unsigned char> data;
};
struct TfLiteModel {
  std::vector<TfLiteTensor> inputs, outputs;
  bool fail_allocate = false;
  bool fail_invoke = false;
};
struct TfLiteInterpreterOptions {
  int threads = -1;
  std::vector<TfLiteDelegate*> delegates;
};
struct TfLiteInterpreter {
  std::vector<TfLiteTensor> inputs, outputs;
  bool fail_allocate = false;
  bool fail_invoke = false;
  bool allocated = false;
  bool delegated = false;
};
}  // namespace eb::edgetpu

namespace {

std::vector<std::string>* g_log = nullptr;  // owned by the test
int g_live = 0;
std::vector<unsigned char> g_last_input;

void record(const std::string& event) {
  if (g_log) g_log->push_back(event);
}

std::size_t type_size(TfLiteType t) { return t == kTfLiteFloat32 ? 4 : 1; }

bool parse_tensor(std::istringstream& line, TfLiteTensor& t) {
  std::string type, dims;
  line >> type >> dims >> t.quant.scale >> t.quant.zero_point;
  if (!line) return false;
  if (type == "int8") t.type = kTfLiteInt8;
  else if (type == "uint8") t.type = kTfLiteUInt8;
  else if (type == "float32") t.type = kTfLiteFloat32;
  else if (type == "int32") t.type = kTfLiteInt32;
  else return false;
  std::size_t n = 1;
  std::istringstream d(dims);
  for (std::string part; std::getline(d, part, ',');) {
    t.dims.push_back(std::stoi(part));
    n *= static_cast<std::size_t>(t.dims.back());
  }
  t.data.assign(n * (t.type == kTfLiteInt32 ? 4 : type_size(t.type)), 0);
  return true;
}

template <class T>
void add_one(const std::vector<unsigned char>& in, std::vector<unsigned char>& out) {
  const std::size_t n = std::min(in.size(), out.size()) / sizeof(T);
  for (std::size_t i = 0; i < n; ++i) {
    T v;
    std::memcpy(&v, in.data() + i * sizeof(T), sizeof(T));
    if constexpr (std::is_floating_point_v<T>) v = v + 1;
    else if (v < std::numeric_limits<T>::max()) v = static_cast<T>(v + 1);
    std::memcpy(out.data() + i * sizeof(T), &v, sizeof(T));
  }
}

}  // namespace

extern "C" {

void fake_tflite_set_log(std::vector<std::string>* log) { g_log = log; }
int fake_tflite_live() { return g_live; }
const std::vector<unsigned char>* fake_tflite_last_input() { return &g_last_input; }

TfLiteModel* TfLiteModelCreateFromFile(const char* path) {
  record(std::string("TfLiteModelCreateFromFile ") + path);
  std::ifstream f(path);
  std::string line;
  if (!std::getline(f, line) || line != "fake-tflite") return nullptr;
  auto* m = new TfLiteModel;
  while (std::getline(f, line)) {
    std::istringstream s(line);
    std::string kind;
    s >> kind;
    TfLiteTensor t;
    if (kind.empty()) continue;
    if (kind == "fail") {
      std::string what;
      s >> what;
      (what == "invoke" ? m->fail_invoke : m->fail_allocate) = true;
      continue;
    }
    if ((kind != "input" && kind != "output") || !parse_tensor(s, t)) {
      delete m;
      return nullptr;
    }
    (kind == "input" ? m->inputs : m->outputs).push_back(std::move(t));
  }
  ++g_live;
  return m;
}

void TfLiteModelDelete(TfLiteModel* m) {
  record("TfLiteModelDelete");
  if (m) --g_live;
  delete m;
}

TfLiteInterpreterOptions* TfLiteInterpreterOptionsCreate() {
  record("TfLiteInterpreterOptionsCreate");
  ++g_live;
  return new TfLiteInterpreterOptions;
}

void TfLiteInterpreterOptionsDelete(TfLiteInterpreterOptions* o) {
  record("TfLiteInterpreterOptionsDelete");
  if (o) --g_live;
  delete o;
}

void TfLiteInterpreterOptionsSetNumThreads(TfLiteInterpreterOptions* o, std::int32_t n) {
  record("TfLiteInterpreterOptionsSetNumThreads " + std::to_string(n));
  o->threads = n;
}

void TfLiteInterpreterOptionsAddDelegate(TfLiteInterpreterOptions* o, TfLiteDelegate* d) {
  record(d ? "TfLiteInterpreterOptionsAddDelegate" : "TfLiteInterpreterOptionsAddDelegate null");
  o->delegates.push_back(d);
}

TfLiteInterpreter* TfLiteInterpreterCreate(const TfLiteModel* m, const TfLiteInterpreterOptions* o) {
  record("TfLiteInterpreterCreate");
  if (!m) return nullptr;
  auto* in = new TfLiteInterpreter;
  in->inputs = m->inputs;
  in->outputs = m->outputs;
  in->fail_allocate = m->fail_allocate;
  in->fail_invoke = m->fail_invoke;
  in->delegated = o && !o->delegates.empty();
  ++g_live;
  return in;
}

void TfLiteInterpreterDelete(TfLiteInterpreter* in) {
  record("TfLiteInterpreterDelete");
  if (in) --g_live;
  delete in;
}

TfLiteStatus TfLiteInterpreterAllocateTensors(TfLiteInterpreter* in) {
  // TFLite applies delegates from the options when the interpreter is built; record
  // whether one was there by then.
  record(in->delegated ? "TfLiteInterpreterAllocateTensors (delegated)" : "TfLiteInterpreterAllocateTensors (no delegate)");
  if (in->fail_allocate) return 1;
  in->allocated = true;
  return kTfLiteOk;
}

std::int32_t TfLiteInterpreterGetInputTensorCount(const TfLiteInterpreter* in) { return static_cast<std::int32_t>(in->inputs.size()); }
std::int32_t TfLiteInterpreterGetOutputTensorCount(const TfLiteInterpreter* in) { return static_cast<std::int32_t>(in->outputs.size()); }

TfLiteTensor* TfLiteInterpreterGetInputTensor(const TfLiteInterpreter* in, std::int32_t i) {
  return const_cast<TfLiteTensor*>(&in->inputs.at(static_cast<std::size_t>(i)));
}
const TfLiteTensor* TfLiteInterpreterGetOutputTensor(const TfLiteInterpreter* in, std::int32_t i) {
  return &in->outputs.at(static_cast<std::size_t>(i));
}

#ifndef EB_FAKE_OMIT_INVOKE
TfLiteStatus TfLiteInterpreterInvoke(TfLiteInterpreter* in) {
  record("TfLiteInterpreterInvoke");
  if (!in->allocated) return 1;
  if (in->fail_invoke) return 2;  // kTfLiteDelegateError
  for (std::size_t k = 0; k < in->outputs.size() && k < in->inputs.size(); ++k) {
    const TfLiteTensor& a = in->inputs[k];
    TfLiteTensor& b = in->outputs[k];
    if (a.type == kTfLiteFloat32) add_one<float>(a.data, b.data);
    else if (a.type == kTfLiteInt8) add_one<std::int8_t>(a.data, b.data);
    else add_one<std::uint8_t>(a.data, b.data);
  }
  return kTfLiteOk;
}
#endif

TfLiteType TfLiteTensorType(const TfLiteTensor* t) { return t->type; }
std::size_t TfLiteTensorByteSize(const TfLiteTensor* t) { return t->data.size(); }
std::int32_t TfLiteTensorNumDims(const TfLiteTensor* t) { return static_cast<std::int32_t>(t->dims.size()); }
std::int32_t TfLiteTensorDim(const TfLiteTensor* t, std::int32_t i) { return t->dims.at(static_cast<std::size_t>(i)); }
TfLiteQuantizationParams TfLiteTensorQuantizationParams(const TfLiteTensor* t) { return t->quant; }

TfLiteStatus TfLiteTensorCopyFromBuffer(TfLiteTensor* t, const void* src, std::size_t n) {
  record("TfLiteTensorCopyFromBuffer " + std::to_string(n));
  if (n != t->data.size()) return 1;  // as the real one: sizes must match
  std::memcpy(t->data.data(), src, n);
  g_last_input = t->data;
  return kTfLiteOk;
}

TfLiteStatus TfLiteTensorCopyToBuffer(const TfLiteTensor* t, void* dst, std::size_t n) {
  record("TfLiteTensorCopyToBuffer " + std::to_string(n));
  if (n != t->data.size()) return 1;
  std::memcpy(dst, t->data.data(), n);
  return kTfLiteOk;
}

}  // extern "C"

// The fake implements exactly the signatures the runner declares.
static_assert(std::is_same_v<decltype(&TfLiteModelCreateFromFile), c_fn::TfLiteModelCreateFromFile>);
static_assert(std::is_same_v<decltype(&TfLiteModelDelete), c_fn::TfLiteModelDelete>);
static_assert(std::is_same_v<decltype(&TfLiteInterpreterOptionsCreate), c_fn::TfLiteInterpreterOptionsCreate>);
static_assert(std::is_same_v<decltype(&TfLiteInterpreterOptionsDelete), c_fn::TfLiteInterpreterOptionsDelete>);
static_assert(std::is_same_v<decltype(&TfLiteInterpreterOptionsSetNumThreads), c_fn::TfLiteInterpreterOptionsSetNumThreads>);
static_assert(std::is_same_v<decltype(&TfLiteInterpreterOptionsAddDelegate), c_fn::TfLiteInterpreterOptionsAddDelegate>);
static_assert(std::is_same_v<decltype(&TfLiteInterpreterCreate), c_fn::TfLiteInterpreterCreate>);
static_assert(std::is_same_v<decltype(&TfLiteInterpreterDelete), c_fn::TfLiteInterpreterDelete>);
static_assert(std::is_same_v<decltype(&TfLiteInterpreterAllocateTensors), c_fn::TfLiteInterpreterAllocateTensors>);
static_assert(std::is_same_v<decltype(&TfLiteInterpreterGetInputTensorCount), c_fn::TfLiteInterpreterGetInputTensorCount>);
static_assert(std::is_same_v<decltype(&TfLiteInterpreterGetInputTensor), c_fn::TfLiteInterpreterGetInputTensor>);
static_assert(std::is_same_v<decltype(&TfLiteInterpreterGetOutputTensorCount), c_fn::TfLiteInterpreterGetOutputTensorCount>);
static_assert(std::is_same_v<decltype(&TfLiteInterpreterGetOutputTensor), c_fn::TfLiteInterpreterGetOutputTensor>);
static_assert(std::is_same_v<decltype(&TfLiteTensorType), c_fn::TfLiteTensorType>);
static_assert(std::is_same_v<decltype(&TfLiteTensorByteSize), c_fn::TfLiteTensorByteSize>);
static_assert(std::is_same_v<decltype(&TfLiteTensorCopyFromBuffer), c_fn::TfLiteTensorCopyFromBuffer>);
static_assert(std::is_same_v<decltype(&TfLiteTensorCopyToBuffer), c_fn::TfLiteTensorCopyToBuffer>);
static_assert(std::is_same_v<decltype(&TfLiteTensorNumDims), c_fn::TfLiteTensorNumDims>);
static_assert(std::is_same_v<decltype(&TfLiteTensorDim), c_fn::TfLiteTensorDim>);
static_assert(std::is_same_v<decltype(&TfLiteTensorQuantizationParams), c_fn::TfLiteTensorQuantizationParams>);

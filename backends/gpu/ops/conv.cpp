// conv2d on cuDNN's convolution API (cudnn_cnn): NCHW in the storage type, fp32
// compute, groups through the group count, the algorithm chosen once at compile time.
//
// Asymmetric padding. cuDNN descriptors pad top = bottom and left = right, while TF's
// "SAME" with stride 2 on an even size pads 0 on top and 1 below. Padding symmetrically
// by the larger amount and cropping does not work (the output grid shifts by half a
// stride), so the input is first copied into a zero-padded buffer that carries only the
// asymmetric remainder (pad − min(pad_before, pad_after) per side) and cuDNN pads the
// symmetric min(pad_before, pad_after) itself. Output row oy then reads padded row
// oy·s − min + ky = original row oy·s − pad_top + ky, as the reference does.
//
// Epilogue. cudnnConvolutionBiasActivationForward fuses bias and ReLU (its only
// activation besides identity); that path is tried for ReLU with bias and dropped, during
// the compile-time warm-up run, if cuDNN refuses the call (Executable::info() counts it). Every
// other activation (ReLU6, hard-swish, ...) runs as one bias+activation kernel after the
// convolution.
#include <algorithm>
#include <string>
#include <vector>

#include "backends/gpu/kernels.h"
#include "backends/gpu/ops/ops.h"

namespace eb::gpu {
namespace {

// cuDNN algorithms needing more scratch than this are skipped (the shared scratch is
// sized by the largest choice).
constexpr std::size_t kMaxConvWorkspace = std::size_t{512} << 20;

struct Geometry {
  int n, c, h, w;  // input as cuDNN sees it (after the explicit padding)
  int in_h, in_w;  // input as the graph has it
  int o, cg, kh, kw;
  int pad_h, pad_w;  // symmetric padding cuDNN applies
  int extra_top, extra_left;
  int stride_h, stride_w, dil_h, dil_w, groups;
  int oh, ow;
  bool explicit_pad() const { return h != in_h || w != in_w; }
};

Geometry geometry(const Conv2dAttrs& a, const Shape& x, const Shape& wt, const Shape& y) {
  Geometry g{};
  g.n = static_cast<int>(x[0]);
  g.c = static_cast<int>(x[1]);
  g.in_h = static_cast<int>(x[2]);
  g.in_w = static_cast<int>(x[3]);
  g.o = static_cast<int>(wt[0]);
  g.cg = static_cast<int>(wt[1]);
  g.kh = static_cast<int>(wt[2]);
  g.kw = static_cast<int>(wt[3]);
  g.pad_h = std::min(a.pad[0], a.pad[2]);
  g.pad_w = std::min(a.pad[1], a.pad[3]);
  g.extra_top = a.pad[0] - g.pad_h;
  g.extra_left = a.pad[1] - g.pad_w;
  g.h = g.in_h + g.extra_top + (a.pad[2] - g.pad_h);
  g.w = g.in_w + g.extra_left + (a.pad[3] - g.pad_w);
  g.stride_h = a.stride[0];
  g.stride_w = a.stride[1];
  g.dil_h = a.dilation[0];
  g.dil_w = a.dilation[1];
  g.groups = a.groups;
  g.oh = static_cast<int>(y[2]);
  g.ow = static_cast<int>(y[3]);
  return g;
}

std::string algo_key(const Geometry& g, DType t, cudnnMathType_t math) {
  std::string k;
  for (int v : {g.n, g.c, g.h, g.w, g.o, g.cg, g.kh, g.kw, g.pad_h, g.pad_w, g.stride_h, g.stride_w, g.dil_h, g.dil_w,
                g.groups, static_cast<int>(t), static_cast<int>(math)})
    k += std::to_string(v) + ",";
  return k;
}

// The math type requested from cuDNN: strict FMA for fp32 unless TF32 is allowed; tensor
// cores for 16-bit storage.
cudnnMathType_t requested_math(const GpuOptions& o) {
  if (o.precision != Precision::fp32) return CUDNN_TENSOR_OP_MATH;
  return o.tf32 ? CUDNN_DEFAULT_MATH : CUDNN_FMA_MATH;
}

ConvAlgo choose_algo(cudnnHandle_t h, cudnnTensorDescriptor_t x, cudnnFilterDescriptor_t w, cudnnConvolutionDescriptor_t conv,
                     cudnnTensorDescriptor_t y, cudnnMathType_t requested, ConvAlgoSearch search) {
  int max_count = 0;
  EB_GPU_CHECK(cudnnGetConvolutionForwardAlgorithmMaxCount(h, &max_count));
  std::vector<cudnnConvolutionFwdAlgoPerf_t> perf(static_cast<std::size_t>(std::max(max_count, 1)));
  int returned = 0;
  // Find runs every algorithm (on buffers it allocates itself) and sorts by time; it also
  // tries CUDNN_DEFAULT_MATH next to the requested math type, which for fp32 may mean
  // TF32, so results are filtered below.
  if (search == ConvAlgoSearch::find)
    EB_GPU_CHECK(cudnnFindConvolutionForwardAlgorithm(h, x, w, conv, y, max_count, &returned, perf.data()));
  else
    EB_GPU_CHECK(cudnnGetConvolutionForwardAlgorithm_v7(h, x, w, conv, y, max_count, &returned, perf.data()));
  for (int i = 0; i < returned; ++i) {
    const auto& p = perf[static_cast<std::size_t>(i)];
    if (p.status != CUDNN_STATUS_SUCCESS || p.memory > kMaxConvWorkspace) continue;
    if (requested == CUDNN_FMA_MATH && p.mathType != CUDNN_FMA_MATH) continue;  // no TF32 unless asked
    return {p.algo, p.memory, p.mathType, true};
  }
  // Implicit GEMM runs every configuration with any math type.
  ConvAlgo fallback{CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_GEMM, 0, requested, false};
  EB_GPU_CHECK(cudnnSetConvolutionMathType(conv, requested));
  EB_GPU_CHECK(cudnnGetConvolutionForwardWorkspaceSize(h, x, w, conv, y, fallback.algo, &fallback.workspace));
  return fallback;
}

class ConvStep final : public Step {
 public:
  ConvStep(const Node& node, BuildEnv& env) : Step(node.name, "conv2d"), ctx_(env.ctx), scratch_(env.scratch), zeros_(env.zeros) {
    const auto& a = node.attr<Conv2dAttrs>();
    g_ = geometry(a, env.shape(node.inputs[0]), env.shape(node.inputs[1]), env.shape(node.name));
    dtype_ = env.dtype();
    const cudnnDataType_t dt = cudnn_data_type(dtype_);
    const cudnnHandle_t h = ctx_.dnn();

    x_ = env.address(node.inputs[0]);
    w_ = env.address(node.inputs[1]);
    y_ = env.address(node.name);
    act_ = a.act;
    if (a.has_bias) bias_f32_ = env.weight_f32(node.inputs[2]);

    x_desc_ = make_tensor_desc();
    EB_GPU_CHECK(cudnnSetTensor4dDescriptor(x_desc_.get(), CUDNN_TENSOR_NCHW, dt, g_.n, g_.c, g_.h, g_.w));
    w_desc_ = make_filter_desc();
    EB_GPU_CHECK(cudnnSetFilter4dDescriptor(w_desc_.get(), dt, CUDNN_TENSOR_NCHW, g_.o, g_.cg, g_.kh, g_.kw));
    conv_desc_ = make_conv_desc();
    EB_GPU_CHECK(cudnnSetConvolution2dDescriptor(conv_desc_.get(), g_.pad_h, g_.pad_w, g_.stride_h, g_.stride_w, g_.dil_h,
                                                 g_.dil_w, CUDNN_CROSS_CORRELATION, CUDNN_DATA_FLOAT));
    EB_GPU_CHECK(cudnnSetConvolutionGroupCount(conv_desc_.get(), g_.groups));
    const cudnnMathType_t math = requested_math(ctx_.options());
    EB_GPU_CHECK(cudnnSetConvolutionMathType(conv_desc_.get(), math));

    int n = 0, o = 0, oh = 0, ow = 0;
    EB_GPU_CHECK(cudnnGetConvolution2dForwardOutputDim(conv_desc_.get(), x_desc_.get(), w_desc_.get(), &n, &o, &oh, &ow));
    if (n != g_.n || o != g_.o || oh != g_.oh || ow != g_.ow)
      throw GpuError("gpu: conv2d '" + node.name + "': cuDNN computes output [" + std::to_string(n) + ", " +
                     std::to_string(o) + ", " + std::to_string(oh) + ", " + std::to_string(ow) + "], the graph has " +
                     to_string(env.shape(node.name)));
    y_desc_ = make_tensor_desc();
    EB_GPU_CHECK(cudnnSetTensor4dDescriptor(y_desc_.get(), CUDNN_TENSOR_NCHW, dt, g_.n, g_.o, g_.oh, g_.ow));

    const std::string key = algo_key(g_, dtype_, math);
    auto it = env.conv_algos.find(key);
    if (it == env.conv_algos.end())
      it = env.conv_algos
               .emplace(key, choose_algo(h, x_desc_.get(), w_desc_.get(), conv_desc_.get(), y_desc_.get(), math,
                                         ctx_.options().conv_algo))
               .first;
    algo_ = it->second;
    EB_GPU_CHECK(cudnnSetConvolutionMathType(conv_desc_.get(), algo_.math));

    if (g_.explicit_pad()) pad_bytes_ = align_up(static_cast<std::size_t>(g_.n) * g_.c * g_.h * g_.w * dtype_size(dtype_));
    scratch_.reserve(pad_bytes_ + algo_.workspace);

    if (a.has_bias && a.act == Activation::relu) {
      fused_ = true;
      zeros_.reserve(static_cast<std::size_t>(g_.n) * g_.o * g_.oh * g_.ow * dtype_size(dtype_));
      bias_t_ = env.address(node.inputs[2]);
      bias_desc_ = make_tensor_desc();
      EB_GPU_CHECK(cudnnSetTensor4dDescriptor(bias_desc_.get(), CUDNN_TENSOR_NCHW, dt, 1, g_.o, 1, 1));
      act_desc_ = make_activation_desc();
      EB_GPU_CHECK(cudnnSetActivationDescriptor(act_desc_.get(), CUDNN_ACTIVATION_RELU, CUDNN_NOT_PROPAGATE_NAN, 0.0));
    }
  }

  void enqueue(cudaStream_t stream) override {
    std::byte* base = scratch_.data();
    const void* x = x_;
    if (g_.explicit_pad()) {
      kernels::pad2d(x_, base, dtype_, static_cast<kernels::i64>(g_.n) * g_.c, g_.in_h, g_.in_w, g_.extra_top,
                     g_.extra_left, g_.h, g_.w, stream);
      x = base;
    }
    void* ws = algo_.workspace > 0 ? base + pad_bytes_ : nullptr;
    const float one = 1.0f, zero = 0.0f;
    if (fused_) {
      // cuDNN requires a z operand even with alpha2 = 0: the shared zeros (memory.h says
      // why not y itself).
      const cudnnStatus_t s = cudnnConvolutionBiasActivationForward(
          ctx_.dnn(), &one, x_desc_.get(), x, w_desc_.get(), w_, conv_desc_.get(), algo_.algo, ws, algo_.workspace, &zero,
          y_desc_.get(), zeros_.data(), bias_desc_.get(), bias_t_, act_desc_.get(), y_desc_.get(), y_);
      if (s == CUDNN_STATUS_SUCCESS) {
        fused_verified_ = true;
        return;
      }
      // Only the first (compile-time warm-up) run may find that cuDNN refuses the fused
      // call for this configuration (data types, algorithm); the plain convolution below
      // then serves, and describe() keeps cuDNN's reason. Afterwards a failure is an error.
      if (fused_verified_) check(s, "cudnnConvolutionBiasActivationForward");
      fused_ = false;
      refused_ = cudnnGetErrorString(s);
    }
    EB_GPU_CHECK(cudnnConvolutionForward(ctx_.dnn(), &one, x_desc_.get(), x, w_desc_.get(), w_, conv_desc_.get(),
                                         algo_.algo, ws, algo_.workspace, &zero, y_desc_.get(), y_));
    kernels::bias_activation(y_, dtype_, bias_f32_, static_cast<kernels::i64>(g_.n) * g_.o * g_.oh * g_.ow,
                             static_cast<kernels::i64>(g_.oh) * g_.ow, g_.o, act_, stream);
  }

  std::string describe() const override {
    if (fused_) return "cudnn fused bias+relu";
    if (!refused_.empty()) return "cudnn + epilogue kernel (fused call refused: " + refused_ + ")";
    return "cudnn + epilogue kernel";
  }

 private:
  GpuContext& ctx_;
  Workspace& scratch_;
  Zeros& zeros_;
  Geometry g_{};
  DType dtype_ = DType::f32;
  const void* x_ = nullptr;
  const void* w_ = nullptr;
  void* y_ = nullptr;
  const float* bias_f32_ = nullptr;
  const void* bias_t_ = nullptr;
  Activation act_ = Activation::none;
  TensorDesc x_desc_, y_desc_, bias_desc_;
  FilterDesc w_desc_;
  ConvDesc conv_desc_;
  ActivationDesc act_desc_;
  ConvAlgo algo_;
  std::size_t pad_bytes_ = 0;
  bool fused_ = false;
  bool fused_verified_ = false;
  std::string refused_;  // cuDNN's answer when the fused call was refused
};

}  // namespace

Steps build_conv(const Node& node, BuildEnv& env) {
  Steps steps;
  steps.push_back(std::make_unique<ConvStep>(node, env));
  return steps;
}

}  // namespace eb::gpu

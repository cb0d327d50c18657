// Writes a lowered int8 graph (QuantizedProgram) as a TensorFlow Lite model: a `.tflite`
// flatbuffer, schema version 3 (tflite_schema.fbs), one subgraph, ready for
// `edgetpu_compiler` and for any TFLite interpreter.
//
// What is written, step by step (QuantizedProgram::ops()):
//   conv2d        CONV_2D (weights OHWI, per-channel scales on dimension 0), or
//                 DEPTHWISE_CONV_2D when groups = input channels (weights 1HWO, scales on
//                 dimension 3); int32 bias (zeros when the node has none); ReLU/ReLU6
//                 fused; padding SAME or VALID when ours equals it, otherwise an explicit
//                 PAD (int8 PAD fills with the zero point, as our kernel does)
//   hard-swish, logistic, relu, relu6      HARD_SWISH, LOGISTIC, RELU, RELU6
//   add, mul      ADD, MUL (broadcasting; per-tensor int8 constants written as buffers)
//   requantize    QUANTIZE int8 -> int8 (the concat inputs TFLite would requantise)
//   concat        CONCATENATION
//   reshape, slice               RESHAPE, SLICE
//   transpose                    nothing (see Layout), or a RESHAPE copy for a graph output
//   global average pool          AVERAGE_POOL_2D over the whole plane (VALID)
//   resize bilinear              RESIZE_BILINEAR (align_corners / half_pixel_centers)
// Anything else — linear, hard-sigmoid (TFLite has no such op), and every node without
// an int8 lowering (layer norm, softmax, ...) — throws std::invalid_argument naming it.
//
// Layout: our graphs are NCHW, TFLite's image ops NHWC. Each of our tensors sits in the
// TFLite graph under some permutation of its dimensions: NHWC for rank-4 tensors made by
// image ops, and an op that needs another layout gets a TRANSPOSE (a RESHAPE when only
// unit dimensions move) inserted in front. A transpose in our graph therefore costs
// nothing: its output is the same TFLite array read under another permutation (the
// MobileDet heads' NCHW -> NHWC transpose vanishes, since the tensor already is NHWC). A
// reshape works on our row-major order. Each input and output reports its TFLite shape
// and permutation (to_tflite_layout converts our values).
//
// Interface: int8. Inputs and outputs are the int8 tensors our program reads and writes,
// with their scales and zero points, and no QUANTIZE/DEQUANTIZE at the ends. That makes
// the equality test exact by construction at the boundary — the same int8 input goes into
// both, the int8 outputs are compared — whereas a float interface would add TFLite's
// float QUANTIZE (whose optimised kernel multiplies by the reciprocal scale and can round
// differently from a division) before the first integer op. It is also what the Edge TPU
// compiler wants: a fully int8 model runs entirely on the TPU.
//
// Checked (tests/edgetpu, tools/tflite_check.py) on every MobileDet variant in
// ai-edge-litert: the whole model and every step on its own give our int8 outputs bit for
// bit with TFLite's reference kernels; its optimised kernels differ by ±1 LSB on a
// small fraction of CONV_2D, DEPTHWISE_CONV_2D and QUANTIZE outputs, never more per op.
#pragma once

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "backends/edgetpu/quantized_program.h"
#include "backends/edgetpu/tflite_layout.h"

namespace eb::edgetpu {

// Whether this build can write .tflite files (flatbuffers was found; see CMakeLists.txt).
bool tflite_export_available();

struct TfliteIo {
  std::string name;                 // our tensor name, also the TFLite tensor's name
  std::vector<std::int32_t> shape;  // TFLite shape
  Perm perm;                        // TFLite dimension d is our dimension perm[d]
  QParams q;
};

struct TfliteModel {
  std::vector<std::uint8_t> bytes;  // the .tflite file
  std::int64_t operators = 0;
  std::int64_t tensors = 0;
  std::int64_t buffers = 0;                // including the empty buffer 0
  std::map<std::string, int> op_counts;    // by TFLite operator name ("CONV_2D": 40, ...)
  std::vector<TfliteIo> inputs, outputs;   // in the graph's order
};

// Throws std::invalid_argument naming the first node of `graph` (before or after batch-norm
// folding) that export_tflite cannot write, std::runtime_error when the build has no
// flatbuffers. A quick check before calibrating.
void check_tflite_exportable(const Graph& graph);

// Throws std::invalid_argument for a step it cannot export, std::runtime_error when the
// build has no flatbuffers.
TfliteModel export_tflite(const QuantizedProgram& program, const std::string& description);

// Only the steps [first, last) of program.ops(), as a model of its own (for checking op by
// op): the activations they read from earlier steps are its inputs (NHWC when rank 4), the
// last step's output its output; a transpose there is written as an op. Throws
// std::invalid_argument for an empty or out-of-range span.
TfliteModel export_tflite_steps(const QuantizedProgram& program, std::size_t first, std::size_t last, const std::string& description);

// The int8 values of one of our tensors rearranged into its TFLite layout.
std::vector<std::int8_t> to_tflite_layout(const QTensor& t, const TfliteIo& io);

}  // namespace eb::edgetpu

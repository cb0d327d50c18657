// One lowering function per operator family (ops/<family>.cpp). Each reads its node's
// inputs from the Builder, adds the primitives and host steps that compute it, and
// defines its output (for conv2d and linear: the output of the chain folded into it).
#pragma once

#include "backends/cpu/builder.h"

namespace eb::cpu {

void lower_conv2d(Builder& b, const Node& node);           // conv.cpp
void lower_linear(Builder& b, const Node& node);           // linear.cpp
void lower_matmul(Builder& b, const Node& node);           // linear.cpp
void lower_layernorm(Builder& b, const Node& node);        // norm.cpp
void lower_softmax(Builder& b, const Node& node);          // norm.cpp
void lower_unary(Builder& b, const Node& node);            // eltwise.cpp: gelu, relu, relu6, hardswish, hardsigmoid, sigmoid
void lower_binary(Builder& b, const Node& node);           // eltwise.cpp: add, mul
void lower_concat(Builder& b, const Node& node);           // layout.cpp
void lower_reshape(Builder& b, const Node& node);          // layout.cpp
void lower_transpose(Builder& b, const Node& node);        // layout.cpp
void lower_slice(Builder& b, const Node& node);            // layout.cpp
void lower_resize_bilinear(Builder& b, const Node& node);  // resize.cpp
void lower_global_avg_pool(Builder& b, const Node& node);  // pool.cpp
void lower_attention(Builder& b, const Node& node);        // attention.cpp
void lower_moe(Builder& b, const Node& node);              // moe.cpp

}  // namespace eb::cpu

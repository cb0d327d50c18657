// Recognising and re-creating the memory formats oneDNN picks, so that a tensor of
// another shape (a broadcast operand, a concat input) can be laid out the same way.
#pragma once

#include <optional>

#include <oneapi/dnnl/dnnl.hpp>

namespace eb::cpu {

// The format tag `md` is dense in (plain row-major, channels-last, or channel-blocked by
// 8 or 16), if it is one of those.
std::optional<dnnl::memory::format_tag> dense_tag(const dnnl::memory::desc& md);

bool is_plain(const dnnl::memory::desc& md);

}  // namespace eb::cpu

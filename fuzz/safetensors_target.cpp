#include <cstddef>
#include <cstdlib>
#include <cstring>

#include "core/safetensors.h"
#include "fuzz/targets.h"

namespace eb::fuzz {

void safetensors_file(Bytes input) {
  const std::span<const std::byte> bytes(reinterpret_cast<const std::byte*>(input.data()), input.size());
  const SafetensorsFile file = decode_safetensors(bytes, "fuzz.safetensors");
  // What was accepted must survive a round trip unchanged: the writer and the reader
  // agree on every tensor the reader let through.
  const auto again = decode_safetensors(encode_safetensors(file.weights, file.metadata), "round-trip");
  if (again.metadata != file.metadata || again.weights.size() != file.weights.size()) std::abort();
  for (const auto& [name, tensor] : file.weights.all()) {
    if (!again.weights.contains(name)) std::abort();
    const Tensor& t = again.weights.get(name);
    if (t.dtype() != tensor.dtype() || t.shape() != tensor.shape() || t.nbytes() != tensor.nbytes()) std::abort();
    if (t.nbytes() != 0 && std::memcmp(t.bytes().data(), tensor.bytes().data(), t.nbytes()) != 0) std::abort();
  }
}

}  // namespace eb::fuzz

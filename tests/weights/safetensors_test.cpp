// safetensors files: bit-exact round trips, and every kind of malformed file rejected with
// a message naming the file, the tensor and the problem.
#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/graph.h"
#include "core/safetensors.h"
#include "tests/support/temp_dir.h"

namespace eb {
namespace {

namespace fs = std::filesystem;
// Passes when `text` contains `part`; on failure shows both.
inline ::testing::AssertionResult Contains(const std::string& text, const std::string& part) {
  if (text.find(part) != std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "'" << text << "' does not contain '" << part << "'";
}

using test::TempDir;

template <class T>
Tensor filled(Shape shape, int salt) {
  Tensor t(dtype_of<T>(), std::move(shape));
  auto d = t.data<T>();
  for (std::size_t i = 0; i < d.size(); ++i) {
    if constexpr (std::is_same_v<T, float>) d[i] = static_cast<float>(i) * 0.37f - static_cast<float>(salt);
    else if constexpr (std::is_same_v<T, f16> || std::is_same_v<T, bf16>) d[i].bits = static_cast<std::uint16_t>(i * 977 + salt);
    else d[i] = static_cast<T>(static_cast<int>(i) * 31 - salt);
  }
  return t;
}

Weights sample_weights() {
  Weights w;
  w.set("b.f32", filled<float>({2, 3}, 1));
  w.set("a.f16", filled<f16>({5}, 2));
  w.set("c.bf16", filled<bf16>({3, 1, 2}, 3));
  w.set("d.i8", filled<std::int8_t>({7}, 4));
  w.set("e.u8", filled<std::uint8_t>({4, 2}, 5));
  w.set("f.i16", filled<std::int16_t>({3}, 6));
  w.set("g.i32", filled<std::int32_t>({2, 2}, 7));
  w.set("h.i64", filled<std::int64_t>({3}, 8));
  w.set("scalar", filled<float>({}, 9));
  w.set("empty", Tensor(DType::f32, {0, 4}));
  return w;
}

// A file assembled by hand: 8-byte length, header text as given, then `body`.
std::vector<std::byte> raw_file(const std::string& header, std::size_t body_bytes) {
  std::vector<std::byte> out(8);
  std::uint64_t n = header.size();
  for (int i = 0; i < 8; ++i) out[static_cast<std::size_t>(i)] = static_cast<std::byte>((n >> (8 * i)) & 0xff);
  for (char c : header) out.push_back(static_cast<std::byte>(c));
  out.resize(out.size() + body_bytes, std::byte{0x5a});
  return out;
}

std::string decode_error(const std::vector<std::byte>& bytes) {
  try {
    decode_safetensors(bytes, "x.safetensors");
  } catch (const SafetensorsError& e) {
    return e.what();
  }
  ADD_FAILURE() << "file was accepted";
  return {};
}

TEST(Safetensors, RoundTripIsBitExactForEveryDtype) {
  TempDir dir;
  const Weights w = sample_weights();
  const SafetensorsMetadata meta{{"model", "test"}, {"seed", "7"}};
  const auto path = dir.path() / "w.safetensors";
  save_safetensors(path, w, meta);
  const SafetensorsFile back = read_safetensors(path);
  EXPECT_EQ(back.metadata, meta);
  ASSERT_EQ(back.weights.names(), w.names());
  for (const auto& [name, t] : w.all()) EXPECT_TRUE(back.weights.get(name) == t) << name;
  // Encoding is deterministic: the same weights give the same bytes.
  EXPECT_EQ(encode_safetensors(back.weights, meta), encode_safetensors(w, meta));
}

TEST(Safetensors, LayoutFollowsTheFormat) {
  const auto bytes = encode_safetensors(sample_weights(), {{"k", "v"}});
  std::uint64_t n = 0;
  for (int i = 0; i < 8; ++i) n |= static_cast<std::uint64_t>(bytes[static_cast<std::size_t>(i)]) << (8 * i);
  EXPECT_EQ(n % 8, 0u) << "header padded to 8 bytes";
  const std::string header(reinterpret_cast<const char*>(bytes.data()) + 8, n);
  const auto j = nlohmann::json::parse(header);
  EXPECT_EQ(j["__metadata__"]["k"], "v");
  EXPECT_EQ(j["b.f32"]["dtype"], "F32");
  EXPECT_EQ(j["c.bf16"]["dtype"], "BF16");
  EXPECT_EQ(j["b.f32"]["shape"], nlohmann::json({2, 3}));
  // Sorted by name: a.f16 (10 bytes) first, then b.f32 (24 bytes).
  EXPECT_EQ(j["a.f16"]["data_offsets"], nlohmann::json({0, 10}));
  EXPECT_EQ(j["b.f32"]["data_offsets"], nlohmann::json({10, 34}));
  EXPECT_EQ(j["scalar"]["shape"], nlohmann::json::array());
}

TEST(Safetensors, NoMetadataMeansNoMetadataKey) {
  Weights w;
  w.set("x", filled<float>({2}, 0));
  const auto bytes = encode_safetensors(w);
  const std::string text(reinterpret_cast<const char*>(bytes.data()) + 8, bytes.size() - 8 - 8);
  EXPECT_EQ(text.find("__metadata__"), std::string::npos);
  EXPECT_TRUE(decode_safetensors(bytes, "x").metadata.empty());
}

TEST(Safetensors, TruncatedHeaderLength) {
  const std::vector<std::byte> five(5, std::byte{0});
  EXPECT_TRUE(Contains(decode_error(five), "x.safetensors: truncated header"));
}

TEST(Safetensors, TruncatedHeader) {
  auto bytes = raw_file(R"({"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}})", 4);
  bytes.resize(20);
  const auto msg = decode_error(bytes);
  EXPECT_TRUE(Contains(msg, "truncated header"));
  EXPECT_TRUE(Contains(msg, "x.safetensors"));
}

TEST(Safetensors, AbsurdHeaderLength) {
  std::vector<std::byte> bytes(16, std::byte{0xff});
  EXPECT_TRUE(Contains(decode_error(bytes), "exceeds the limit"));
}

TEST(Safetensors, TruncatedBody) {
  Weights w;
  w.set("layer.weight", filled<float>({4, 4}, 0));
  auto bytes = encode_safetensors(w);
  bytes.resize(bytes.size() - 10);
  const auto msg = decode_error(bytes);
  EXPECT_TRUE(Contains(msg, "tensor 'layer.weight'"));
  EXPECT_TRUE(Contains(msg, "past the end"));
}

TEST(Safetensors, TruncatedFileOnDisk) {
  TempDir dir;
  Weights w;
  w.set("layer.weight", filled<float>({4, 4}, 0));
  const auto path = dir.path() / "t.safetensors";
  save_safetensors(path, w);
  fs::resize_file(path, fs::file_size(path) - 1);
  try {
    load_safetensors(path);
    FAIL() << "accepted";
  } catch (const SafetensorsError& e) {
    EXPECT_TRUE(Contains(std::string(e.what()), path.string()));
    EXPECT_TRUE(Contains(std::string(e.what()), "tensor 'layer.weight'"));
  }
}

TEST(Safetensors, OffsetsBeyondTheData) {
  const auto msg = decode_error(raw_file(R"({"w":{"dtype":"F32","shape":[2],"data_offsets":[100,108]}})", 8));
  EXPECT_TRUE(Contains(msg, "tensor 'w'"));
  EXPECT_TRUE(Contains(msg, "past the end"));
}

TEST(Safetensors, OffsetsEndBeforeTheyBegin) {
  const auto msg = decode_error(raw_file(R"({"w":{"dtype":"F32","shape":[0],"data_offsets":[8,4]}})", 8));
  EXPECT_TRUE(Contains(msg, "tensor 'w'"));
  EXPECT_TRUE(Contains(msg, "end before they begin"));
}

TEST(Safetensors, OverlappingOffsets) {
  const auto msg = decode_error(raw_file(
      R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})", 12));
  EXPECT_TRUE(Contains(msg, "tensor 'b'"));
  EXPECT_TRUE(Contains(msg, "overlap tensor 'a'"));
}

TEST(Safetensors, HoleBetweenTensors) {
  const auto msg = decode_error(raw_file(
      R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}})", 12));
  EXPECT_TRUE(Contains(msg, "tensor 'b'"));
  EXPECT_TRUE(Contains(msg, "hole of 4 bytes"));
}

TEST(Safetensors, TrailingBytesBelongToNoTensor) {
  const auto msg = decode_error(raw_file(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}})", 9));
  EXPECT_TRUE(Contains(msg, "5 bytes at the end"));
}

TEST(Safetensors, ShapeDisagreesWithOffsets) {
  const auto msg = decode_error(raw_file(R"({"w":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}})", 8));
  EXPECT_TRUE(Contains(msg, "tensor 'w'"));
  EXPECT_TRUE(Contains(msg, "hold 8 bytes but shape [3] of F32 needs 12"));
}

TEST(Safetensors, UnknownDtype) {
  const auto msg = decode_error(raw_file(R"({"w":{"dtype":"F8_E4M3","shape":[1],"data_offsets":[0,1]}})", 1));
  EXPECT_TRUE(Contains(msg, "tensor 'w'"));
  EXPECT_TRUE(Contains(msg, "unsupported dtype 'F8_E4M3'"));
}

TEST(Safetensors, InvalidJson) {
  EXPECT_TRUE(Contains(decode_error(raw_file(R"({"w":{"dtype":"F32",)", 0)), "not valid JSON"));
  EXPECT_TRUE(Contains(decode_error(raw_file(R"([1, 2])", 0)), "not a JSON object"));
}

TEST(Safetensors, EntryThatIsNotAnObject) {
  EXPECT_TRUE(Contains(decode_error(raw_file(R"({"w":[1,2]})", 0)), "tensor 'w': header entry is not an object"));
}

TEST(Safetensors, BadDimensions) {
  EXPECT_TRUE(Contains(decode_error(raw_file(R"({"w":{"dtype":"F32","shape":[-1],"data_offsets":[0,0]}})", 0)),
                       "negative"));
  EXPECT_TRUE(Contains(decode_error(raw_file(R"({"w":{"dtype":"F32","shape":[1.5],"data_offsets":[0,4]}})", 4)),
                       "not an integer"));
  EXPECT_TRUE(Contains(decode_error(raw_file(R"({"w":{"dtype":"F32","shape":["2"],"data_offsets":[0,8]}})", 8)),
                       "not an integer"));
  EXPECT_TRUE(Contains(decode_error(raw_file(
                           R"({"w":{"dtype":"F32","shape":[4294967296,4294967296,4294967296],"data_offsets":[0,8]}})", 8)),
                       "too large"));
}

TEST(Safetensors, MissingAndUnexpectedFields) {
  EXPECT_TRUE(Contains(decode_error(raw_file(R"({"w":{"dtype":"F32","shape":[1]}})", 4)), "missing field 'data_offsets'"));
  EXPECT_TRUE(Contains(decode_error(raw_file(R"({"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4],"x":1}})", 4)),
                       "unexpected field 'x'"));
}

TEST(Safetensors, DuplicateNames) {
  const auto msg = decode_error(raw_file(
      R"({"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"w":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})", 8));
  EXPECT_TRUE(Contains(msg, "duplicate tensor name 'w'"));
}

TEST(Safetensors, MetadataMustBeStrings) {
  EXPECT_TRUE(Contains(decode_error(raw_file(R"({"__metadata__":{"a":1}})", 0)), "__metadata__"));
}

TEST(Safetensors, MissingFileNamesThePath) {
  try {
    load_safetensors("/nonexistent/dir/w.safetensors");
    FAIL() << "accepted";
  } catch (const std::runtime_error& e) {
    EXPECT_TRUE(Contains(std::string(e.what()), "/nonexistent/dir/w.safetensors"));
  }
}

// What a model expects is checked by Weights::check_against, naming the tensor.
Graph tiny_graph() {
  GraphBuilder b("tiny");
  const auto x = b.input("x", {1, 4});
  const auto w = b.weight("fc.weight", {2, 4}, WeightInit::zeros());
  const auto bias = b.weight("fc.bias", {2}, WeightInit::zeros());
  b.output(b.add(OpKind::linear, LinearAttrs{Activation::none, true}, {x, w, bias}, "fc"));
  return b.finish();
}

std::string check_error(const Weights& w, const Graph& g) {
  try {
    w.check_against(g);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  ADD_FAILURE() << "weights accepted";
  return {};
}

TEST(Safetensors, MissingTensorVersusModel) {
  TempDir dir;
  Weights w;
  w.set("fc.weight", Tensor(DType::f32, {2, 4}));
  save_safetensors(dir.path() / "m.safetensors", w);
  EXPECT_TRUE(Contains(check_error(load_safetensors(dir.path() / "m.safetensors"), tiny_graph()), "'fc.bias'"));
}

TEST(Safetensors, WrongShapeVersusModel) {
  TempDir dir;
  Weights w;
  w.set("fc.weight", Tensor(DType::f32, {4, 2}));
  w.set("fc.bias", Tensor(DType::f32, {2}));
  save_safetensors(dir.path() / "s.safetensors", w);
  const auto msg = check_error(load_safetensors(dir.path() / "s.safetensors"), tiny_graph());
  EXPECT_TRUE(Contains(msg, "'fc.weight'"));
  EXPECT_TRUE(Contains(msg, "[4, 2]"));
}

TEST(Safetensors, SaveReplacesAtomicallyAndLeavesNoTemporaries) {
  TempDir dir;
  const auto path = dir.path() / "w.safetensors";
  save_safetensors(path, sample_weights());
  Weights small;
  small.set("x", filled<float>({1}, 0));
  save_safetensors(path, small);
  EXPECT_EQ(load_safetensors(path).names(), std::vector<std::string>{"x"});
  std::size_t files = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir.path())) ++files;
  EXPECT_EQ(files, 1u);
}

TEST(Safetensors, SaveIntoMissingFolderFailsCleanly) {
  TempDir dir;
  EXPECT_THROW(save_safetensors(dir.path() / "no" / "such" / "w.safetensors", sample_weights()), std::runtime_error);
}

}  // namespace
}  // namespace eb

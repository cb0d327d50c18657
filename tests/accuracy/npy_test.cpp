// .npy reading and writing.
#include <bit>
#include <cstring>

#include <gtest/gtest.h>

#include "bench/datasets/npy.h"

namespace eb::bench {
namespace {

// A version-1.0 file with the given header dict and raw data bytes.
std::vector<std::uint8_t> npy_file(const std::string& dict, const std::vector<std::uint8_t>& data) {
  std::string header = dict;
  while ((10 + header.size() + 1) % 64 != 0) header += ' ';
  header += '\n';
  std::vector<std::uint8_t> out = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, static_cast<std::uint8_t>(header.size()),
                                   static_cast<std::uint8_t>(header.size() >> 8)};
  out.insert(out.end(), header.begin(), header.end());
  out.insert(out.end(), data.begin(), data.end());
  return out;
}

TEST(Npy, RoundTripFloat32) {
  const std::int64_t shape[] = {2, 3};
  const std::vector<float> values = {0, 1.5f, -2, 3.25f, 1e-3f, 7};
  const NpyArray a = parse_npy(encode_npy(shape, values), "d.npy");
  EXPECT_EQ(a.shape, (std::vector<std::int64_t>{2, 3}));
  EXPECT_EQ(a.descr, "<f4");
  ASSERT_EQ(a.values.size(), 6u);
  for (std::size_t i = 0; i < 6; ++i) EXPECT_EQ(a.values[i], static_cast<double>(values[i]));
  EXPECT_EQ(encode_npy(shape, values).size() % 64, (6 * 4) % 64) << "data starts on a 64-byte boundary";
}

TEST(Npy, OneDimensionalShapeKeepsItsComma) {
  const std::int64_t shape[] = {2};
  const auto bytes = encode_npy(shape, std::vector<float>{1, 2});
  const std::string text(bytes.begin(), bytes.end());
  EXPECT_NE(text.find("'shape': (2,)"), std::string::npos);
  EXPECT_EQ(parse_npy(bytes, "v.npy").shape, (std::vector<std::int64_t>{2}));
}

TEST(Npy, ReadsOtherTypesAndByteOrders) {
  const NpyArray f8 = parse_npy(
      npy_file("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }",
               [] {
                 std::vector<std::uint8_t> b(8);
                 const double v = 2.5;
                 std::memcpy(b.data(), &v, 8);
                 return b;
               }()),
      "f8.npy");
  EXPECT_EQ(f8.values, (std::vector<double>{2.5}));
  const NpyArray i2 = parse_npy(npy_file("{'descr': '>i2', 'fortran_order': False, 'shape': (2,), }", {0xff, 0xfe, 0x01, 0x00}), "i2.npy");
  EXPECT_EQ(i2.values, (std::vector<double>{-2, 256}));
  const NpyArray u1 = parse_npy(npy_file("{'descr': '|u1', 'fortran_order': False, 'shape': (1, 2), }", {7, 255}), "u1.npy");
  EXPECT_EQ(u1.values, (std::vector<double>{7, 255}));
  const NpyArray f2 = parse_npy(npy_file("{'descr': '<f2', 'fortran_order': False, 'shape': (1,), }", {0x00, 0x3c}), "f2.npy");
  EXPECT_EQ(f2.values, (std::vector<double>{1.0}));
  const NpyArray scalar = parse_npy(npy_file("{'descr': '<i4', 'fortran_order': False, 'shape': (), }", {5, 0, 0, 0}), "s.npy");
  EXPECT_TRUE(scalar.shape.empty());
  EXPECT_EQ(scalar.values, (std::vector<double>{5}));
}

TEST(Npy, Refusals) {
  const auto message = [](const std::vector<std::uint8_t>& bytes) {
    try {
      parse_npy(bytes, "x.npy");
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  EXPECT_NE(message({1, 2, 3}).find("x.npy: not a readable .npy file: missing the"), std::string::npos);
  EXPECT_NE(message(npy_file("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }", std::vector<std::uint8_t>(16))).find("Fortran"),
            std::string::npos);
  EXPECT_NE(message(npy_file("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }", std::vector<std::uint8_t>(15))).find("truncated"),
            std::string::npos);
  EXPECT_NE(message(npy_file("{'descr': '<c8', 'fortran_order': False, 'shape': (1,), }", std::vector<std::uint8_t>(8))).find("unsupported dtype '<c8'"),
            std::string::npos);
  EXPECT_NE(message(npy_file("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,), }", std::vector<std::uint8_t>(4)))
                .find("structured"),
            std::string::npos);
  const std::int64_t shape[] = {3};
  EXPECT_THROW(encode_npy(shape, std::vector<float>{1, 2}), std::invalid_argument);
}

}  // namespace
}  // namespace eb::bench

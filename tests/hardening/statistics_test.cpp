// Statistics as a run records them, through the binary: the validity note about p99 and
// p99.9 being the maximum follows nearest rank (p99 is rank ⌈0.99 n⌉: the maximum only for
// n < 100; p99.9 only for n < 1000). It used to be printed for n <= 100.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/hardening/child.h"

namespace eb::test {
namespace {

#ifdef EB_HAVE_CPU
TEST(ValidityNotes, AtOneHundredSamplesOnlyP999IsTheMaximum) {
  TempDir tmp;
  const auto r = run_cli({"run", "--model", "mobilenet-v2", "--backend", "cpu", "--iterations", "100", "--warmup", "0",
                          "--samples", "1", "--no-fidelity", "--out", (tmp / "out").string(), "--json"});
  ASSERT_EQ(r.status, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  const auto& record = j.is_array() ? j[0] : j;
  ASSERT_EQ(record["timing"]["samples_ns"].size(), 100u);
  const std::string notes = record["validity"]["notes"].dump();
  EXPECT_EQ(notes.find("p99 and p99.9 are the maximum"), std::string::npos) << notes;
  EXPECT_NE(notes.find("with 100 samples, p99.9 is the maximum"), std::string::npos) << notes;
}
#endif

}  // namespace
}  // namespace eb::test

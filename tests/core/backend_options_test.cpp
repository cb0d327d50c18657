// Declared backend options: values checked against their type and range with a one-line
// message naming the key and the valid values; keys checked against the backend that the
// prefix names; every registered backend's declarations consistent with themselves.
#include <gtest/gtest.h>

#include <set>
#include <stdexcept>

#include "core/backend_options.h"
#include "core/registry.h"

namespace eb {
namespace {

std::string error_of(const OptionSpec& spec, std::string_view value) {
  try {
    check_option_value(spec, value);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

TEST(OptionSpec, ChecksEachTypeAndNamesTheRange) {
  const OptionSpec flag{.key = "x.on", .type = OptionType::flag};
  for (const char* ok : {"0", "1", "on", "off", "true", "false"}) EXPECT_EQ(error_of(flag, ok), "") << ok;
  EXPECT_EQ(error_of(flag, "2"), "x.on=2 is not valid: x.on=0|1");

  const OptionSpec count{.key = "x.n", .type = OptionType::integer, .min = 1, .max = 4096};
  EXPECT_EQ(error_of(count, "4096"), "");
  for (const char* bad : {"0", "4097", "2.5", "", "ten", "-1", "1e3"})
    EXPECT_EQ(error_of(count, bad), std::string("x.n=") + bad + " is not valid: x.n is an integer in [1, 4096]") << bad;

  const OptionSpec positive{.key = "x.mhz", .type = OptionType::number, .min = 0, .min_exclusive = true};
  EXPECT_EQ(error_of(positive, "0.5"), "");
  EXPECT_EQ(error_of(positive, "0"), "x.mhz=0 is not valid: x.mhz is a number > 0");
  EXPECT_NE(error_of(positive, "nan"), "");
  EXPECT_NE(error_of(positive, "inf"), "");

  const OptionSpec choice{.key = "x.mode", .type = OptionType::choice, .choices = {"find", "heuristic"}};
  EXPECT_EQ(error_of(choice, "find"), "");
  EXPECT_EQ(error_of(choice, "fast"), "x.mode=fast is not valid: x.mode=find|heuristic");

  const OptionSpec list{.key = "x.mean", .type = OptionType::numbers};
  EXPECT_EQ(error_of(list, "0.5,0.25,1"), "");
  EXPECT_NE(error_of(list, "0.5,,1"), "");
  EXPECT_NE(error_of(list, "0.5,a"), "");
}

TEST(OptionSpec, ResolvedValuesAreGivenOrDefault) {
  const std::vector<OptionSpec> specs{{.key = "x.a", .default_value = "1"}, {.key = "x.b", .default_value = "2"}, {.key = "x.file"}};
  const auto r = resolve_options(specs, {{"x.b", "5"}, {"y.other", "z"}});
  EXPECT_EQ(r, (std::map<std::string, std::string>{{"x.a", "1"}, {"x.b", "5"}}));
}

TEST(BackendOptions, UnknownKeysAndBackendsAreNamed) {
  const BackendRegistry backends = make_backend_registry();
  auto error = [&](std::map<std::string, std::string> extra) {
    try {
      check_backend_options(backends, extra);
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  EXPECT_NE(error({{"fgpa.clock_mhz", "250"}}).find("'fgpa' is not one"), std::string::npos);
  EXPECT_NE(error({{"reference.x", "1"}}).find("'reference.x' is not an option of reference (it has none)"), std::string::npos);
  if (backends.find("fpga")) {
    EXPECT_EQ(error({{"fpga.clock_mhz", "250"}}), "");
    const std::string e = error({{"fpga.nonsense", "1"}});
    EXPECT_EQ(e.rfind("'fpga.nonsense' is not an option of fpga (known: fpga.clock_mhz, ", 0), 0u) << e;
  }
}

// Every declaration: its backend's prefix, no key twice, a default that passes its own check.
TEST(BackendOptions, EveryBackendDeclaresConsistently) {
  const BackendRegistry backends = make_backend_registry();
  for (const Backend* b : backends.all()) {
    std::set<std::string> seen;
    for (const OptionSpec& o : b->options()) {
      EXPECT_EQ(o.key.rfind(std::string(b->name()) + ".", 0), 0u) << o.key;
      EXPECT_TRUE(seen.insert(o.key).second) << o.key << " declared twice";
      EXPECT_FALSE(o.help.empty()) << o.key;
      if (!o.default_value.empty()) {
        EXPECT_NO_THROW(check_option_value(o, o.default_value)) << o.key;
      }
      if (o.type == OptionType::choice) {
        EXPECT_FALSE(o.choices.empty()) << o.key;
      }
    }
  }
}

}  // namespace
}  // namespace eb

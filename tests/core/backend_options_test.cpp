// Declared backend options: values checked against their type and range with a one-line
// message naming the key and the valid values; keys checked against the backend that the
// prefix names; every registered backend's declarations consistent with themselves; the
// one parse (ResolvedOptions) typed, with every default round-tripping through it, and a
// read of an undeclared key a programming error.
#include <gtest/gtest.h>

#include <cstdint>
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
  const auto r = ResolvedOptions(specs, {{"x.b", "5"}, {"y.other", "z"}}).strings();
  EXPECT_EQ(r, (std::map<std::string, std::string>{{"x.a", "1"}, {"x.b", "5"}}));
}

TEST(ResolvedOptions, TypedValuesGivenOrDefault) {
  const std::vector<OptionSpec> specs{
      {.key = "x.on", .type = OptionType::flag, .default_value = "0"},
      {.key = "x.n", .type = OptionType::integer, .default_value = "4", .min = 1, .max = 8},
      {.key = "x.mhz", .type = OptionType::number, .default_value = "300", .min = 0, .min_exclusive = true},
      {.key = "x.mode", .type = OptionType::choice, .default_value = "find", .choices = {"find", "heuristic"}},
      {.key = "x.mean", .type = OptionType::numbers, .default_value = "0.5,0.25"},
      {.key = "x.file", .type = OptionType::text},
  };
  const ResolvedOptions d(specs, {});
  EXPECT_FALSE(d.get_bool("x.on"));
  EXPECT_EQ(d.get_int("x.n"), 4);
  EXPECT_EQ(d.get_double("x.mhz"), 300.0);
  EXPECT_EQ(d.get_choice("x.mode"), "find");
  EXPECT_EQ(d.get_numbers("x.mean"), (std::vector<double>{0.5, 0.25}));
  EXPECT_FALSE(d.has("x.file"));
  EXPECT_FALSE(d.given("x.n"));

  const ResolvedOptions g(specs, {{"x.on", "on"}, {"x.n", "8"}, {"x.mode", "heuristic"}, {"x.file", "a.bin"}, {"y.z", "w"}});
  EXPECT_TRUE(g.get_bool("x.on"));
  EXPECT_EQ(g.get_int("x.n"), 8);
  EXPECT_EQ(g.get_choice("x.mode"), "heuristic");
  EXPECT_EQ(g.get_text("x.file"), "a.bin");
  EXPECT_TRUE(g.given("x.on"));
  EXPECT_FALSE(g.given("x.mhz"));
  // The record keeps what was written; other prefixes' keys are not this set's.
  EXPECT_EQ(g.strings().at("x.on"), "on");
  EXPECT_FALSE(g.declares("y.z"));
  EXPECT_EQ(g.strings().count("y.z"), 0u);

  // A value outside its declaration is the user's error, with check_option_value's message.
  try {
    (void)ResolvedOptions(specs, {{"x.n", "9"}});
    ADD_FAILURE() << "x.n=9 accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_EQ(std::string(e.what()), "x.n=9 is not valid: x.n is an integer in [1, 8]");
  }
}

// Reading what was not declared, as another type, or a value that is not there is the
// backend's bug, not the user's: std::logic_error, never std::invalid_argument.
TEST(ResolvedOptions, UndeclaredOrMistypedReadsAreProgrammingErrors) {
  const ResolvedOptions r({{.key = "x.n", .type = OptionType::integer, .default_value = "4"}, {.key = "x.file"}}, {});
  EXPECT_THROW((void)r.get_int("x.m"), std::logic_error);
  EXPECT_THROW((void)r.has("x.m"), std::logic_error);
  EXPECT_THROW((void)r.given("x.m"), std::logic_error);
  EXPECT_THROW((void)r.get_double("x.n"), std::logic_error);
  EXPECT_THROW((void)r.get_text("x.file"), std::logic_error);  // no default, not given
  EXPECT_THROW((void)ResolvedOptions().get_bool("x.on"), std::logic_error);
  try {
    (void)r.get_int("x.m");
  } catch (const std::invalid_argument&) {
    ADD_FAILURE() << "an undeclared read must not look like a user's bad value";
  } catch (const std::logic_error&) {
  }
}

TEST(ResolvedOptions, IntegersStayInsideInt64) {
  const OptionSpec seed{.key = "x.seed", .type = OptionType::integer, .min = 0};
  EXPECT_EQ(std::get<std::int64_t>(parse_option_value(seed, "9223372036854775807")), INT64_MAX);
  EXPECT_THROW((void)parse_option_value(seed, "9223372036854775808"), std::invalid_argument);
}

// Every registered backend: each default parses, its typed value is the accessor's, the
// record's string for it is the default, and resolving the record's strings again gives the
// same typed values (what the backend read is what the record says); an option without a
// default has no value until given.
TEST(BackendOptions, EveryDefaultRoundTripsThroughTheAccessor) {
  const BackendRegistry backends = make_backend_registry();
  for (const Backend* b : backends.all()) {
    const ResolvedOptions r = b->resolved_options(CompileOptions{});
    const ResolvedOptions again(b->options(), r.strings());
    for (const OptionSpec& o : b->options()) {
      if (o.default_value.empty()) {
        EXPECT_FALSE(r.has(o.key)) << o.key;
        continue;
      }
      ASSERT_TRUE(r.has(o.key)) << o.key;
      EXPECT_EQ(r.strings().at(o.key), o.default_value) << o.key;
      const OptionValue v = parse_option_value(o, o.default_value);
      switch (o.type) {
        case OptionType::flag:
          EXPECT_EQ(r.get_bool(o.key), std::get<bool>(v)) << o.key;
          EXPECT_EQ(again.get_bool(o.key), r.get_bool(o.key)) << o.key;
          break;
        case OptionType::integer:
          EXPECT_EQ(r.get_int(o.key), std::get<std::int64_t>(v)) << o.key;
          EXPECT_EQ(again.get_int(o.key), r.get_int(o.key)) << o.key;
          break;
        case OptionType::number:
          EXPECT_EQ(r.get_double(o.key), std::get<double>(v)) << o.key;
          EXPECT_EQ(again.get_double(o.key), r.get_double(o.key)) << o.key;
          break;
        case OptionType::choice:
          EXPECT_EQ(r.get_choice(o.key), o.default_value) << o.key;
          EXPECT_EQ(again.get_choice(o.key), r.get_choice(o.key)) << o.key;
          break;
        case OptionType::numbers:
          EXPECT_EQ(r.get_numbers(o.key), std::get<std::vector<double>>(v)) << o.key;
          EXPECT_EQ(again.get_numbers(o.key), r.get_numbers(o.key)) << o.key;
          break;
        case OptionType::text:
          EXPECT_EQ(r.get_text(o.key), o.default_value) << o.key;
          EXPECT_EQ(again.get_text(o.key), r.get_text(o.key)) << o.key;
          break;
      }
    }
    EXPECT_EQ(again.strings(), r.strings()) << b->name();
  }
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

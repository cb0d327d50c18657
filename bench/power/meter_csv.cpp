#include "bench/power/meter_csv.h"

#include <algorithm>
#include <charconv>
#include <cmath>

#include <fmt/format.h>

namespace eb::bench {
namespace {

std::string_view trim(std::string_view s) {
  const auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

std::vector<std::string_view> split_fields(std::string_view s) {
  std::vector<std::string_view> fields;
  for (;;) {
    const auto comma = s.find(',');
    fields.push_back(trim(s.substr(0, comma)));
    if (comma == std::string_view::npos) return fields;
    s.remove_prefix(comma + 1);
  }
}

// A finite decimal number making up the whole field.
constexpr double kMaxMeterSeconds = 4e9;  // year 2096 in unix time; int64 ns holds ±9.2e9 s

std::optional<double> number(std::string_view field) {
  double v = 0;
  const auto [ptr, ec] = std::from_chars(field.data(), field.data() + field.size(), v);
  if (field.empty() || ec != std::errc() || ptr != field.data() + field.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

}  // namespace

MeterLine MeterLineParser::parse(std::string_view raw) {
  ++line_;
  MeterLine out;
  const auto error = [&](std::string reason) {
    out.kind = MeterLine::Kind::error;
    out.error = {line_, std::move(reason)};
    return out;
  };
  const auto text = trim(raw);
  if (text.empty() || text.front() == '#') return out;

  const auto fields = split_fields(text);
  const bool first_content = !content_seen_;
  content_seen_ = true;
  if (first_content && std::none_of(fields.begin(), fields.end(), [](auto f) { return number(f).has_value(); }))
    return out;  // the header

  const bool fields_ok = fields.size() == 2 || (!time_required_ && fields.size() == 1);
  if (!fields_ok)
    return error(fmt::format("expected {} fields, got {}", time_required_ ? "2 (timestamp_s,watts)" : "1 or 2",
                             fields.size()));
  const std::string_view watts_field = fields.back();
  std::optional<double> t;
  if (fields.size() == 2) {
    t = number(fields[0]);
    if (!t) return error(fmt::format("timestamp '{}' is not a finite number", fields[0]));
    // Nanoseconds on the host clock must fit in 64 bits with room for the unix-time offset.
    if (std::abs(*t) > kMaxMeterSeconds)
      return error(fmt::format("timestamp {} s is out of range (at most {:g} s from 0)", *t, kMaxMeterSeconds));
  }
  const auto watts = number(watts_field);
  if (!watts) return error(fmt::format("watts '{}' is not a finite number", watts_field));
  if (*watts < 0) return error(fmt::format("negative power {} W", *watts));
  if (t && last_t_s_ && *t < *last_t_s_)
    return error(fmt::format("time goes backwards: {} s after {} s", *t, *last_t_s_));
  if (t) last_t_s_ = t;
  out.kind = MeterLine::Kind::sample;
  out.t_s = t;
  out.watts = *watts;
  return out;
}

MeterLog parse_meter_csv(std::string_view text, std::int64_t offset_ns) {
  MeterLog log;
  MeterLineParser parser(/*time_required=*/true);
  while (!text.empty()) {
    const auto nl = text.find('\n');
    const auto line = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    const MeterLine parsed = parser.parse(line);
    if (parsed.kind == MeterLine::Kind::error) log.rejected.push_back(parsed.error);
    if (parsed.kind == MeterLine::Kind::sample)
      log.samples.push_back({offset_ns + std::llround(*parsed.t_s * 1e9), parsed.watts});
  }
  return log;
}

}  // namespace eb::bench

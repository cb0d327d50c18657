#include <string_view>

#include "fuzz/targets.h"
#include "reports/compare_render.h"
#include "reports/comparison.h"
#include "reports/record.h"

namespace eb::fuzz {

// An accepted record goes on through what `compare` and `report` do with it: the
// comparison and its text and CSV renderings, so numbers no run would write (negative,
// huge, empty series) are met there too.
void result_record(Bytes input) {
  const std::string_view text(reinterpret_cast<const char*>(input.data()), input.size());
  const reports::RecordView r = reports::parse_record(text, "fuzz-record.json");
  const reports::Comparison c = reports::compare({r, r});
  (void)reports::render_compare_table(c, false);
  (void)reports::render_compare_csv(c);
}

}  // namespace eb::fuzz

// The report's CSV: one row per result record with every summary figure and, beside each,
// its provenance kind and source, so that a spreadsheet never loses which numbers were
// measured and which were modeled.
#pragma once

#include <string>
#include <vector>

#include "reports/record.h"

namespace eb::reports {

std::string records_csv(const std::vector<RecordView>& records);

}  // namespace eb::reports

// State shared by all connections of one ferry_testd: options, object backend, generated objects,
// fault script, counters and the dialects requests are routed to (first that accepts wins).
#pragma once

#include "tests/support/exchange.hpp"
#include "tests/support/fault.hpp"
#include "tests/support/generated_object.hpp"
#include "tests/support/object_backend.hpp"
#include "tests/support/options.hpp"
#include "tests/support/stats.hpp"

#include <memory>
#include <vector>

namespace ferry::testd {

class server_context {
 public:
  explicit server_context(options o);

  options opts;
  std::unique_ptr<object_backend> backend;
  generated_objects generated;
  fault_script faults;
  testd::stats stats;
  std::vector<std::unique_ptr<dialect>> dialects;

  dialect* route(const exchange& ex) const;
};

// One factory per dialect file.
std::unique_ptr<dialect> make_control_dialect();  // /_ferry/...
std::unique_ptr<dialect> make_plain_dialect();    // plain HTTP objects and /_gen

}  // namespace ferry::testd

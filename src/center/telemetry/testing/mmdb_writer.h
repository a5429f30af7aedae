// Test-only: writes small MaxMind DB (MMDB v2) files, so the real
// libmaxminddb reader can be tested without a downloaded database. Supports
// what GeoLite2-Country and GeoLite2-ASN records hold for acta's lookups:
// country.iso_code and autonomous_system_number. IPv6 tree, 24-bit records;
// IPv4 networks live under ::/96 as in MaxMind's own files.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/bytes.h"
#include "core/error.h"

namespace acta::telemetry::testing {

struct MmdbRecord {
  std::optional<std::string> country_iso;  // {"country":{"iso_code":...}}
  std::optional<uint32_t> asn;             // {"autonomous_system_number":...}
};

class MmdbWriter {
 public:
  // `cidr` as "203.0.113.0/24" or "2001:db8::/32". Networks must not
  // overlap. Errors: kInvalidArgument.
  [[nodiscard]] Status Insert(const std::string& cidr, const MmdbRecord& record);
  // The whole file.
  Bytes Build() const;

 private:
  struct Record {
    enum Kind { kEmpty, kNode, kData } kind = kEmpty;
    uint32_t value = 0;  // node index or record index
  };
  struct Node {
    Record child[2];
  };
  std::vector<Node> nodes_ = {Node{}};
  std::vector<MmdbRecord> records_;
};

}  // namespace acta::telemetry::testing

#include "sim/link_profile.h"

#include <array>

namespace acta::sim {
namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;

const std::array<LinkProfile, 4>& Profiles() {
  static const std::array<LinkProfile, 4> profiles = {
      // V.34/V.90 modems on rural copper: 33.6 kbit/s up, up to 56 down;
      // the modem's own buffering adds most of the latency.
      LinkProfile{"dialup", 33'600, 56'000, 0.514, microseconds(120'000), microseconds(40'000),
                  0.01, milliseconds(400), 0.02},
      // GPRS/EDGE/3G mix: slow uplink, large and variable latency, some loss.
      LinkProfile{"gsm", 64'000, 236'000, 0.4, microseconds(150'000), microseconds(100'000), 0.02,
                  milliseconds(600), 0.03},
      // VSAT through a geostationary satellite: ~600 ms RTT.
      LinkProfile{"satellite", 256'000, 1'024'000, 0.8, microseconds(300'000), microseconds(20'000),
                  0.005, milliseconds(1'200), 0.01},
      LinkProfile{"metro", 100e6, 100e6, 1.0, microseconds(1'000), microseconds(200), 0.0,
                  milliseconds(200), 0.0},
  };
  return profiles;
}

}  // namespace

std::span<const LinkProfile> StandardProfiles() { return Profiles(); }

Result<LinkProfile> ProfileByName(std::string_view name) {
  for (const auto& p : Profiles()) {
    if (p.name == name) return p;
  }
  return MakeError(ErrorCode::kNotFound, "unknown link profile \"" + std::string(name) +
                                             "\" (dialup, gsm, satellite, metro)");
}

}  // namespace acta::sim

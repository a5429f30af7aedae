// Where each file lives in a mirror directory (docs/FORMATS.md, "Mirror
// directory"). Paths follow the center's public routes wherever a route has
// no query string, so a plain static server answers most of them as they
// are; the rest have a fixed file name that the nginx configuration in
// examples/nginx/ maps the center's URL to, and that the dashboard reads
// directly when it runs from a mirror.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace acta::mirror {

inline constexpr char kCheckpoint[] = "checkpoint";                 // /checkpoint
inline constexpr char kManifestJson[] = "v1/manifest.json";         // /v1/manifest
inline constexpr char kTablesBin[] = "v1/manifest/tables.bin";      // same route
inline constexpr char kManifestSig[] = "v1/manifest/manifest.sig";  // same route
inline constexpr char kCheckpoints[] = "v1/checkpoints";            // /v1/checkpoints
inline constexpr char kCheckpointsShort[] = "v1/checkpoints-600";   // ?max=600&note=0
inline constexpr char kBulletin[] = "v1/bulletin";                  // /v1/bulletin
inline constexpr char kBulletinState[] = "v1/bulletin-state";       // ?max_level=state
inline constexpr char kTablesCsv[] = "v1/export/tables.csv";        // same route
inline constexpr char kReceiptKeys[] = "v1/receipt-keys";           // same route
inline constexpr char kMirrorJson[] = "mirror.json";                // this mirror's state
inline constexpr char kMirrorFormat[] = "acta-mirror-v1";

// The dashboard's /v1/checkpoints?max=N&note=0, written as kCheckpointsShort.
inline constexpr uint64_t kCheckpointsShown = 600;
// The dashboard's /v1/arrivals?top=N.
inline constexpr uint64_t kArrivalsTop = 8;

// /v1/bulletin?size=N (kept for the last few checkpoints published).
inline std::string BulletinAtPath(uint64_t size) { return "v1/bulletins/" + std::to_string(size); }
inline std::string RegionPath(std::string_view code) { return "v1/regions/" + std::string(code); }
inline std::string TablePath(uint32_t id) { return "v1/tables/" + std::to_string(id); }
// /v1/arrivals?region=CODE&top=8.
inline std::string ArrivalsPath(std::string_view code) {
  return "v1/arrivals/" + std::string(code);
}

}  // namespace acta::mirror

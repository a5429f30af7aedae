// The largest acta the format allows (exactly kMaxActaSize bytes), with a
// manifest to match: the test manifest with 16 contests of 26 candidates.
// For the print tests and the photo benchmark, which must show that the
// largest acta still prints as a QR code a phone photo decodes.
#pragma once

#include <string>

#include "core/acta.h"
#include "core/manifest.h"
#include "core/testing/manifest_fixtures.h"

namespace acta::print::testing {

struct ManifestAndActa {
  Manifest manifest;
  Acta acta;
};

inline ManifestAndActa LargestActa() {
  ManifestAndActa out{acta::testing::VectorManifest(), {}};
  Manifest& m = out.manifest;
  m.contests.clear();
  for (int c = 0; c < 16; ++c) {
    Contest contest{
        "c" + std::to_string(c), "Consejo regional, circunscripción " + std::to_string(c + 1), {}};
    for (int k = 0; k < 26; ++k) {
      contest.candidates.push_back(
          Candidate{"c" + std::to_string(c) + "k" + std::to_string(k),
                    "Candidata Número " + std::to_string(k + 1),
                    "Partido " + std::string(1, static_cast<char>('A' + k))});
    }
    m.contests.push_back(std::move(contest));
  }
  m.Finalize();
  ActaBody b;
  b.election_id = m.election_id;
  b.table_id = 10;
  b.closing_time = m.polls_close_not_before + 60;
  b.ballots_cast = 3382;
  b.contests.assign(16, ContestCounts{std::vector<uint32_t>(26, 130), 1, 1});
  // Each vote count raised past 16,383 takes one more varint byte.
  for (size_t c = 0, k = 0; EncodeActaBody(b)->size() + kSignatureSize < kMaxActaSize; ++k) {
    if (k == 26) k = 0, ++c;
    b.contests[c].candidates[k] = 20000;
  }
  out.acta = *SignActa(b, SigningKey::FromSeed(acta::testing::FixedSeed(0x10)));
  return out;
}

// A typical acta of the same test manifest (two contests), table 11.
inline ManifestAndActa TypicalActa() {
  ManifestAndActa out{acta::testing::VectorManifest(), {}};
  const Manifest& m = out.manifest;
  ActaBody b{m.election_id,
             11,
             m.polls_close_not_before + 60,
             0,
             400,
             {ContestCounts{{300, 60, 30}, 5, 5}, ContestCounts{{350, 40}, 5, 5}}};
  out.acta = *SignActa(b, SigningKey::FromSeed(acta::testing::FixedSeed(0x11)));
  return out;
}

}  // namespace acta::print::testing

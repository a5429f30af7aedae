// Sample actas for the benchmarks: the shape the synthesizer makes (2
// contests, 6 and 5 candidates, 3-digit counts) and the largest acta the
// format allows (kMaxContests contests filled up to kMaxActaSize bytes).
#pragma once

#include <cstdio>
#include <cstdlib>

#include "core/acta.h"

namespace acta::bench {

enum class ActaShape { kTypical = 0, kLargest = 1 };

inline const char* ShapeName(ActaShape shape) {
  return shape == ActaShape::kTypical ? "typical" : "largest";
}

inline SigningKey BenchKey() {
  Seed seed;
  seed.fill(0x42);
  return SigningKey::FromSeed(seed);
}

inline ActaBody SampleBody(ActaShape shape) {
  ActaBody body;
  body.election_id.fill(0xe1);
  body.table_id = 123456;
  body.closing_time = 1'800'020'000;
  body.ballots_cast = 412;
  if (shape == ActaShape::kTypical) {
    body.contests = {{{181, 152, 29, 16, 10, 6}, 4, 14}, {{148, 136, 49, 33, 21}, 8, 17}};
    return body;
  }
  // Four-byte varints; candidates are added round-robin while the acta
  // still fits.
  body.ballots_cast = 3'000'000;
  body.contests.assign(kMaxContests, ContestCounts{{3'000'000}, 3'000'000, 3'000'000});
  for (size_t i = 0;; i = (i + 1) % kMaxContests) {
    ActaBody bigger = body;
    bigger.contests[i].candidates.push_back(3'000'000);
    auto encoded = EncodeActaBody(bigger);
    if (!encoded) break;
    body = std::move(bigger);
  }
  return body;
}

inline Acta SampleActa(ActaShape shape) {
  auto acta = SignActa(SampleBody(shape), BenchKey());
  if (!acta) {
    std::fprintf(stderr, "bench: %s\n", acta.error().ToString().c_str());
    std::abort();
  }
  return *acta;
}

}  // namespace acta::bench

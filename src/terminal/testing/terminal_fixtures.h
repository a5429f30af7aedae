// A signed acta of the core test manifest (table 10) and receipts for it.
#pragma once

#include "core/acta.h"
#include "core/receipt.h"
#include "core/testing/manifest_fixtures.h"

namespace acta::terminal::testing {

inline Acta TestActa(const Manifest& m, uint32_t ballots = 400, uint32_t correction = 0) {
  ActaBody b;
  b.election_id = m.election_id;
  b.table_id = 10;
  b.closing_time = m.polls_close_not_before + 60;
  b.correction = correction;
  b.ballots_cast = ballots;
  b.contests = {ContestCounts{{ballots - 100, 60, 30}, 5, 5},
                ContestCounts{{ballots - 50, 40}, 5, 5}};
  return *SignActa(b, SigningKey::FromSeed(acta::testing::FixedSeed(0x10)));
}

inline Bytes ReceiptFor(const Manifest& m, const Acta& a, uint64_t at_ms = 1'800'000'000'000,
                        const NamedSigningKey& key = acta::testing::VectorCenter()) {
  return Receipt::Sign(m.election_id, a.LeafHash(), at_ms, key).Encode();
}

}  // namespace acta::terminal::testing

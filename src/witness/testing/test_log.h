// A log that a witness test controls (witness_test, the witness syscall
// fault test): entries are "<tag>-<i>", so two tags give two histories of
// the same sizes (a split view); checkpoints are signed by the test center
// key (core/testing/manifest_fixtures.h).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/testing/manifest_fixtures.h"
#include "log/checkpoint.h"
#include "log/hasher.h"
#include "log/merkle.h"
#include "witness/add_checkpoint.h"

namespace acta::witness::testing {

struct TestLog {
  std::string origin;
  NamedSigningKey key = acta::testing::VectorCenter();
  log::MerkleTree tree;
  std::string tag;

  explicit TestLog(std::string origin_in, std::string t = "a")
      : origin(std::move(origin_in)), tag(std::move(t)) {}
  void Grow(uint64_t n) {
    while (tree.size() < n) {
      const std::string e = tag + "-" + std::to_string(tree.size());
      tree.Append(log::HashLeaf(AsBytes(e)));
    }
  }
  log::Checkpoint At(uint64_t n) {
    Grow(n);
    return log::Checkpoint{origin, n, tree.RootAt(n).value(), {}};
  }
  std::string Note(uint64_t n) { return log::SignCheckpoint(At(n), key); }
  // An add-checkpoint body from size `old` (with its consistency proof) to `n`.
  std::string Body(uint64_t old, uint64_t n) {
    AddCheckpointRequest r;
    r.old_size = old;
    Grow(n);
    if (old > 0) r.proof = tree.ConsistencyProof(old, n).value();
    r.checkpoint = Note(n);
    return FormatAddCheckpoint(r);
  }
};

}  // namespace acta::witness::testing

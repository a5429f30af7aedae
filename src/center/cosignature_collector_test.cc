// The center's cosignature collection against scripted witnesses: only a
// valid line by the manifest witness's own key is kept and served; a 409
// leads to a resend with a consistency proof from the size it names; a line
// is never appended to another tree's note.
#include "center/cosignature_collector.h"

#include <gtest/gtest.h>

#include <deque>

#include "core/testing/manifest_fixtures.h"
#include "log/checkpoint.h"
#include "log/cosignature.h"
#include "log/cosigned_checkpoint.h"
#include "log/hasher.h"
#include "witness/add_checkpoint.h"

namespace acta::center {
namespace {

using testing::FixedSeed;

// Answers from a script, and records the bodies it was sent.
class ScriptedWitness final : public witness::WitnessTransport {
 public:
  explicit ScriptedWitness(std::deque<witness::WitnessReply>* script,
                           std::vector<std::string>* sent)
      : script_(script), sent_(sent) {}
  Result<witness::WitnessReply> AddCheckpoint(std::string_view body) override {
    sent_->emplace_back(body);
    if (script_->empty()) return MakeError(ErrorCode::kUnavailable, "no answer scripted");
    auto r = script_->front();
    script_->pop_front();
    return r;
  }

 private:
  std::deque<witness::WitnessReply>* script_;
  std::vector<std::string>* sent_;
};

class CollectorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    manifest_ = testing::VectorManifest();
    manifest_.witnesses = {{"Party A", key_.verifier(), "http://w.example"}};
    manifest_.witness_quorum = 1;
    manifest_.Finalize();
    auto state = LogState::Create(manifest_);
    ASSERT_TRUE(state) << state.error().ToString();
    state_ = std::move(*state);
    for (int i = 0; i < 10; ++i) {
      state_->mutable_tree().Append(log::HashLeaf(AsBytes("entry " + std::to_string(i))));
    }
    std::vector<std::unique_ptr<witness::WitnessTransport>> t;
    t.push_back(std::make_unique<ScriptedWitness>(&script_, &sent_));
    collector_ = std::make_unique<CosignatureCollector>(manifest_, *state_, std::move(t));
  }

  store::StoredCheckpoint Checkpoint(uint64_t size) const {
    const log::Checkpoint cp{
        log::LogOrigin(manifest_.election_id), size, *state_->tree().RootAt(size), {}};
    return {size, cp.root, log::SignCheckpoint(cp, testing::VectorCenter()), 0};
  }
  // The witness's answer: its cosignature line for `cp` by `by`.
  static witness::WitnessReply Cosigned(const store::StoredCheckpoint& cp,
                                        const NamedCosignerKey& by) {
    auto note = log::ParseNote(cp.note);
    auto sig = log::Cosign(note->text, by, 1'800'000'000);
    return {200, "text/plain", log::FormatNoteSignature(*sig)};
  }

  const NamedCosignerKey key_ = NamedCosignerKey::From("w.example/a", FixedSeed(0x77));
  Manifest manifest_;
  std::unique_ptr<LogState> state_;
  std::deque<witness::WitnessReply> script_;
  std::vector<std::string> sent_;
  std::unique_ptr<CosignatureCollector> collector_;
};

TEST_F(CollectorTest, KeepsAValidCosignatureAndServesItAppended) {
  const auto cp = Checkpoint(10);
  script_.push_back(Cosigned(cp, key_));
  EXPECT_TRUE(collector_->Submit(0, cp));
  EXPECT_EQ(collector_->CosignersOf(10), std::vector<size_t>{0});
  const std::string served = collector_->CosignedNote(cp);
  EXPECT_EQ(served, cp.note + Cosigned(cp, key_).body);
  auto checked = log::VerifyCheckpointForManifest(served, manifest_);
  ASSERT_TRUE(checked) << checked.error().ToString();
  EXPECT_TRUE(checked->quorum);
  // Kept: offered again, nothing is sent.
  EXPECT_TRUE(collector_->Submit(0, cp));
  EXPECT_EQ(sent_.size(), 1u);
  EXPECT_EQ(collector_->Status()[0].cosigned_size, 10u);
  // Another tree of the same size never gets this line.
  auto other = cp;
  other.root[0] ^= 1;
  other.note = "elsewhere\n\n— x AAAA\n";
  EXPECT_EQ(collector_->CosignedNote(other), other.note);
}

TEST_F(CollectorTest, RefusesALineByAnotherKeyOrABadSignature) {
  const auto cp = Checkpoint(10);
  // Another key under the witness's name: not the manifest's witness.
  script_.push_back(Cosigned(cp, NamedCosignerKey::From("w.example/a", FixedSeed(0x78))));
  EXPECT_FALSE(collector_->Submit(0, cp));
  // The right key id, a signature that does not verify.
  auto bad = Cosigned(cp, key_);
  bad.body[bad.body.size() - 5] = bad.body[bad.body.size() - 5] == 'A' ? 'B' : 'A';
  script_.push_back(bad);
  EXPECT_FALSE(collector_->Submit(0, cp));
  EXPECT_TRUE(collector_->CosignersOf(10).empty());
  EXPECT_EQ(collector_->CosignedNote(cp), cp.note);
  EXPECT_EQ(collector_->Status()[0].failures, 2u);
  EXPECT_EQ(collector_->Status()[0].cosigned_size, 0u);
}

TEST_F(CollectorTest, A409NamesTheSizeToProveFrom) {
  const auto cp = Checkpoint(10);
  script_.push_back({409, "text/x.tlog.size", "4\n"});
  script_.push_back(Cosigned(cp, key_));
  EXPECT_TRUE(collector_->Submit(0, cp));
  ASSERT_EQ(sent_.size(), 2u);
  auto first = witness::ParseAddCheckpoint(sent_[0]);
  auto second = witness::ParseAddCheckpoint(sent_[1]);
  ASSERT_TRUE(first && second);
  EXPECT_EQ(first->old_size, 0u);
  EXPECT_TRUE(first->proof.empty());
  EXPECT_EQ(second->old_size, 4u);
  EXPECT_EQ(second->proof, *state_->tree().ConsistencyProof(4, 10));
  // Next time it starts from the size it now knows the witness holds.
  const auto later = Checkpoint(10);  // same tree
  EXPECT_TRUE(collector_->Submit(0, later));
  EXPECT_EQ(sent_.size(), 2u);
}

TEST_F(CollectorTest, AWitnessAboveOurSizeIsAFailureNotALoop) {
  const auto cp = Checkpoint(6);
  script_.push_back({409, "text/x.tlog.size", "9\n"});
  EXPECT_FALSE(collector_->Submit(0, cp));
  EXPECT_EQ(sent_.size(), 1u);
  EXPECT_NE(collector_->Status()[0].last_error.find("above our checkpoint 6"), std::string::npos)
      << collector_->Status()[0].last_error;
}

}  // namespace
}  // namespace acta::center

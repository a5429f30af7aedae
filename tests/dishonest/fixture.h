// A real center (in-process, SQLite in a temp dir) running a small synthetic
// election, plus the tools a dishonest operator has: its database, its
// signing key and the published files. The dishonest-center tests use it to
// publish something false and check the verifier names it exactly.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "center/center.h"
#include "core/acta.h"
#include "core/clock.h"
#include "core/election_secrets.h"
#include "sim/synth.h"
#include "verify/files.h"
#include "verify/report.h"
#include "verify/state.h"

namespace acta::testing {

inline constexpr uint32_t kTables = 50;

class DishonestFixture : public ::testing::Test {
 protected:
  static void SetUpTestSuite();
  static void TearDownTestSuite();
  void SetUp() override;
  void TearDown() override;

  // The election shared by every test (never written to).
  static const sim::SynthResult& Election() { return *election_; }
  static const Manifest& manifest() { return election_->election.manifest; }
  static const std::string& election_dir() { return *election_dir_; }

  // Table at manifest index i's honest acta (its truth, signed by its key).
  static Acta HonestActa(size_t table_index);
  // A different, validly signed acta for the same table (correction 1,
  // two votes moved between the first two candidates).
  static Acta ConflictingActa(size_t table_index);
  static NamedSigningKey CenterKey() { return election_->election.centers[0]; }

  // Starts (or restarts) the center on this test's database. The sequencer
  // only runs when told (Sequence), so checkpoint sizes are deterministic.
  void StartCenter();
  void StopCenter();
  center::Center& center() { return *center_; }
  // Submits through the ingest service on the terminal lane (with MAC);
  // returns the ingest status name ("accepted", "conflict", ...).
  std::string Submit(const Acta& acta);
  // Same, returning the receipt bytes (empty when refused).
  Bytes SubmitForReceipt(const Acta& acta);
  // Sequences everything pending into one checkpoint; advances the clock 1 s.
  void Sequence();
  // Honest run: tables [0, n) in groups of `group`, one checkpoint per group.
  void RunHonest(uint32_t n = kTables, uint32_t group = 10);

  // Dumps the running center into dir (all bulletins), pinned to the
  // checkpoint of `pin` entries when given; returns the dir.
  std::string Dump(const std::string& name, std::optional<uint64_t> pin = std::nullopt,
                   const verify::VerifierState* state = nullptr);
  verify::Report Verify(const std::string& dir, const verify::VerifierState* state = nullptr);
  // Verify, then the state a successful run leaves.
  verify::VerifierState VerifyAndRemember(const std::string& dir);

  // --- what a dishonest operator can do ---
  // Runs SQL on the stopped center's database (triggers dropped first).
  void TamperDatabase(const std::string& sql);
  // Replaces the bytes (and leaf hash) of the acta at log index `seq`.
  void ReplaceStoredActa(uint64_t seq, ByteSpan bytes);
  // Inserts an unsequenced acta row as if it had been accepted.
  void InsertStoredActa(ByteSpan bytes, uint32_t table_id);
  std::string db_path() const { return (dir_ / "center.db").string(); }
  // Dump-file edits. After editing, Reseal rewrites SHA256SUMS, as the
  // operator's own mirror would.
  static std::vector<Bytes> ReadEntries(const std::string& dir, uint64_t size);
  static void WriteEntries(const std::string& dir, const std::vector<Bytes>& entries);
  static nlohmann::ordered_json ReadJson(const std::string& dir, const std::string& path);
  static void WriteJson(const std::string& dir, const std::string& path,
                        const nlohmann::ordered_json& j, bool trailing_newline = true);
  static void Reseal(const std::string& dir);

  std::filesystem::path dir_;
  FakeClock clock_{1'800'010'000'000};

 private:
  std::string SubmitImpl(const Acta& acta, Bytes& receipt);
  static sim::SynthResult* election_;
  static std::string* election_dir_;
  std::unique_ptr<center::Center> center_;
};

}  // namespace acta::testing

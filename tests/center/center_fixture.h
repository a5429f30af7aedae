// A real center on loopback for end-to-end tests: a small synthetic
// election in a temporary directory, the center in-process on SQLite with
// ports 0, and HTTP clients for its two listeners.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>

#include "center/center.h"
#include "core/election_secrets.h"
#include "sim/synth.h"
#include "terminal/http_client.h"

namespace acta::testing {

class CenterFixture : public ::testing::Test {
 protected:
  static constexpr uint32_t kTables = 40;
  // Tables of the synthetic election (a suite may want a bigger one).
  virtual uint32_t TableCount() const { return kTables; }

  void SetUp() override;
  void TearDown() override;

  // Hooks for suites built on this one: the election's options, and what to
  // start before the center (the witnesses of tests/witness).
  virtual void AdjustElection(sim::SynthOptions& /*options*/) {}
  virtual void BeforeCenter() {}
  virtual void AdjustCenter(center::CenterOptions& /*options*/) const {}

  center::CenterOptions Options() const;
  void StartCenter();
  void StopCenter();

  // The truth acta of table index i, signed with its machine key.
  Acta TruthActa(size_t index, uint32_t correction = 0, int32_t delta = 0) const;
  // POSTs to /v1/actas; with_mac selects the terminal lane.
  http::HttpResponse Submit(const Bytes& body, bool with_mac, bool bad_mac = false);
  http::HttpResponse Get(const std::string& path);
  // Waits until the latest checkpoint covers `size` entries.
  void WaitForLogSize(uint64_t size);

  std::filesystem::path dir_;
  std::string election_dir_;
  std::string db_path_;
  std::unique_ptr<sim::SynthResult> synth_;
  std::unique_ptr<Manifest> manifest_;
  SystemClock clock_;
  // The clock StartCenter gives the center (a test may point it at its own,
  // a member that outlives center_).
  const Clock* center_clock_ = &clock_;
  std::unique_ptr<center::Center> center_;
  std::unique_ptr<http::HttpClient> ingest_;
  std::unique_ptr<http::HttpClient> public_;
};

}  // namespace acta::testing

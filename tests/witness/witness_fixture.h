// A center whose manifest lists three witnesses (quorum 2), each a real
// witness service on loopback with its state in the test's directory; the
// center collects their cosignatures with short retry intervals.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "core/file.h"
#include "sim/demo_setup.h"
#include "tests/center/center_fixture.h"
#include "verify/fetch.h"
#include "verify/verifier.h"
#include "witness/witness_service.h"

namespace acta::testing {

class WitnessCenterFixture : public CenterFixture {
 protected:
  void AdjustElection(sim::SynthOptions& o) override {
    o.witnesses = 3;
    o.witness_quorum = 2;
  }
  void BeforeCenter() override {
    auto w = sim::demo_internal::StartWitnesses(synth_->election, dir_.string(), clock_, urls_);
    ASSERT_TRUE(w) << w.error().ToString();
    witnesses_ = std::move(*w);
  }
  void AdjustCenter(center::CenterOptions& o) const override {
    o.witness_urls = urls_;
    o.witness.poll = std::chrono::milliseconds(20);
    o.witness.retry_min = std::chrono::milliseconds(20);
    o.witness.retry_max = std::chrono::milliseconds(100);
  }
  void TearDown() override {
    StopCenter();
    witnesses_.clear();
    CenterFixture::TearDown();
  }

  void SubmitTables(size_t from, size_t to) {
    for (size_t i = from; i < to; ++i) {
      EXPECT_EQ(Submit(TruthActa(i).bytes, true).status, 201);
    }
    WaitForLogSize(to);
  }
  // Cosigners of the latest checkpoint once `n` of them are in (bounded).
  size_t WaitForCosigners(size_t n) {
    size_t got = 0;
    for (int i = 0; i < 1000; ++i) {
      auto cp = center_->log_state().latest();
      got = cp ? center_->cosignatures()->CosignersOf(cp->stored.size).size() : 0;
      if (got >= n) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return got;
  }
  verify::Report Verify(http::HttpClient& client, bool require) {
    verify::MemoryFiles files;
    verify::FetchOptions fo;
    fo.pin_cosigned = require;
    auto fetched = verify::FetchCenter(client, files, fo);
    EXPECT_TRUE(fetched) << fetched.error().ToString();
    verify::VerifyOptions vo;
    vo.threads = 1;
    vo.require_witnesses = require;
    return verify::VerifyFiles(files, vo);
  }
  verify::Report Verify(bool require) { return Verify(*public_, require); }
  static std::string File(const std::string& root, const std::string& rel) {
    auto text = ReadTextFile(root + "/" + rel);
    EXPECT_TRUE(text) << rel;
    return text ? *text : std::string();
  }

  std::map<std::string, std::string> urls_;
  std::vector<std::unique_ptr<witness::WitnessService>> witnesses_;
};

}  // namespace acta::testing

#include "tests/center/center_fixture.h"

#include <thread>

#include "core/acta.h"

namespace acta::testing {

void CenterFixture::SetUp() {
  dir_ = std::filesystem::temp_directory_path() /
         ("acta-center-" + std::to_string(::getpid()) + "-" +
          ::testing::UnitTest::GetInstance()->current_test_info()->name());
  std::filesystem::remove_all(dir_);
  std::filesystem::create_directories(dir_);
  election_dir_ = (dir_ / "election").string();
  db_path_ = (dir_ / "center.db").string();
  sim::SynthOptions opts;
  opts.tables = TableCount();
  opts.seed = 11;
  opts.anomalies = 0;
  AdjustElection(opts);
  auto synth = sim::SynthesizeElection(opts);
  ASSERT_TRUE(synth) << synth.error().ToString();
  synth_ = std::make_unique<sim::SynthResult>(std::move(*synth));
  ASSERT_TRUE(sim::WriteElectionDir(election_dir_, *synth_));
  auto m = LoadManifest(election_dir_);
  ASSERT_TRUE(m) << m.error().ToString();
  manifest_ = std::make_unique<Manifest>(std::move(*m));
  BeforeCenter();
  StartCenter();
}

void CenterFixture::TearDown() {
  StopCenter();
  std::filesystem::remove_all(dir_);
}

center::CenterOptions CenterFixture::Options() const {
  center::CenterOptions o;
  o.election_dir = election_dir_;
  o.db_url = "sqlite:" + db_path_;
  o.key_file = election_dir_ + "/secrets/center.key";
  o.sequencer.batch_delay = std::chrono::milliseconds(20);
  AdjustCenter(o);
  return o;
}

void CenterFixture::StartCenter() {
  auto c = center::Center::Start(Options(), *center_clock_);
  ASSERT_TRUE(c) << c.error().ToString();
  center_ = std::move(*c);
  http::HttpClientOptions ingest_opts;
  ingest_opts.base_url = "http://127.0.0.1:" + std::to_string(center_->ingest_port());
  http::HttpClientOptions public_opts;
  public_opts.base_url = "http://127.0.0.1:" + std::to_string(center_->public_port());
  auto ingest = http::HttpClient::Create(ingest_opts);
  auto pub = http::HttpClient::Create(public_opts);
  ASSERT_TRUE(ingest && pub);
  ingest_ = std::move(*ingest);
  public_ = std::move(*pub);
}

void CenterFixture::StopCenter() {
  ingest_.reset();
  public_.reset();
  if (center_) center_->Stop();
  center_.reset();
}

Acta CenterFixture::TruthActa(size_t index, uint32_t correction, int32_t delta) const {
  const ElectionMaterial& e = synth_->election;
  Truth truth(e.manifest, e.truth);
  ActaBody body = truth.BodyFor(index);
  body.closing_time = e.manifest.polls_close_not_before + 60;
  body.correction = correction;
  body.contests[0].candidates[0] =
      static_cast<uint32_t>(static_cast<int64_t>(body.contests[0].candidates[0]) + delta);
  auto acta = SignActa(body, SigningKey::FromSeed(e.table_seeds[index]));
  EXPECT_TRUE(acta);
  return *acta;
}

http::HttpResponse CenterFixture::Submit(const Bytes& body, bool with_mac, bool bad_mac) {
  http::HttpHeaders headers;
  if (with_mac && body.size() >= kActaFixedHeaderSize) {
    uint32_t table_id = LoadU32(body.data() + kActaTableIdOffset);
    Mac mac = ComputeMac(DeriveTransportKey(synth_->election.transport_master, table_id), body);
    if (bad_mac) mac[0] ^= 1;
    headers.emplace_back("Acta-Mac", Base64Encode(mac));
  }
  auto r = ingest_->Post("/v1/actas", body, headers);
  EXPECT_TRUE(r) << r.error().ToString();
  return r ? *r : http::HttpResponse{};
}

http::HttpResponse CenterFixture::Get(const std::string& path) {
  auto r = public_->Get(path);
  EXPECT_TRUE(r) << r.error().ToString();
  return r ? *r : http::HttpResponse{};
}

void CenterFixture::WaitForLogSize(uint64_t size) {
  // Bounded: the sequencer's merge delay is well under a second in tests.
  for (int i = 0; i < 500; ++i) {
    auto cp = center_->log_state().latest();
    if (cp && cp->stored.size >= size) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  FAIL() << "log did not reach size " << size;
}

}  // namespace acta::testing

#include "fixture.h"

#include <sqlite3.h>

#include <future>

#include "core/file.h"
#include "core/receipt.h"
#include "log/tiles.h"
#include "terminal/http_client.h"
#include "verify/dump_layout.h"
#include "verify/fetch.h"
#include "verify/verifier.h"

namespace acta::testing {
namespace fs = std::filesystem;

sim::SynthResult* DishonestFixture::election_ = nullptr;
std::string* DishonestFixture::election_dir_ = nullptr;

namespace {

fs::path MakeTempDir(const std::string& prefix) {
  std::string tmpl = (fs::temp_directory_path() / (prefix + "XXXXXX")).string();
  char* made = ::mkdtemp(tmpl.data());
  EXPECT_NE(made, nullptr);
  return fs::path(tmpl);
}

}  // namespace

void DishonestFixture::SetUpTestSuite() {
  sim::SynthOptions o;
  o.tables = kTables;
  o.seed = 7;
  auto result = sim::SynthesizeElection(o);
  ASSERT_TRUE(result) << result.error().ToString();
  election_ = new sim::SynthResult(std::move(*result));
  election_dir_ = new std::string((MakeTempDir("acta-dishonest-election-") / "election").string());
  auto st = sim::WriteElectionDir(*election_dir_, *election_);
  ASSERT_TRUE(st) << st.error().ToString();
}

void DishonestFixture::TearDownTestSuite() {
  if (election_dir_) fs::remove_all(fs::path(*election_dir_).parent_path());
  delete election_;
  delete election_dir_;
  election_ = nullptr;
  election_dir_ = nullptr;
}

void DishonestFixture::SetUp() { dir_ = MakeTempDir("acta-dishonest-"); }

void DishonestFixture::TearDown() {
  StopCenter();
  fs::remove_all(dir_);
}

Acta DishonestFixture::HonestActa(size_t i) {
  Truth truth(manifest(), election_->election.truth);
  ActaBody body = truth.BodyFor(i);
  body.closing_time = manifest().polls_close_not_before + 3600 + i;
  auto acta = SignActa(body, SigningKey::FromSeed(election_->election.table_seeds[i]));
  EXPECT_TRUE(acta);
  return *acta;
}

Acta DishonestFixture::ConflictingActa(size_t i) {
  ActaBody body = HonestActa(i).body;
  body.correction = 1;
  auto& c = body.contests[0].candidates;
  const uint32_t moved = std::min<uint32_t>(2, c[0]);
  c[0] -= moved;
  c[1] += moved;
  auto acta = SignActa(body, SigningKey::FromSeed(election_->election.table_seeds[i]));
  EXPECT_TRUE(acta);
  return *acta;
}

void DishonestFixture::StartCenter() {
  ASSERT_EQ(center_, nullptr);
  center::CenterOptions o;
  o.election_dir = election_dir();
  o.db_url = "sqlite:" + db_path();
  o.key_file = (fs::path(election_dir()) / "secrets" / "center.key").string();
  // The sequencer never wakes by itself: tests call Sequence().
  o.sequencer.batch_size = 100000;
  o.sequencer.batch_delay = std::chrono::hours(1);
  o.sequencer.poll_interval = std::chrono::hours(1);
  auto c = center::Center::Start(o, clock_);
  ASSERT_TRUE(c) << c.error().ToString();
  center_ = std::move(*c);
}

void DishonestFixture::StopCenter() {
  if (!center_) return;
  center_->Stop();
  center_.reset();
}

std::string DishonestFixture::Submit(const Acta& acta) {
  Bytes ignored;
  return SubmitImpl(acta, ignored);
}

Bytes DishonestFixture::SubmitForReceipt(const Acta& acta) {
  Bytes receipt;
  (void)SubmitImpl(acta, receipt);
  return receipt;
}

std::string DishonestFixture::SubmitImpl(const Acta& acta, Bytes& receipt) {
  center::IngestRequest req;
  req.body = acta.bytes;
  const TableRecord* t = manifest().FindTable(acta.body.table_id);
  if (t != nullptr) {
    req.has_mac = true;
    req.mac_valid_format = true;
    req.mac =
        ComputeMac(DeriveTransportKey(election_->election.transport_master, t->id), acta.bytes);
  }
  req.source = boost::asio::ip::make_address("127.0.0.1");
  std::promise<center::IngestResult> done;
  center_->ingest().Submit(std::move(req),
                           [&](center::IngestResult r) { done.set_value(std::move(r)); });
  center::IngestResult result = done.get_future().get();
  receipt = result.receipt;
  return std::string(center::IngestStatusName(result.status));
}

void DishonestFixture::Sequence() {
  auto n = center_->sequencer().SequencePending(100000);
  ASSERT_TRUE(n) << n.error().ToString();
  clock_.Advance(std::chrono::seconds(1));
}

void DishonestFixture::RunHonest(uint32_t n, uint32_t group) {
  for (uint32_t i = 0; i < n; ++i) {
    ASSERT_EQ(Submit(HonestActa(i)), "accepted") << "table index " << i;
    if ((i + 1) % group == 0 || i + 1 == n) Sequence();
  }
}

std::string DishonestFixture::Dump(const std::string& name, std::optional<uint64_t> pin,
                                   const verify::VerifierState* state) {
  const std::string out = (dir_ / name).string();
  http::HttpClientOptions co;
  co.base_url = "http://127.0.0.1:" + std::to_string(center_->public_port());
  auto client = http::HttpClient::Create(co);
  EXPECT_TRUE(client) << client.error().ToString();
  verify::DirectoryFiles files(out);
  verify::FetchOptions fo;
  fo.all_bulletins = true;
  fo.center_url = co.base_url;
  fo.pin_size = pin;
  if (state != nullptr) {
    for (const auto& rem : state->checkpoints) fo.remembered_sizes.push_back(rem.size);
  }
  auto stats = verify::FetchCenter(**client, files, fo);
  EXPECT_TRUE(stats) << stats.error().ToString();
  return out;
}

verify::Report DishonestFixture::Verify(const std::string& dir,
                                        const verify::VerifierState* state) {
  verify::DirectoryFiles files(dir);
  verify::VerifyOptions o;
  o.state = state;
  o.threads = 2;
  verify::Report r = verify::VerifyFiles(files, o);
  for (const auto& p : r.problems)
    std::printf("    problem: %s\n", verify::FormatProblem(p).c_str());
  return r;
}

verify::VerifierState DishonestFixture::VerifyAndRemember(const std::string& dir) {
  verify::Report r = Verify(dir);
  EXPECT_TRUE(r.ok());
  auto state = verify::UpdatedState({}, r);
  EXPECT_TRUE(state) << state.error().ToString();
  return state ? *state : verify::VerifierState{};
}

void DishonestFixture::TamperDatabase(const std::string& sql) {
  ASSERT_EQ(center_, nullptr) << "stop the center first";
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(db_path().c_str(), &db), SQLITE_OK);
  const std::string all =
      "DROP TRIGGER IF EXISTS accepted_no_delete; DROP TRIGGER IF EXISTS accepted_immutable;"
      "DROP TRIGGER IF EXISTS accepted_seq_once; DROP TRIGGER IF EXISTS checkpoints_no_delete;"
      "DROP TRIGGER IF EXISTS checkpoints_immutable;" +
      sql;
  char* err = nullptr;
  int rc = sqlite3_exec(db, all.c_str(), nullptr, nullptr, &err);
  EXPECT_EQ(rc, SQLITE_OK) << (err ? err : "");
  sqlite3_free(err);
  sqlite3_close(db);
}

void DishonestFixture::ReplaceStoredActa(uint64_t seq, ByteSpan bytes) {
  TamperDatabase("UPDATE accepted SET bytes = X'" + HexEncode(bytes) + "', leaf_hash = X'" +
                 HexEncode(LeafHashOf(bytes)) + "' WHERE seq = " + std::to_string(seq) + ";");
}

void DishonestFixture::InsertStoredActa(ByteSpan bytes, uint32_t table_id) {
  TamperDatabase(
      "INSERT INTO accepted (leaf_hash, table_id, correction, bytes, lane, received_at_ms, "
      "receipt, conflict) "
      "VALUES (X'" +
      HexEncode(LeafHashOf(bytes)) + "', " + std::to_string(table_id) + ", 0, X'" +
      HexEncode(bytes) + "', 0, 1800010000000, X'" +
      HexEncode(Receipt::Sign(manifest().election_id, LeafHashOf(bytes), 1800010000000, CenterKey())
                    .Encode()) +
      "', 0);");
}

std::vector<Bytes> DishonestFixture::ReadEntries(const std::string& dir, uint64_t size) {
  verify::DirectoryFiles files(dir);
  std::vector<Bytes> out;
  for (const auto& tile : verify::EntryBundlesFor(size)) {
    auto data = files.Read(log::TilePath(tile));
    EXPECT_TRUE(data);
    auto bundle = log::ParseEntryBundle(*data);
    EXPECT_TRUE(bundle);
    for (auto& e : *bundle) out.push_back(std::move(e));
  }
  return out;
}

void DishonestFixture::WriteEntries(const std::string& dir, const std::vector<Bytes>& entries) {
  fs::remove_all(fs::path(dir) / "tile" / "entries");
  verify::DirectoryFiles files(dir);
  for (const auto& tile : verify::EntryBundlesFor(entries.size())) {
    const uint64_t from = tile.index * log::kTileWidth;
    std::vector<Bytes> part(entries.begin() + from, entries.begin() + from + tile.width);
    auto bundle = log::EncodeEntryBundle(part);
    ASSERT_TRUE(bundle);
    ASSERT_TRUE(files.Write(log::TilePath(tile), *bundle));
  }
}

nlohmann::ordered_json DishonestFixture::ReadJson(const std::string& dir, const std::string& path) {
  auto text = ReadTextFile((fs::path(dir) / path).string());
  EXPECT_TRUE(text) << path;
  return nlohmann::ordered_json::parse(text.value_or("null"));
}

void DishonestFixture::WriteJson(const std::string& dir, const std::string& path,
                                 const nlohmann::ordered_json& j, bool trailing_newline) {
  ASSERT_TRUE(
      WriteFileAtomic((fs::path(dir) / path).string(), j.dump() + (trailing_newline ? "\n" : "")));
}

void DishonestFixture::Reseal(const std::string& dir) {
  verify::DirectoryFiles files(dir);
  ASSERT_TRUE(verify::WriteChecksums(files));
}

}  // namespace acta::testing

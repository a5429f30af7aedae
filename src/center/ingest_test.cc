// IngestService under attack: every limit in front of signature work and
// commit triggers with its exact status and message, and recovers. Time is
// a FakeClock; back-pressure is produced with gates (a held verify worker,
// held store writes), never with sleeps.
#include "center/ingest.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <future>
#include <memory>
#include <thread>

#include "center/http/server.h"
#include "center/http/testing/raw_client.h"
#include "center/ingest_handler.h"
#include "core/acta.h"
#include "sim/synth.h"
#include "store/fault_injecting_store.h"
#include "store/group_commit.h"
#include "store/sqlite_store.h"

namespace acta::center {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

// Generous limits, inline verification: each test tightens what it tests.
IngestOptions Generous() {
  IngestOptions o;
  o.public_budget.global_per_second = 1e6;
  o.public_budget.global_burst = 1e6;
  o.public_budget.per_source_per_second = 1e6;
  o.public_budget.per_source_burst = 1e6;
  o.table_limits.terminal_burst = 1000;
  o.table_limits.public_burst = 1000;
  o.verify.workers = 0;
  return o;
}

class IngestTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    sim::SynthOptions opts;
    opts.tables = 8;
    opts.seed = 5;
    auto synth = sim::SynthesizeElection(opts);
    ASSERT_TRUE(synth) << synth.error().ToString();
    synth_ = new sim::SynthResult(std::move(*synth));
  }
  static void TearDownTestSuite() {
    delete synth_;
    synth_ = nullptr;
  }

  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("acta-ingest-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    auto store = store::SqliteStore::Open((dir_ / "center.db").string());
    ASSERT_TRUE(store) << store.error().ToString();
    store_ = std::move(*store);
    ASSERT_TRUE(store_->Initialize(manifest().election_id));
    fault_ = std::make_unique<store::FaultInjectingStore>(*store_);
  }

  void TearDown() override {
    if (fault_) fault_->ReleaseWrites();
    if (ingest_) ingest_->Stop();
    if (committer_) committer_->Shutdown();
    ingest_.reset();
    committer_.reset();
    fault_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  void Start(IngestOptions options, store::GroupCommitOptions commit = {}) {
    committer_ = std::make_unique<store::GroupCommitter>(*fault_, commit);
    ingest_ = std::make_unique<IngestService>(
        manifest(), std::vector<TransportKey>{synth_->election.transport_master},
        synth_->election.centers[0], *committer_, clock_, options);
    ASSERT_TRUE(ingest_->Recover(*store_));
  }

  static const Manifest& manifest() { return synth_->election.manifest; }
  static uint32_t TableId(size_t index) { return manifest().tables[index].id; }

  // The truth acta of table `index`; `forged` signs it with a key that is
  // not the table's (a different correction number gives different bytes).
  static Bytes ActaBytes(size_t index, uint32_t correction = 0, bool forged = false) {
    const ElectionMaterial& e = synth_->election;
    Truth truth(e.manifest, e.truth);
    ActaBody body = truth.BodyFor(index);
    body.closing_time = e.manifest.polls_close_not_before + 60;
    body.correction = correction;
    Seed seed = e.table_seeds[index];
    if (forged) seed[0] ^= 0x55;
    auto acta = SignActa(body, SigningKey::FromSeed(seed));
    EXPECT_TRUE(acta);
    return acta->bytes;
  }

  static IngestRequest Terminal(Bytes body) {
    IngestRequest r;
    const uint32_t table_id = LoadU32(body.data() + kActaTableIdOffset);
    r.mac = ComputeMac(DeriveTransportKey(synth_->election.transport_master, table_id), body);
    r.has_mac = true;
    r.mac_valid_format = true;
    r.body = std::move(body);
    r.source = boost::asio::ip::make_address("10.9.9.9");
    return r;
  }
  static IngestRequest Public(Bytes body, const char* source = "192.0.2.1") {
    IngestRequest r;
    r.body = std::move(body);
    r.source = boost::asio::ip::make_address(source);
    return r;
  }

  std::future<IngestResult> SubmitAsync(IngestRequest request) {
    auto promise = std::make_shared<std::promise<IngestResult>>();
    auto future = promise->get_future();
    ingest_->Submit(std::move(request),
                    [promise](IngestResult result) { promise->set_value(std::move(result)); });
    return future;
  }
  IngestResult SubmitAndWait(IngestRequest request) {
    return SubmitAsync(std::move(request)).get();
  }
  // True if `f` already has its result (the request was answered without
  // waiting for a worker or a commit).
  static bool Ready(std::future<IngestResult>& f) {
    return f.wait_for(std::chrono::seconds(0)) == std::future_status::ready;
  }

  static sim::SynthResult* synth_;
  std::filesystem::path dir_;
  FakeClock clock_;
  std::unique_ptr<store::SqliteStore> store_;
  std::unique_ptr<store::FaultInjectingStore> fault_;
  std::unique_ptr<store::GroupCommitter> committer_;
  std::unique_ptr<IngestService> ingest_;
};

sim::SynthResult* IngestTest::synth_ = nullptr;

std::string HeaderOf(const http::Response& r, std::string_view name) {
  for (const auto& [k, v] : r.headers) {
    if (k == name) return v;
  }
  return "";
}

// Holds one verify worker busy until released.
class WorkerGate {
 public:
  explicit WorkerGate(VerifyPool& pool) {
    EXPECT_EQ(pool.TrySubmit(VerifyLane::kTerminal,
                             [this] {
                               started_.set_value();
                               release_.get_future().wait();
                             }),
              Admission::kQueued);
    started_.get_future().wait();
  }
  void Release() { release_.set_value(); }

 private:
  std::promise<void> started_;
  std::promise<void> release_;
};

TEST_F(IngestTest, BothLanesOnWorkersAcceptReplayAndConflict) {
  IngestOptions o = Generous();
  o.verify.workers = 2;
  Start(o);
  IngestResult a = SubmitAndWait(Terminal(ActaBytes(0)));
  ASSERT_EQ(a.status, IngestStatus::kAccepted) << a.message;
  EXPECT_EQ(a.receipt.size(), kReceiptSize);
  IngestResult again = SubmitAndWait(Public(ActaBytes(0)));
  EXPECT_EQ(again.status, IngestStatus::kReplay);
  EXPECT_EQ(again.receipt, a.receipt);
  EXPECT_EQ(SubmitAndWait(Public(ActaBytes(1))).status, IngestStatus::kAccepted);
  EXPECT_EQ(SubmitAndWait(Terminal(ActaBytes(0, 1))).status, IngestStatus::kConflict);
  IngestResult forged = SubmitAndWait(Public(ActaBytes(2, 0, true)));
  EXPECT_EQ(forged.status, IngestStatus::kBadSignature);
  EXPECT_EQ(forged.message, "signature does not verify with the machine key of table " +
                                std::to_string(TableId(2)));
  EXPECT_EQ(ingest_->known_actas(), 3u);
}

TEST_F(IngestTest, PublicBudgetGlobalTriggersAndRecovers) {
  IngestOptions o = Generous();
  o.public_budget.global_burst = 2;
  o.public_budget.global_per_second = 1;
  Start(o);
  EXPECT_EQ(SubmitAndWait(Public(ActaBytes(0), "192.0.2.1")).status, IngestStatus::kAccepted);
  EXPECT_EQ(SubmitAndWait(Public(ActaBytes(1), "198.51.100.1")).status, IngestStatus::kAccepted);
  IngestResult refused = SubmitAndWait(Public(ActaBytes(2), "203.0.113.1"));
  EXPECT_EQ(refused.status, IngestStatus::kRateLimited);
  EXPECT_EQ(refused.message, "public-lane budget exhausted; retry later");
  http::Response http = IngestResponse(refused);
  EXPECT_EQ(http.status, 429);
  EXPECT_EQ(HeaderOf(http, "Retry-After"), "1");
  EXPECT_EQ(HeaderOf(http, "Acta-Status"), "rate_limited");
  // The terminal lane never touches the public budget.
  EXPECT_EQ(SubmitAndWait(Terminal(ActaBytes(3))).status, IngestStatus::kAccepted);
  clock_.Advance(seconds(1));
  EXPECT_EQ(SubmitAndWait(Public(ActaBytes(2), "203.0.113.1")).status, IngestStatus::kAccepted);
}

TEST_F(IngestTest, PublicBudgetPerNetworkTriggersAndRecovers) {
  IngestOptions o = Generous();
  o.public_budget.per_source_burst = 1;
  o.public_budget.per_source_per_second = 0.5;
  Start(o);
  EXPECT_EQ(SubmitAndWait(Public(ActaBytes(0), "203.0.113.5")).status, IngestStatus::kAccepted);
  // Same /24: same bucket, now empty.
  EXPECT_EQ(SubmitAndWait(Public(ActaBytes(1), "203.0.113.99")).status, IngestStatus::kRateLimited);
  // Another network is served.
  EXPECT_EQ(SubmitAndWait(Public(ActaBytes(1), "198.51.100.1")).status, IngestStatus::kAccepted);
  clock_.Advance(milliseconds(1999));
  EXPECT_EQ(SubmitAndWait(Public(ActaBytes(2), "203.0.113.5")).status, IngestStatus::kRateLimited);
  clock_.Advance(milliseconds(1));
  EXPECT_EQ(SubmitAndWait(Public(ActaBytes(2), "203.0.113.5")).status, IngestStatus::kAccepted);
}

TEST_F(IngestTest, PerTableLimitIsPerLaneAndReplaysBypassIt) {
  IngestOptions o = Generous();
  o.table_limits.public_burst = 2;
  o.table_limits.public_per_second = 0.5;
  o.table_limits.terminal_burst = 2;
  o.table_limits.terminal_per_second = 0.5;
  Start(o);
  const std::string table = std::to_string(TableId(0));
  // A flood of forged public-lane actas naming table 0 costs signature
  // checks (bounded by the public budget) but each gives its table token
  // back: forgeries cannot empty the bucket the real acta's observer needs.
  for (uint32_t i = 1; i <= 5; ++i) {
    EXPECT_EQ(SubmitAndWait(Public(ActaBytes(0, i, true))).status, IngestStatus::kBadSignature);
  }
  EXPECT_EQ(ingest_->count(IngestStatus::kBadSignature), 5u);
  // Validly signed actas through the public lane spend it: two fit...
  IngestResult observed = SubmitAndWait(Public(ActaBytes(0)));
  ASSERT_EQ(observed.status, IngestStatus::kAccepted) << observed.message;
  EXPECT_EQ(SubmitAndWait(Public(ActaBytes(0, 1))).status, IngestStatus::kConflict);
  // ...the third is limited, with the wait until the next token.
  IngestResult limited = SubmitAndWait(Public(ActaBytes(0, 2)));
  EXPECT_EQ(limited.status, IngestStatus::kRateLimited);
  EXPECT_EQ(limited.message, "table " + table + ": public-lane rate limit reached; retry later");
  EXPECT_EQ(limited.retry_after_s, 2u);
  http::Response http = IngestResponse(limited);
  EXPECT_EQ(http.status, 429);
  EXPECT_EQ(HeaderOf(http, "Retry-After"), "2");
  // Other tables' public buckets are untouched.
  EXPECT_EQ(SubmitAndWait(Public(ActaBytes(1))).status, IngestStatus::kAccepted);

  // The terminal resubmitting the acta the observer brought gets the same
  // receipt: replays come before any bucket.
  IngestResult replay = SubmitAndWait(Terminal(ActaBytes(0)));
  EXPECT_EQ(replay.status, IngestStatus::kReplay);
  EXPECT_EQ(replay.receipt, observed.receipt);
  // Lane isolation: the table's public bucket is empty, its terminal one is
  // full: two corrections fit, the next is limited.
  EXPECT_EQ(SubmitAndWait(Terminal(ActaBytes(0, 3))).status, IngestStatus::kConflict);
  EXPECT_EQ(SubmitAndWait(Terminal(ActaBytes(0, 4))).status, IngestStatus::kConflict);
  IngestResult t_limited = SubmitAndWait(Terminal(ActaBytes(0, 5)));
  EXPECT_EQ(t_limited.status, IngestStatus::kRateLimited);
  EXPECT_EQ(t_limited.message,
            "table " + table + ": terminal-lane rate limit reached; retry later");
  EXPECT_EQ(t_limited.retry_after_s, 2u);
  // A terminal retrying the same bytes always gets its receipt.
  EXPECT_EQ(SubmitAndWait(Terminal(ActaBytes(0, 3))).status, IngestStatus::kConflict);

  // Recovery: after 2 s each bucket has a token again.
  clock_.Advance(seconds(2));
  EXPECT_EQ(SubmitAndWait(Terminal(ActaBytes(0, 5))).status, IngestStatus::kConflict);
  EXPECT_EQ(SubmitAndWait(Public(ActaBytes(0, 2))).status, IngestStatus::kConflict);
  EXPECT_EQ(ingest_->count(IngestStatus::kRateLimited), 2u);
}

TEST_F(IngestTest, VerifyQueueFullIs503ForTerminalsAnd429ForPublicThenRecovers) {
  IngestOptions o = Generous();
  o.verify.workers = 1;
  o.verify.max_terminal_queue = 1;
  o.verify.max_public_queue = 1;
  o.table_limits.terminal_burst = 1;  // the refused request's token must come back
  Start(o);
  WorkerGate gate(ingest_->verify_pool());

  std::vector<std::string> order;  // commit callbacks run on one thread
  std::mutex order_mu;
  auto tracked = [&](IngestRequest req, std::string name) {
    auto promise = std::make_shared<std::promise<IngestResult>>();
    auto future = promise->get_future();
    ingest_->Submit(std::move(req), [&, promise, name](IngestResult r) {
      {
        std::lock_guard lock(order_mu);
        order.push_back(name);
      }
      promise->set_value(std::move(r));
    });
    return future;
  };
  auto c = tracked(Public(ActaBytes(2)), "public");
  auto a = tracked(Terminal(ActaBytes(0)), "terminal");
  EXPECT_FALSE(Ready(a));
  EXPECT_FALSE(Ready(c));
  EXPECT_EQ(ingest_->verify_pool().QueueSize(VerifyLane::kTerminal), 1u);

  auto b = SubmitAsync(Terminal(ActaBytes(1)));
  ASSERT_TRUE(Ready(b));  // refused at once, no signature work
  IngestResult overloaded = b.get();
  EXPECT_EQ(overloaded.status, IngestStatus::kOverloaded);
  EXPECT_EQ(overloaded.message, "terminal-lane verify queue full (1 waiting); retry later");
  http::Response http = IngestResponse(overloaded);
  EXPECT_EQ(http.status, 503);
  EXPECT_EQ(HeaderOf(http, "Retry-After"), "1");
  EXPECT_EQ(HeaderOf(http, "Acta-Status"), "overloaded");

  auto d = SubmitAsync(Public(ActaBytes(3)));
  ASSERT_TRUE(Ready(d));
  IngestResult busy = d.get();
  EXPECT_EQ(busy.status, IngestStatus::kRateLimited);
  EXPECT_EQ(busy.message, "public-lane verify queue full (1 waiting); retry later");
  EXPECT_EQ(IngestHttpStatus(busy.status), 429);
  EXPECT_EQ(ingest_->verify_pool().refused(VerifyLane::kTerminal), 1u);
  EXPECT_EQ(ingest_->verify_pool().refused(VerifyLane::kPublic), 1u);

  gate.Release();
  EXPECT_EQ(a.get().status, IngestStatus::kAccepted);
  EXPECT_EQ(c.get().status, IngestStatus::kAccepted);
  // The terminal acta queued after the public one was verified first.
  EXPECT_EQ(order, (std::vector<std::string>{"terminal", "public"}));

  // Recovery, with no clock advance: the refused terminal's table token was
  // given back, so its retry goes through.
  EXPECT_EQ(SubmitAndWait(Terminal(ActaBytes(1))).status, IngestStatus::kAccepted);
  EXPECT_EQ(SubmitAndWait(Public(ActaBytes(3))).status, IngestStatus::kAccepted);
}

TEST_F(IngestTest, ACopyArrivingWhileTheFirstIsQueuedJoinsItWithoutAToken) {
  IngestOptions o = Generous();
  o.verify.workers = 1;
  o.table_limits.terminal_burst = 1;  // one token: a second one spent would be a 429
  o.table_limits.terminal_per_second = 0.001;
  o.table_limits.public_burst = 1;
  o.table_limits.public_per_second = 0.001;
  Start(o);
  WorkerGate gate(ingest_->verify_pool());
  // The terminal times out and retries while its first try still waits for
  // a verify worker; an observer brings the same bytes too.
  auto first = SubmitAsync(Terminal(ActaBytes(0)));
  auto retry = SubmitAsync(Terminal(ActaBytes(0)));
  auto observer = SubmitAsync(Public(ActaBytes(0)));
  // A forged acta queued the same way: its copy gets the same verdict.
  auto forged = SubmitAsync(Public(ActaBytes(1, 1, true)));
  auto forged_copy = SubmitAsync(Public(ActaBytes(1, 1, true)));
  EXPECT_FALSE(Ready(first));
  EXPECT_FALSE(Ready(retry));
  EXPECT_FALSE(Ready(observer));
  EXPECT_FALSE(Ready(forged_copy));
  EXPECT_EQ(ingest_->verify_pool().QueueSize(VerifyLane::kTerminal), 1u);
  EXPECT_EQ(ingest_->verify_pool().QueueSize(VerifyLane::kPublic), 1u);
  gate.Release();
  IngestResult a = first.get(), b = retry.get(), c = observer.get();
  EXPECT_EQ(a.status, IngestStatus::kAccepted) << a.message;
  EXPECT_EQ(b.status, IngestStatus::kReplay) << b.message;
  EXPECT_EQ(c.status, IngestStatus::kReplay) << c.message;
  EXPECT_EQ(b.receipt, a.receipt);
  EXPECT_EQ(c.receipt, a.receipt);
  EXPECT_EQ(forged.get().status, IngestStatus::kBadSignature);
  EXPECT_EQ(forged_copy.get().status, IngestStatus::kBadSignature);
  EXPECT_EQ(ingest_->count(IngestStatus::kRateLimited), 0u);
  // Nothing is left waiting: the same bytes later are a plain replay.
  EXPECT_EQ(SubmitAndWait(Terminal(ActaBytes(0))).status, IngestStatus::kReplay);
}

TEST_F(IngestTest, CommitQueueFullIs503ThenRecovers) {
  store::GroupCommitOptions commit;
  commit.max_queue = 1;
  commit.max_delay = std::chrono::microseconds(0);
  // One token per table and no refill: the retry below is accepted only if
  // the store's refusal gave the token back.
  IngestOptions o = Generous();
  o.table_limits.terminal_burst = 1;
  o.table_limits.terminal_per_second = 0;
  Start(o, commit);
  fault_->HoldWrites();
  auto a = SubmitAsync(Terminal(ActaBytes(0)));
  fault_->WaitForHeldWrites(1);  // A is being written: the queue is empty
  auto b = SubmitAsync(Terminal(ActaBytes(1)));
  EXPECT_FALSE(Ready(b));  // queued behind A
  auto c = SubmitAsync(Terminal(ActaBytes(2)));
  ASSERT_TRUE(Ready(c));
  IngestResult overloaded = c.get();
  EXPECT_EQ(overloaded.status, IngestStatus::kOverloaded);
  EXPECT_NE(overloaded.message.find("queue"), std::string::npos) << overloaded.message;
  EXPECT_EQ(IngestResponse(overloaded).status, 503);
  EXPECT_EQ(HeaderOf(IngestResponse(overloaded), "Retry-After"), "1");

  fault_->ReleaseWrites();
  EXPECT_EQ(a.get().status, IngestStatus::kAccepted);
  EXPECT_EQ(b.get().status, IngestStatus::kAccepted);
  // The refused acta was forgotten and its table token refunded, so its
  // retry is accepted and stored.
  IngestResult retry = SubmitAndWait(Terminal(ActaBytes(2)));
  ASSERT_EQ(retry.status, IngestStatus::kAccepted) << retry.message;
  auto stored = store_->FindByLeaf(LeafHashOf(ActaBytes(2)));
  ASSERT_TRUE(stored && stored->has_value());
  EXPECT_EQ((*stored)->receipt, retry.receipt);
}

TEST_F(IngestTest, StopFinishesQueuedWorkThenRefuses) {
  IngestOptions o = Generous();
  o.verify.workers = 1;
  Start(o);
  auto gate = std::make_unique<WorkerGate>(ingest_->verify_pool());
  auto a = SubmitAsync(Terminal(ActaBytes(0)));
  auto p = SubmitAsync(Public(ActaBytes(1, 0, true)));
  std::thread stopper([this] { ingest_->Stop(); });
  // Stop has begun once the pool refuses new work.
  while (ingest_->verify_pool().TrySubmit(VerifyLane::kPublic, [] {}) != Admission::kStopped) {
    std::this_thread::yield();
  }
  gate->Release();
  stopper.join();
  EXPECT_EQ(a.get().status, IngestStatus::kAccepted);
  EXPECT_EQ(p.get().status, IngestStatus::kBadSignature);
  IngestResult late = SubmitAndWait(Terminal(ActaBytes(2)));
  EXPECT_EQ(late.status, IngestStatus::kUnavailable);
  EXPECT_EQ(late.message, "the center is shutting down");
  EXPECT_EQ(IngestResponse(late).status, 503);
  // Replays of what is durable are still answered.
  EXPECT_EQ(SubmitAndWait(Terminal(ActaBytes(0))).status, IngestStatus::kReplay);
}

TEST_F(IngestTest, OverHttpALimitedTerminalSees429WithRetryAfterThenIsServed) {
  IngestOptions o = Generous();
  o.verify.workers = 1;
  o.table_limits.terminal_burst = 1;
  o.table_limits.terminal_per_second = 0.25;
  Start(o);
  IngestHandler handler(*ingest_, clock_, nullptr);
  auto server = http::HttpServer::Start(http::ServerOptions{}, handler);
  ASSERT_TRUE(server) << server.error().ToString();
  auto post = [&](const IngestRequest& req) {
    auto c = http::testing::RawConnection::Connect((*server)->port());
    EXPECT_TRUE(c);
    const std::string extra = "Acta-Mac: " + Base64Encode(req.mac) + "\r\n";
    EXPECT_TRUE(c->Send(http::testing::MakeRawRequest(
        "POST", "/v1/actas", std::string(req.body.begin(), req.body.end()), extra)));
    auto r = c->ReadResponse();
    EXPECT_TRUE(r) << r.error().ToString();
    return r ? *r : http::testing::RawResponse{};
  };
  EXPECT_EQ(post(Terminal(ActaBytes(4))).status, 201);
  auto limited = post(Terminal(ActaBytes(4, 1)));
  EXPECT_EQ(limited.status, 429);
  EXPECT_EQ(limited.headers["retry-after"], "4");
  EXPECT_EQ(limited.headers["acta-status"], "rate_limited");
  EXPECT_EQ(limited.body, "{\"error\":\"rate_limited\",\"message\":\"table " +
                              std::to_string(TableId(4)) +
                              ": terminal-lane rate limit reached; retry later\"}");
  // The same bytes again: the receipt, limit or not.
  EXPECT_EQ(post(Terminal(ActaBytes(4))).status, 200);
  clock_.Advance(seconds(4));
  EXPECT_EQ(post(Terminal(ActaBytes(4, 1))).status, 409);
  (*server)->Stop();
}

}  // namespace
}  // namespace acta::center

#include "terminal/durable_queue.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "core/file.h"
#include "terminal/outbox.h"
#include "terminal/testing/fake_transport.h"
#include "terminal/testing/terminal_fixtures.h"

namespace acta::terminal {
namespace {

using testing::FakeTransport;

class DurableQueueTest : public ::testing::Test {
 protected:
  Manifest m_ = acta::testing::VectorManifest();
  Acta acta_ = testing::TestActa(m_);
  std::string dir_ = acta::testing::TestDir();
};

TEST_F(DurableQueueTest, EnqueueIsIdempotentForTheSameBytes) {
  auto q = DurableQueue::Open(dir_ + "/q");
  ASSERT_TRUE(q.has_value());
  auto first = q->Enqueue(acta_);
  ASSERT_TRUE(first.has_value());
  EXPECT_TRUE(*first);
  auto again = q->Enqueue(acta_);
  ASSERT_TRUE(again.has_value());
  EXPECT_FALSE(*again);
  EXPECT_EQ(*ReadFile(dir_ + "/q/t10-c0.acta"), acta_.bytes);
}

TEST_F(DurableQueueTest, RefusesADifferentActaForTheSameTableAndCorrection) {
  auto q = DurableQueue::Open(dir_);
  ASSERT_TRUE(q->Enqueue(acta_).has_value());
  auto other = q->Enqueue(testing::TestActa(m_, 300));
  ASSERT_FALSE(other.has_value());
  EXPECT_EQ(other.error().code, ErrorCode::kConflict);
  // The queued acta is untouched; a correction is a different item.
  EXPECT_EQ(*ReadFile(dir_ + "/t10-c0.acta"), acta_.bytes);
  auto correction = q->Enqueue(testing::TestActa(m_, 300, 1));
  ASSERT_TRUE(correction.has_value());
  EXPECT_TRUE(*correction);
  EXPECT_EQ(q->List()->size(), 2u);
}

TEST_F(DurableQueueTest, ReceiptsSurviveReopeningAndEndPending) {
  {
    auto q = DurableQueue::Open(dir_);
    ASSERT_TRUE(q->Enqueue(acta_).has_value());
    ASSERT_EQ(q->Pending()->size(), 1u);
    ASSERT_TRUE(q->StoreReceipt(acta_, testing::ReceiptFor(m_, acta_)).has_value());
  }
  auto q = DurableQueue::Open(dir_);
  EXPECT_TRUE(q->Pending()->empty());
  auto items = q->List();
  ASSERT_EQ(items->size(), 1u);
  EXPECT_EQ((*items)[0].name, "t10-c0");
  EXPECT_EQ(*(*items)[0].receipt, testing::ReceiptFor(m_, acta_));
  EXPECT_EQ((*items)[0].acta.bytes, acta_.bytes);
}

TEST_F(DurableQueueTest, IgnoresLeftoverTemporariesAndReportsDamage) {
  auto q = DurableQueue::Open(dir_);
  ASSERT_TRUE(q->Enqueue(acta_).has_value());
  // What a crash inside WriteFileAtomic can leave behind.
  ASSERT_TRUE(
      WriteFileAtomic(dir_ + "/.t11-c0.acta.tmp123", std::string_view("partial")).has_value());
  EXPECT_EQ(q->List()->size(), 1u);
  ASSERT_TRUE(WriteFileAtomic(dir_ + "/t12-c0.acta", std::string_view("garbage")).has_value());
  auto list = q->List();
  ASSERT_FALSE(list.has_value());
  EXPECT_EQ(list.error().code, ErrorCode::kCorruption);
  EXPECT_NE(list.error().message.find("t12-c0.acta"), std::string::npos);
}

TEST_F(DurableQueueTest, StoreReceiptNeedsAQueuedActa) {
  auto q = DurableQueue::Open(dir_);
  auto st = q->StoreReceipt(acta_, testing::ReceiptFor(m_, acta_));
  ASSERT_FALSE(st.has_value());
  EXPECT_EQ(st.error().code, ErrorCode::kNotFound);
}

// A terminal that "dies" (its run ends at a deadline, its objects are
// dropped) and restarts from the directory sends exactly the same bytes and
// stops once the receipt is on disk.
TEST_F(DurableQueueTest, RecoveryAfterACrashResendsTheSameBytesOnly) {
  FakeClock clock;
  SeededRandom rng(5);
  auto sleep = [&](SteadyTime until) {
    clock.Advance(std::chrono::duration_cast<std::chrono::milliseconds>(until - clock.SteadyNow()));
  };
  const MacFn mac = [](const Acta& a) {
    return std::optional<Mac>(
        ComputeMac(DeriveTransportKey(acta::testing::VectorTransportKey(), 10), a.bytes));
  };
  {
    auto q = DurableQueue::Open(dir_);
    ASSERT_TRUE(q->Enqueue(acta_).has_value());
    FakeTransport down(1);
    DrainOptions o;
    o.deadline = clock.SteadyNow() + std::chrono::seconds(20);
    auto r = DrainQueue(*q, m_, mac, down, rng, clock, sleep, o);
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().code, ErrorCode::kUnavailable);
    EXPECT_GE(down.calls.size(), 2u);
  }
  // Restarted with a different acta on the command line: refused, the queued
  // one is still what goes out.
  auto q = DurableQueue::Open(dir_);
  EXPECT_EQ(q->Enqueue(testing::TestActa(m_, 301)).error().code, ErrorCode::kConflict);
  FakeTransport up(1);
  up.Script(0, FakeTransport::Status(200, testing::ReceiptFor(m_, acta_)));
  auto r = DrainQueue(*q, m_, mac, up, rng, clock, sleep, {});
  ASSERT_TRUE(r.has_value()) << r.error().ToString();
  EXPECT_EQ(r->delivered, 1u);
  ASSERT_EQ(up.calls.size(), 1u);
  EXPECT_EQ(up.calls[0].acta, acta_.bytes);
  EXPECT_EQ(*up.calls[0].mac, *mac(acta_));
  EXPECT_EQ(**q->ReceiptFor(acta_), testing::ReceiptFor(m_, acta_));
  // A third run finds nothing to do and sends nothing.
  FakeTransport never(1);
  auto r3 = DrainQueue(*q, m_, mac, never, rng, clock, sleep, {});
  ASSERT_TRUE(r3.has_value());
  EXPECT_EQ(r3->already_delivered, 1u);
  EXPECT_TRUE(never.calls.empty());
}

}  // namespace
}  // namespace acta::terminal

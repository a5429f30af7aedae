#include "center/verify_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <string>
#include <thread>
#include <vector>

namespace acta::center {
namespace {

// Occupies one worker until Release(): lets a test fill the queues while
// nothing is taken from them.
class Gate {
 public:
  VerifyPool::Work Work() {
    return [this] {
      started_.set_value();
      release_.get_future().wait();
    };
  }
  void WaitStarted() { started_.get_future().wait(); }
  void Release() { release_.set_value(); }

 private:
  std::promise<void> started_;
  std::promise<void> release_;
};

// Records the order items ran in. Thread-safe.
class Order {
 public:
  VerifyPool::Work Item(std::string name) {
    return [this, name] {
      std::lock_guard lock(mu_);
      ran_.push_back(name);
    };
  }
  std::vector<std::string> ran() const {
    std::lock_guard lock(mu_);
    return ran_;
  }

 private:
  mutable std::mutex mu_;
  std::vector<std::string> ran_;
};

VerifyPoolOptions OneWorker(size_t terminal_depth = 16, size_t public_depth = 16) {
  VerifyPoolOptions o;
  o.workers = 1;
  o.max_terminal_queue = terminal_depth;
  o.max_public_queue = public_depth;
  return o;
}

TEST(VerifyPoolTest, TerminalWorkRunsBeforeEarlierPublicWork) {
  VerifyPool pool(OneWorker());
  Gate gate;
  Order order;
  ASSERT_EQ(pool.TrySubmit(VerifyLane::kPublic, gate.Work()), Admission::kQueued);
  gate.WaitStarted();
  for (const char* name : {"p1", "p2", "p3"})
    ASSERT_EQ(pool.TrySubmit(VerifyLane::kPublic, order.Item(name)), Admission::kQueued);
  for (const char* name : {"t1", "t2", "t3"})
    ASSERT_EQ(pool.TrySubmit(VerifyLane::kTerminal, order.Item(name)), Admission::kQueued);
  EXPECT_EQ(pool.QueueSize(VerifyLane::kPublic), 3u);
  EXPECT_EQ(pool.QueueSize(VerifyLane::kTerminal), 3u);
  gate.Release();
  pool.Stop();
  EXPECT_EQ(order.ran(), (std::vector<std::string>{"t1", "t2", "t3", "p1", "p2", "p3"}));
}

TEST(VerifyPoolTest, TerminalWorkArrivingLaterStillJumpsThePublicQueue) {
  VerifyPool pool(OneWorker());
  Gate gate1;
  Order order;
  ASSERT_EQ(pool.TrySubmit(VerifyLane::kTerminal, gate1.Work()), Admission::kQueued);
  gate1.WaitStarted();
  ASSERT_EQ(pool.TrySubmit(VerifyLane::kPublic, order.Item("p1")), Admission::kQueued);
  // A second gate, queued on the public lane, blocks the worker after p1.
  Gate gate2;
  ASSERT_EQ(pool.TrySubmit(VerifyLane::kPublic, gate2.Work()), Admission::kQueued);
  ASSERT_EQ(pool.TrySubmit(VerifyLane::kPublic, order.Item("p2")), Admission::kQueued);
  gate1.Release();
  gate2.WaitStarted();
  // p1 ran; p2 waits behind the gate. A terminal item comes in now.
  ASSERT_EQ(pool.TrySubmit(VerifyLane::kTerminal, order.Item("t1")), Admission::kQueued);
  gate2.Release();
  pool.Stop();
  EXPECT_EQ(order.ran(), (std::vector<std::string>{"p1", "t1", "p2"}));
}

TEST(VerifyPoolTest, FullQueueRefusesWithoutRunningThenRecovers) {
  VerifyPool pool(OneWorker(/*terminal_depth=*/2, /*public_depth=*/1));
  Gate gate;
  Order order;
  ASSERT_EQ(pool.TrySubmit(VerifyLane::kTerminal, gate.Work()), Admission::kQueued);
  gate.WaitStarted();  // the gate runs: it holds no queue slot
  EXPECT_EQ(pool.TrySubmit(VerifyLane::kTerminal, order.Item("t1")), Admission::kQueued);
  EXPECT_EQ(pool.TrySubmit(VerifyLane::kTerminal, order.Item("t2")), Admission::kQueued);
  EXPECT_EQ(pool.TrySubmit(VerifyLane::kTerminal, order.Item("t3")), Admission::kFull);
  EXPECT_EQ(pool.TrySubmit(VerifyLane::kPublic, order.Item("p1")), Admission::kQueued);
  EXPECT_EQ(pool.TrySubmit(VerifyLane::kPublic, order.Item("p2")), Admission::kFull);
  EXPECT_EQ(pool.refused(VerifyLane::kTerminal), 1u);
  EXPECT_EQ(pool.refused(VerifyLane::kPublic), 1u);
  // One lane being full does not close the other.
  EXPECT_EQ(pool.QueueSize(VerifyLane::kTerminal), 2u);
  EXPECT_EQ(pool.QueueSize(VerifyLane::kPublic), 1u);

  // Recovery: once the worker drained the queues, the same lanes take work.
  Gate gate2;
  ASSERT_EQ(pool.TrySubmit(VerifyLane::kPublic, gate2.Work()), Admission::kFull);
  gate.Release();
  // Wait for the drain by queueing a marker behind everything.
  std::promise<void> drained;
  for (;;) {
    // Refused while the public queue is still full; retrying is the client's
    // job too. Bounded: the worker empties the queue.
    if (pool.TrySubmit(VerifyLane::kPublic, [&drained] { drained.set_value(); }) ==
        Admission::kQueued)
      break;
    std::this_thread::yield();
  }
  drained.get_future().wait();
  EXPECT_EQ(pool.TrySubmit(VerifyLane::kTerminal, order.Item("t4")), Admission::kQueued);
  pool.Stop();
  EXPECT_EQ(order.ran(), (std::vector<std::string>{"t1", "t2", "p1", "t4"}));
}

TEST(VerifyPoolTest, StopRunsEveryQueuedItemOnceAndRefusesNewOnes) {
  VerifyPool pool(OneWorker());
  Gate gate;
  std::atomic<int> runs[6] = {};
  ASSERT_EQ(pool.TrySubmit(VerifyLane::kTerminal, gate.Work()), Admission::kQueued);
  gate.WaitStarted();
  for (int i = 0; i < 6; ++i) {
    auto lane = i % 2 == 0 ? VerifyLane::kTerminal : VerifyLane::kPublic;
    ASSERT_EQ(pool.TrySubmit(lane, [&runs, i] { runs[i]++; }), Admission::kQueued);
  }
  std::thread stopper([&pool] { pool.Stop(); });
  // Stop has begun (it waits on the gated worker) once new work is refused.
  // Probes queued before that are part of the drain and must run once too.
  std::atomic<int> probe_runs{0};
  int probes_queued = 0;
  for (;;) {
    Admission a = pool.TrySubmit(VerifyLane::kPublic, [&probe_runs] { probe_runs++; });
    if (a == Admission::kStopped) break;
    if (a == Admission::kQueued) ++probes_queued;
    std::this_thread::yield();
  }
  gate.Release();
  stopper.join();
  EXPECT_EQ(probe_runs.load(), probes_queued);
  for (int i = 0; i < 6; ++i) EXPECT_EQ(runs[i].load(), 1) << i;
  EXPECT_EQ(pool.TrySubmit(VerifyLane::kPublic, [] { FAIL() << "ran after Stop"; }),
            Admission::kStopped);
  EXPECT_EQ(pool.QueueSize(VerifyLane::kTerminal), 0u);
  EXPECT_EQ(pool.QueueSize(VerifyLane::kPublic), 0u);
  pool.Stop();  // idempotent
}

TEST(VerifyPoolTest, ZeroWorkersRunInlineOnTheCaller) {
  VerifyPoolOptions o;
  o.workers = 0;
  o.max_terminal_queue = 0;  // no queue is involved inline
  VerifyPool pool(o);
  EXPECT_EQ(pool.workers(), 0);
  std::thread::id ran_on;
  EXPECT_EQ(pool.TrySubmit(VerifyLane::kTerminal, [&] { ran_on = std::this_thread::get_id(); }),
            Admission::kQueued);
  EXPECT_EQ(ran_on, std::this_thread::get_id());
  pool.Stop();
  EXPECT_EQ(pool.TrySubmit(VerifyLane::kPublic, [] { FAIL() << "ran after Stop"; }),
            Admission::kStopped);
}

TEST(VerifyPoolTest, ManySubmittersEveryItemRunsExactlyOnce) {
  VerifyPoolOptions o;
  o.workers = 3;
  o.max_terminal_queue = 100000;
  o.max_public_queue = 100000;
  VerifyPool pool(o);
  constexpr int kPerThread = 2000;
  std::vector<std::atomic<int>> runs(4 * kPerThread);
  std::vector<std::thread> submitters;
  for (int t = 0; t < 4; ++t) {
    submitters.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        const int id = t * kPerThread + i;
        auto lane = t % 2 == 0 ? VerifyLane::kTerminal : VerifyLane::kPublic;
        EXPECT_EQ(pool.TrySubmit(lane, [&runs, id] { runs[id]++; }), Admission::kQueued);
      }
    });
  }
  for (auto& t : submitters) t.join();
  pool.Stop();
  for (size_t i = 0; i < runs.size(); ++i) ASSERT_EQ(runs[i].load(), 1) << i;
}

TEST(VerifyPoolTest, DefaultWorkersIsAtLeastOne) {
  EXPECT_GE(DefaultVerifyWorkers(), 1);
  EXPECT_EQ(VerifyPoolOptions{}.workers, DefaultVerifyWorkers());
}

}  // namespace
}  // namespace acta::center

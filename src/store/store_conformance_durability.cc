// Conformance tests for durability: data survives reopening and a process
// crash, an injected fault leaves nothing behind, every GroupCommitter
// submitter hears back exactly once and only after the commit, back-pressure
// is reported, and the insert rate is printed.
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <future>
#include <thread>
#include <vector>

#include "store/fault_injecting_store.h"
#include "store/group_commit.h"
#include "store/open_store.h"
#include "store/store_conformance.h"

namespace acta::store::testing {
namespace {

constexpr auto kForever = std::chrono::hours(24 * 365);

// Records each callback's status; counts calls per acta.
struct Outcomes {
  explicit Outcomes(size_t n) : calls(n), codes(n) {}
  GroupCommitter::Done For(size_t i) {
    return [this, i](Status status) {
      codes[i] = status ? -1 : static_cast<int>(status.error().code);
      calls[i].fetch_add(1);
    };
  }
  std::vector<std::atomic<int>> calls;
  std::vector<std::atomic<int>> codes;  // -1 for OK
};

TEST_P(StoreConformanceTest, EverythingSurvivesCloseAndReopen) {
  std::vector<AcceptedActa> actas = {TestActa(1), TestActa(2), TestActa(2, 1, true)};
  {
    std::unique_ptr<Store> store;
    ASSERT_NO_FATAL_FAILURE(OpenInitialized(store));
    ACTA_ASSERT_OK(store->InsertAccepted(actas));
    std::vector<Hash256> leaves = {actas[1].leaf_hash};
    ACTA_ASSERT_OK(store->Sequence(0, leaves, TestCheckpoint(1, 4)));
  }
  std::unique_ptr<Store> store;
  ASSERT_NO_FATAL_FAILURE(OpenInitialized(store));
  actas[1].seq = 0;
  EXPECT_EQ(AllRows(*store), actas);
  auto list = store->ListCheckpoints();
  ACTA_ASSERT_OK(list);
  EXPECT_EQ(*list, std::vector<StoredCheckpoint>{TestCheckpoint(1, 4)});
  auto count = store->SequencedCount();
  ACTA_ASSERT_OK(count);
  EXPECT_EQ(*count, 1u);
}

TEST_P(StoreConformanceTest, AcknowledgedWritesSurviveAProcessCrash) {
  {
    std::unique_ptr<Store> store;
    ASSERT_NO_FATAL_FAILURE(OpenInitialized(store));  // schema exists before the fork
  }
  const std::vector<AcceptedActa> actas = {TestActa(11), TestActa(12)};
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    // Child: write, then die without closing anything or running destructors.
    auto store = OpenStore(url_);
    if (!store || !(*store)->Initialize(kElectionA) || !(*store)->InsertAccepted(actas)) _exit(1);
    std::vector<Hash256> leaves = {actas[0].leaf_hash};
    if (!(*store)->Sequence(0, leaves, TestCheckpoint(1))) _exit(2);
    _exit(0);
  }
  int wstatus = 0;
  ASSERT_EQ(waitpid(pid, &wstatus, 0), pid);
  ASSERT_TRUE(WIFEXITED(wstatus));
  ASSERT_EQ(WEXITSTATUS(wstatus), 0);
  std::unique_ptr<Store> store;
  ASSERT_NO_FATAL_FAILURE(OpenInitialized(store));
  std::vector<AcceptedActa> want = actas;
  want[0].seq = 0;
  EXPECT_EQ(AllRows(*store), want);
  auto latest = store->LatestCheckpoint();
  ACTA_ASSERT_OK(latest);
  ASSERT_TRUE(latest->has_value());
  EXPECT_EQ(**latest, TestCheckpoint(1));
}

TEST_P(StoreConformanceTest, InjectedFaultBeforeWriteLeavesNothingBehind) {
  std::unique_ptr<Store> real;
  ASSERT_NO_FATAL_FAILURE(OpenInitialized(real));
  FaultInjectingStore store(*real);
  std::vector<AcceptedActa> actas = {TestActa(1), TestActa(2)};
  std::vector<Hash256> leaves = {actas[0].leaf_hash};

  store.FailNextWrites(3);
  ACTA_ASSERT_ERROR(store.InsertAccepted(actas), ErrorCode::kIo);
  EXPECT_TRUE(AllRows(store).empty());
  ACTA_ASSERT_OK(real->InsertAccepted(actas));  // bypassing the wrapper
  ACTA_ASSERT_ERROR(store.Sequence(0, leaves, TestCheckpoint(1)), ErrorCode::kIo);
  ACTA_ASSERT_ERROR(store.AddCheckpoint(TestCheckpoint(0)), ErrorCode::kIo);
  auto count = store.SequencedCount();
  ACTA_ASSERT_OK(count);
  EXPECT_EQ(*count, 0u);
  auto list = store.ListCheckpoints();
  ACTA_ASSERT_OK(list);
  EXPECT_TRUE(list->empty());

  // The faults are used up: the same writes now succeed.
  ACTA_ASSERT_OK(store.Sequence(0, leaves, TestCheckpoint(1)));
  count = store.SequencedCount();
  ACTA_ASSERT_OK(count);
  EXPECT_EQ(*count, 1u);
}

TEST_P(StoreConformanceTest, WriteFailingAfterCommitIsSafeToRetry) {
  std::unique_ptr<Store> real;
  ASSERT_NO_FATAL_FAILURE(OpenInitialized(real));
  FaultInjectingStore store(*real);
  std::vector<AcceptedActa> actas = {TestActa(1), TestActa(2)};
  store.FailNextWrites(1, ErrorCode::kIo, FaultTiming::kAfterWrite);
  ACTA_ASSERT_ERROR(store.InsertAccepted(actas), ErrorCode::kIo);
  EXPECT_EQ(AllRows(store), actas);             // committed despite the error
  ACTA_ASSERT_OK(store.InsertAccepted(actas));  // the retry is idempotent
  EXPECT_EQ(AllRows(store), actas);
  // A sequencer that retries after a lost reply is refused instead of
  // appending twice.
  std::vector<Hash256> leaves = {actas[0].leaf_hash};
  store.FailNextWrites(1, ErrorCode::kIo, FaultTiming::kAfterWrite);
  ACTA_ASSERT_ERROR(store.Sequence(0, leaves, std::nullopt), ErrorCode::kIo);
  ACTA_ASSERT_ERROR(store.Sequence(0, leaves, std::nullopt), ErrorCode::kFailedPrecondition);
}

TEST_P(StoreConformanceTest, GroupCommitManyThreadsEveryCallbackOnceAndAllRowsStored) {
  std::unique_ptr<Store> store;
  ASSERT_NO_FATAL_FAILURE(OpenInitialized(store));
  constexpr size_t kThreads = 8;
  constexpr size_t kPerThread = 250;
  Outcomes outcomes(kThreads * kPerThread);
  {
    GroupCommitter committer(*store,
                             {.max_batch = 64, .max_delay = std::chrono::microseconds(200)});
    std::vector<std::thread> threads;
    std::atomic<int> submit_errors{0};
    for (size_t t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        for (size_t i = 0; i < kPerThread; ++i) {
          const size_t id = t * kPerThread + i;
          if (!committer.Submit(TestActa(static_cast<uint32_t>(id)), outcomes.For(id)))
            ++submit_errors;
        }
      });
    }
    for (auto& thread : threads) thread.join();
    EXPECT_EQ(submit_errors.load(), 0);
  }  // the destructor drains the queue
  for (size_t id = 0; id < outcomes.calls.size(); ++id) {
    ASSERT_EQ(outcomes.calls[id].load(), 1) << "acta " << id;
    ASSERT_EQ(outcomes.codes[id].load(), -1) << "acta " << id;
  }
  std::vector<AcceptedActa> rows = AllRows(*store);
  ASSERT_EQ(rows.size(), kThreads * kPerThread);
  std::vector<bool> seen(rows.size(), false);
  for (const auto& row : rows) {
    ASSERT_LT(row.table_id, seen.size());
    EXPECT_EQ(row, TestActa(row.table_id));
    seen[row.table_id] = true;
  }
  EXPECT_EQ(std::count(seen.begin(), seen.end(), true), static_cast<long>(rows.size()));
}

TEST_P(StoreConformanceTest, GroupCommitBatchesUpToMaxBatchAndDrainsOnShutdown) {
  std::unique_ptr<Store> real;
  ASSERT_NO_FATAL_FAILURE(OpenInitialized(real));
  FaultInjectingStore store(*real);
  Outcomes outcomes(10);
  // With an endless max_delay a batch is committed only when full or on
  // shutdown, so the batch sizes do not depend on timing.
  // on_commit sees every batch (the center's commit-latency metric).
  std::vector<size_t> observed;  // written by the writer thread, read after Shutdown
  GroupCommitter committer(store,
                           {.max_batch = 4,
                            .max_delay = kForever,
                            .on_commit = [&](std::chrono::steady_clock::duration d, size_t n) {
                              EXPECT_GE(d.count(), 0);
                              observed.push_back(n);
                            }});
  for (size_t i = 0; i < 10; ++i)
    ACTA_ASSERT_OK(committer.Submit(TestActa(static_cast<uint32_t>(i)), outcomes.For(i)));
  committer.Shutdown();
  EXPECT_EQ(store.InsertBatchSizes(), (std::vector<size_t>{4, 4, 2}));
  EXPECT_EQ(observed, (std::vector<size_t>{4, 4, 2}));
  for (size_t i = 0; i < 10; ++i) EXPECT_EQ(outcomes.calls[i].load(), 1);
  EXPECT_EQ(AllRows(store).size(), 10u);
  ACTA_ASSERT_ERROR(committer.Submit(TestActa(99), outcomes.For(0)), ErrorCode::kUnavailable);
  EXPECT_EQ(outcomes.calls[0].load(), 1);
}

TEST_P(StoreConformanceTest, GroupCommitReportsAFailedBatchToEveryCaller) {
  std::unique_ptr<Store> real;
  ASSERT_NO_FATAL_FAILURE(OpenInitialized(real));
  FaultInjectingStore store(*real);
  store.FailNextWrites(1);
  Outcomes outcomes(3);
  {
    GroupCommitter committer(store, {.max_batch = 8, .max_delay = kForever});
    for (size_t i = 0; i < 3; ++i)
      ACTA_ASSERT_OK(committer.Submit(TestActa(static_cast<uint32_t>(i)), outcomes.For(i)));
    // An invalid acta is refused at once and never reaches a batch.
    AcceptedActa bad = TestActa(50);
    bad.receipt.clear();
    ACTA_ASSERT_ERROR(committer.Submit(bad, outcomes.For(0)), ErrorCode::kInvalidArgument);
  }
  EXPECT_EQ(store.InsertBatchSizes(), std::vector<size_t>{3});
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(outcomes.calls[i].load(), 1);
    EXPECT_EQ(outcomes.codes[i].load(), static_cast<int>(ErrorCode::kIo));
  }
  EXPECT_TRUE(AllRows(store).empty());
}

TEST_P(StoreConformanceTest, GroupCommitPushesBackWhenTheQueueIsFull) {
  std::unique_ptr<Store> real;
  ASSERT_NO_FATAL_FAILURE(OpenInitialized(real));
  FaultInjectingStore store(*real);
  Outcomes outcomes(4);
  GroupCommitter committer(
      store, {.max_batch = 1, .max_delay = std::chrono::microseconds(0), .max_queue = 2});
  store.HoldWrites();  // a disk that stopped answering
  ACTA_ASSERT_OK(committer.Submit(TestActa(0), outcomes.For(0)));
  store.WaitForHeldWrites(1);  // the writer took acta 0 and is stuck in the store
  ACTA_ASSERT_OK(committer.Submit(TestActa(1), outcomes.For(1)));
  ACTA_ASSERT_OK(committer.Submit(TestActa(2), outcomes.For(2)));
  EXPECT_EQ(committer.QueueSize(), 2u);
  ACTA_ASSERT_ERROR(committer.Submit(TestActa(3), outcomes.For(3)), ErrorCode::kResourceExhausted);
  for (size_t i = 0; i < 3; ++i)
    EXPECT_EQ(outcomes.calls[i].load(), 0) << "acknowledged before durable";
  store.ReleaseWrites();
  committer.Shutdown();
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(outcomes.calls[i].load(), 1);
    EXPECT_EQ(outcomes.codes[i].load(), -1);
  }
  EXPECT_EQ(outcomes.calls[3].load(), 0);
  EXPECT_EQ(AllRows(store), (std::vector<AcceptedActa>{TestActa(0), TestActa(1), TestActa(2)}));
}

// Not an assertion: prints the rates so regressions are visible in test logs.
TEST_P(StoreConformanceTest, InsertRateIsPrinted) {
  std::unique_ptr<Store> store;
  ASSERT_NO_FATAL_FAILURE(OpenInitialized(store));
  constexpr uint32_t kBatched = 10'240;
  std::vector<AcceptedActa> actas;
  for (uint32_t i = 0; i < kBatched; ++i) actas.push_back(TestActa(i));
  auto start = std::chrono::steady_clock::now();
  for (size_t i = 0; i < actas.size(); i += 512) {
    ACTA_ASSERT_OK(store->InsertAccepted(
        std::span(actas).subspan(i, std::min<size_t>(512, actas.size() - i))));
  }
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("[ rate     ] %s InsertAccepted, batches of 512: %u actas in %.3f s = %.0f actas/s\n",
              GetParam().name.c_str(), kBatched, seconds, kBatched / seconds);

  // Request-like load: each thread waits for its acta to be durable before
  // sending the next, as a center request handler does.
  constexpr uint32_t kThreads = 32, kPerThread = 64;
  GroupCommitter committer(*store);
  std::atomic<int> failures{0};
  start = std::chrono::steady_clock::now();
  std::vector<std::thread> threads;
  for (uint32_t t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (uint32_t i = 0; i < kPerThread; ++i) {
        std::promise<Status> done;
        auto future = done.get_future();
        auto submitted = committer.Submit(TestActa(kBatched + t * kPerThread + i),
                                          [&](Status s) { done.set_value(std::move(s)); });
        if (!submitted || !future.get()) ++failures;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(failures.load(), 0);
  std::printf(
      "[ rate     ] %s GroupCommitter, %u threads waiting for durability: %u actas in %.3f s = "
      "%.0f actas/s\n",
      GetParam().name.c_str(), kThreads, kThreads * kPerThread, seconds,
      kThreads * kPerThread / seconds);
  EXPECT_EQ(AllRows(*store).size(), kBatched + kThreads * kPerThread);
}

}  // namespace
}  // namespace acta::store::testing

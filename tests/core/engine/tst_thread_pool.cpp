// ThreadPool: every index covered exactly once in contiguous aligned chunks, the caller runs chunk 0, empty
// chunks are skipped, exceptions reach the caller and leave the pool usable, and many back-to-back jobs
// never lose a wake-up.
#include <QtTest>

#include <atomic>
#include <chrono>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

#include "core/engine/thread_pool.h"

using namespace gemma;

namespace {

struct Call {
  int64_t begin, end;
  int index;
  std::thread::id thread;
};

std::vector<Call> Record(ThreadPool& pool, int64_t n, int64_t align) {
  std::mutex mutex;
  std::vector<Call> calls;
  pool.ParallelFor(n, align, [&](int64_t b, int64_t e, int i) {
    std::lock_guard<std::mutex> lock(mutex);
    calls.push_back({b, e, i, std::this_thread::get_id()});
  });
  std::sort(calls.begin(), calls.end(), [](const Call& a, const Call& b) { return a.begin < b.begin; });
  return calls;
}

}  // namespace

class TestThreadPool : public QObject {
  Q_OBJECT

 private slots:
  void sizeDefaultsToTheCores() {
    ThreadPool pool(0);
    QCOMPARE(pool.size(), std::max(1, int(std::thread::hardware_concurrency())));
    ThreadPool three(3);
    QCOMPARE(three.size(), 3);
  }

  void chunksCoverEveryIndexOnceAlignedAndInOrder() {
    for (int threads : {1, 2, 3, 4, 7}) {
      ThreadPool pool(threads);
      for (int64_t n : {1, 2, 3, 5, 16, 17, 100, 1000, 4099}) {
        for (int64_t align : {1, 4, 16, 64}) {
          const std::vector<Call> calls = Record(pool, n, align);
          QVERIFY(!calls.empty());
          QVERIFY(int(calls.size()) <= threads);
          int64_t next = 0;
          std::vector<int> seen(threads, 0);
          int previous_index = -1;
          for (const Call& c : calls) {
            QCOMPARE(c.begin, next);                    // contiguous, nothing skipped or repeated
            QVERIFY(c.end > c.begin);                   // empty chunks are never called
            QVERIFY(c.begin % align == 0);              // boundaries on multiples of align
            QVERIFY(c.end % align == 0 || c.end == n);
            QVERIFY(c.index >= 0 && c.index < threads);
            QVERIFY(c.index > previous_index);          // chunk index follows position
            QCOMPARE(++seen[c.index], 1);
            previous_index = c.index;
            next = c.end;
          }
          QCOMPARE(next, n);
          QCOMPARE(calls.front().index, 0);  // the caller's chunk is never the empty one
        }
      }
    }
  }

  void chunksAreBalanced() {
    ThreadPool pool(3);
    const std::vector<Call> calls = Record(pool, 3000, 16);
    QCOMPARE(int(calls.size()), 3);
    for (const Call& c : calls) QVERIFY(c.end - c.begin >= 1000 - 16 && c.end - c.begin <= 1000 + 16);
  }

  void callerRunsChunkZeroAndWorkersTheRest() {
    ThreadPool pool(4);
    const std::vector<Call> calls = Record(pool, 400, 1);
    QCOMPARE(int(calls.size()), 4);
    for (const Call& c : calls) {
      if (c.index == 0)
        QVERIFY(c.thread == std::this_thread::get_id());
      else
        QVERIFY(c.thread != std::this_thread::get_id());
    }
  }

  void smallJobsRunOnlyNonEmptyChunks() {
    ThreadPool pool(4);
    const std::vector<Call> one = Record(pool, 1, 1);
    QCOMPARE(int(one.size()), 1);
    QCOMPARE(one[0].index, 0);
    QVERIFY(one[0].thread == std::this_thread::get_id());
    QCOMPARE(int(Record(pool, 2, 1).size()), 2);
    QCOMPARE(int(Record(pool, 20, 16).size()), 2);  // two units of 16 for four threads
    QCOMPARE(int(Record(pool, 0, 1).size()), 0);
    QCOMPARE(int(Record(pool, -5, 1).size()), 0);
  }

  void workerExceptionReachesTheCallerAndThePoolSurvives() {
    ThreadPool pool(3);
    for (int thrower : {0, 1, 2}) {
      std::atomic<int> ran{0};
      bool caught = false;
      try {
        pool.ParallelFor(300, 1, [&](int64_t, int64_t, int i) {
          ran.fetch_add(1);
          if (i == thrower) throw std::runtime_error("boom " + std::to_string(i));
        });
      } catch (const std::runtime_error& e) {
        caught = true;
        QCOMPARE(QString(e.what()), QString("boom %1").arg(thrower));
      }
      QVERIFY(caught);
      QCOMPARE(ran.load(), 3);  // the other chunks still ran to the end
      QCOMPARE(int(Record(pool, 300, 1).size()), 3);
    }
  }

  void exceptionFromEveryChunkRethrowsOne() {
    ThreadPool pool(2);
    QVERIFY_THROWS_EXCEPTION(std::logic_error,
                             pool.ParallelFor(10, 1, [](int64_t, int64_t, int) { throw std::logic_error("x"); }));
    QCOMPARE(int(Record(pool, 10, 1).size()), 2);
  }

  void manyBackToBackJobsAllComplete() {
    ThreadPool pool(3);
    std::atomic<int64_t> total{0};
    for (int job = 0; job < 20000; ++job)
      pool.ParallelFor(3, 1, [&](int64_t b, int64_t e, int) { total.fetch_add(e - b); });
    QCOMPARE(total.load(), int64_t(60000));
  }

  // Bursts (spinning between jobs) alternate with sleeping: every job completes, chunks stay the same,
  // exceptions still arrive, and workers that went to sleep come back for the next burst.
  void burstsAndSleepAlternateWithoutLosingJobs() {
    ThreadPool pool(3);
    std::atomic<int64_t> total{0};
    for (int round = 0; round < 50; ++round) {
      {
        const ThreadPool::Burst burst(pool);
        for (int job = 0; job < 200; ++job)
          pool.ParallelFor(3, 1, [&](int64_t b, int64_t e, int) { total.fetch_add(e - b); });
        const std::vector<Call> calls = Record(pool, 100, 16);
        QCOMPARE(int(calls.size()), 3);
        QCOMPARE(calls.back().end, int64_t(100));
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, pool.ParallelFor(3, 1, [](int64_t, int64_t, int i) {
          if (i == 2) throw std::runtime_error("worker");
        }));
      }
      if (round % 10 == 0) std::this_thread::sleep_for(std::chrono::milliseconds(2));  // workers fall asleep
      for (int job = 0; job < 20; ++job)
        pool.ParallelFor(3, 1, [&](int64_t b, int64_t e, int) { total.fetch_add(e - b); });
    }
    QCOMPARE(total.load(), int64_t(50 * 220 * 3));
  }

  void poolDestroyedRightAfterABurst() {
    for (int k = 0; k < 50; ++k) {
      ThreadPool pool(2 + k % 3);
      const ThreadPool::Burst burst(pool);
      pool.ParallelFor(10, 1, [](int64_t, int64_t, int) {});
    }
  }

  void poolsCanBeCreatedAndDestroyedRepeatedly() {
    for (int i = 0; i < 50; ++i) {
      ThreadPool pool(1 + i % 4);
      if (i % 2) QCOMPARE(int(Record(pool, 64, 1).size()), pool.size());
    }
  }
};

QTEST_APPLESS_MAIN(TestThreadPool)
#include "tst_thread_pool.moc"

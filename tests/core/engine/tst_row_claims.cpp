// RowClaims: every row claimed exactly once, whoever claims it; a worker's first pieces are its own share
// from the front, as ParallelFor would split; a worker done early takes pieces of a slower one's share.
#include <QTest>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "core/engine/error.h"
#include "core/engine/row_claims.h"
#include "core/engine/thread_pool.h"

using gemma::RowClaims;
using gemma::ThreadPool;

class TstRowClaims : public QObject {
  Q_OBJECT

 private slots:
  void oneWorkerClaimsItsShareFirstThenEveryOtherRowOnce() {
    RowClaims claims;
    const int64_t rows = 1000, align = 16;
    claims.Reset(3, rows, align, 4);
    std::vector<int> count(rows, 0);
    std::vector<std::pair<int64_t, int64_t>> pieces;
    int64_t begin, end;
    while (claims.Next(1, begin, end)) {
      QVERIFY(begin < end);
      QCOMPARE(begin % align, int64_t(0));
      pieces.push_back({begin, end});
      for (int64_t r = begin; r < end; ++r) ++count[r];
    }
    for (int64_t r = 0; r < rows; ++r) QCOMPARE(count[r], 1);
    // Worker 1's own share, front to back, in pieces of a quarter of it.
    const int64_t own_begin = ThreadPool::ChunkBegin(rows, align, 3, 1);
    const int64_t own_end = ThreadPool::ChunkBegin(rows, align, 3, 2);
    int64_t expected = own_begin;
    for (int k = 0; k < 4; ++k) {
      QCOMPARE(pieces[k].first, expected);
      expected = pieces[k].second;
    }
    QCOMPARE(expected, own_end);
    // Then the others' shares from the back: the last piece taken from worker 2 ends at the last row.
    QCOMPARE(pieces[4].second, rows);
  }

  void onePieceASharesIsTheFixedSplit() {
    RowClaims claims;
    claims.Reset(4, 1000, 16, 1);
    for (int w = 0; w < 4; ++w) {
      int64_t begin, end;
      QVERIFY(claims.Next(w, begin, end));
      QCOMPARE(begin, ThreadPool::ChunkBegin(1000, 16, 4, w));
      QCOMPARE(end, ThreadPool::ChunkBegin(1000, 16, 4, w + 1));
    }
    int64_t begin, end;
    QVERIFY(!claims.Next(0, begin, end));
  }

  void concurrentWorkersClaimEveryRowOnce() {
    RowClaims claims;
    for (int round = 0; round < 300; ++round) {
      const int workers = 2 + round % 3;
      const int64_t rows = 1 + (round * 7919) % 3000;
      claims.Reset(workers, rows, 16, 1 + round % 8);
      std::vector<std::atomic<int>> count(rows);
      std::vector<std::thread> threads;
      for (int w = 0; w < workers; ++w) {
        threads.emplace_back([&, w] {
          int64_t begin, end;
          while (claims.Next(w, begin, end))
            for (int64_t r = begin; r < end; ++r) count[r].fetch_add(1, std::memory_order_relaxed);
        });
      }
      for (std::thread& t : threads) t.join();
      for (int64_t r = 0; r < rows; ++r) QCOMPARE(count[r].load(), 1);
    }
  }

  void aWorkerDoneEarlyHelpsASlowOne() {
    RowClaims claims;
    const int64_t rows = 4096;
    claims.Reset(2, rows, 16, 8);
    std::vector<int> owner(rows, -1);
    std::atomic<bool> started{false};
    std::thread slow([&] {
      int64_t begin, end;
      while (claims.Next(1, begin, end)) {
        for (int64_t r = begin; r < end; ++r) owner[r] = 1;
        started = true;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
    });
    while (!started) std::this_thread::yield();  // the slow worker holds its first piece
    int64_t begin, end;
    while (claims.Next(0, begin, end))
      for (int64_t r = begin; r < end; ++r) owner[r] = 0;
    slow.join();
    // Worker 1's share is the second half; worker 0 must have taken part of it (from its back).
    QCOMPARE(owner[rows / 2], 1);
    QCOMPARE(owner[rows - 1], 0);
    for (int64_t r = 0; r < rows; ++r) QVERIFY(owner[r] == 0 || owner[r] == 1);
  }

  void badSplitsAreRefused() {
    RowClaims claims;
    QVERIFY_THROWS_EXCEPTION(gemma::Error, claims.Reset(0, 10, 16, 1));
    QVERIFY_THROWS_EXCEPTION(gemma::Error, claims.Reset(2, int64_t(1) << 32, 16, 1));
    QVERIFY_THROWS_EXCEPTION(gemma::Error, claims.Reset(2, 10, 0, 1));
  }
};

QTEST_GUILESS_MAIN(TstRowClaims)
#include "tst_row_claims.moc"

// The rows of a matrix product handed out to the pool's workers piece by piece. Each worker starts at the
// front of its own contiguous share, as a fixed split would give it, so it reads one sequential stream (what
// the memory system serves best); a worker whose share is done takes pieces from the back of a share still
// in progress. On a shared machine one core is often slower for a while: in 2B decode passes one thread was
// busy 11% longer than the other, and with a fixed split the faster one waited for it.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>

namespace gemma {

class RowClaims {
 public:
  // Splits [0, rows) into `workers` shares exactly as ThreadPool::ParallelFor(rows, align) would, each
  // handed out in `pieces` pieces (multiples of `align`). Call before the workers start; it allocates only
  // when the pool is larger than ever before.
  void Reset(int workers, int64_t rows, int64_t align, int pieces);

  // The next rows [begin, end) for `worker`: a piece from the front of its own share, else one from the back
  // of another worker's. False once every row is claimed. Each row is claimed exactly once.
  bool Next(int worker, int64_t& begin, int64_t& end);

 private:
  // One share's unclaimed rows [front, back), packed into one word (front low, back high) so that the owner
  // and a thief claim with one compare-and-swap each; one cache line per share, so owners never contend.
  struct alignas(64) Share {
    std::atomic<uint64_t> bounds{0};
    int64_t piece = 1;
  };
  bool TakeFront(Share& share, int64_t& begin, int64_t& end);
  bool TakeBack(Share& share, int64_t& begin, int64_t& end);

  std::unique_ptr<Share[]> shares_;
  int capacity_ = 0, workers_ = 0;
  int64_t align_ = 1;
};

}  // namespace gemma

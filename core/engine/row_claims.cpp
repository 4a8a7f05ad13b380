#include "core/engine/row_claims.h"

#include <algorithm>

#include "core/engine/error.h"
#include "core/engine/thread_pool.h"

namespace gemma {
namespace {

uint64_t Pack(int64_t front, int64_t back) { return uint64_t(front) | (uint64_t(back) << 32); }
int64_t Front(uint64_t bounds) { return int64_t(bounds & 0xFFFFFFFFu); }
int64_t Back(uint64_t bounds) { return int64_t(bounds >> 32); }

}  // namespace

void RowClaims::Reset(int workers, int64_t rows, int64_t align, int pieces) {
  if (workers < 1 || rows < 0 || rows >= (int64_t(1) << 32) || align < 1 || pieces < 1)
    throw Error("RowClaims: bad split");
  if (workers > capacity_) {
    shares_ = std::make_unique<Share[]>(size_t(workers));
    capacity_ = workers;
  }
  workers_ = workers;
  align_ = align;
  for (int w = 0; w < workers; ++w) {
    const int64_t front = ThreadPool::ChunkBegin(rows, align, workers, w);
    const int64_t back = ThreadPool::ChunkBegin(rows, align, workers, w + 1);
    const int64_t units = (back - front + align - 1) / align;
    shares_[w].piece = std::max<int64_t>(1, (units + pieces - 1) / pieces) * align;
    shares_[w].bounds.store(Pack(front, back), std::memory_order_relaxed);
  }
}

bool RowClaims::TakeFront(Share& share, int64_t& begin, int64_t& end) {
  uint64_t bounds = share.bounds.load(std::memory_order_relaxed);
  for (;;) {
    const int64_t front = Front(bounds), back = Back(bounds);
    if (front >= back) return false;
    const int64_t next = std::min(back, front + share.piece);
    if (share.bounds.compare_exchange_weak(bounds, Pack(next, back), std::memory_order_relaxed)) {
      begin = front;
      end = next;
      return true;
    }
  }
}

bool RowClaims::TakeBack(Share& share, int64_t& begin, int64_t& end) {
  uint64_t bounds = share.bounds.load(std::memory_order_relaxed);
  for (;;) {
    const int64_t front = Front(bounds), back = Back(bounds);
    if (front >= back) return false;
    // The last piece starts on a multiple of align_ (the share's end may not be one: the matrix's last row).
    const int64_t last_start = (back - 1) / align_ * align_;
    const int64_t start = std::max(front, last_start - (share.piece - align_));
    if (share.bounds.compare_exchange_weak(bounds, Pack(front, start), std::memory_order_relaxed)) {
      begin = start;
      end = back;
      return true;
    }
  }
}

bool RowClaims::Next(int worker, int64_t& begin, int64_t& end) {
  if (TakeFront(shares_[worker], begin, end)) return true;
  for (int k = 1; k < workers_; ++k)
    if (TakeBack(shares_[(worker + k) % workers_], begin, end)) return true;
  return false;
}

}  // namespace gemma

// Anonymous memory that asks for 2 MB pages (MADV_HUGEPAGE) before it is first touched, for buffers streamed
// the way decoding streams the weights (see core/model/file_mapping.h): the bandwidth measurement, and
// benchmarks' stand-ins for the weights, so that they see the pages the weights get. Where the system refuses
// 2 MB pages it is ordinary memory on 4 KB pages. Contents start as zeros.
#pragma once

#include <cstddef>

namespace gemma {

class HugePageBuffer {
 public:
  explicit HugePageBuffer(size_t bytes);  // throws std::bad_alloc
  ~HugePageBuffer();
  HugePageBuffer(HugePageBuffer&& other) noexcept;
  HugePageBuffer& operator=(HugePageBuffer&& other) noexcept;
  HugePageBuffer(const HugePageBuffer&) = delete;
  HugePageBuffer& operator=(const HugePageBuffer&) = delete;

  // 2 MB aligned; `bytes` long.
  template <typename T>
  T* as() const {
    return static_cast<T*>(data_);
  }
  size_t size() const { return bytes_; }

 private:
  void* base_ = nullptr;  // the whole mapping, with the slack that aligns data_
  size_t mapped_ = 0;
  void* data_ = nullptr;
  size_t bytes_ = 0;
};

}  // namespace gemma

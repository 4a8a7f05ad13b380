// The engine's forward pass against the double-precision reference (tests/support/reference_forward), for
// both attention kinds, both weight types and every kernel path this CPU runs; prefill in one chunk, in
// several chunks, and token by token through the KV cache.
#include <QTest>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdlib>
#include <new>

#include "core/engine/forward.h"
#include "core/engine/kv_cache.h"
#include "core/model/importer.h"
#include "tests/support/reference_check.h"
#include "tests/support/reference_forward.h"
#include "tests/support/tiny_checkpoint.h"
#include "tests/support/tiny_model.h"

using namespace gemma;
using namespace gemma::testing;

// Counts heap allocations, to show that decoding a token allocates nothing (it runs ~100 times a second).
static std::atomic<long> g_allocations{0};
void* operator new(size_t size) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size ? size : 1)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, size_t) noexcept { std::free(p); }

namespace {

struct Case {
  Attention attention;
  WeightType weights;
  KernelPath path;
};

std::vector<Case> AllCases() {
  std::vector<Case> cases;
  for (Attention a : {Attention::kMultiQuery, Attention::kMultiHead})
    for (WeightType w : {WeightType::kF32, WeightType::kInt8})
      for (KernelPath p : SupportedKernelPaths()) cases.push_back({a, w, p});
  return cases;
}

QString Name(const Case& c) {
  return QString("%1/%2/%3")
      .arg(c.attention == Attention::kMultiQuery ? "mqa" : "mha")
      .arg(c.weights == WeightType::kF32 ? "f32" : "int8")
      .arg(KernelPathName(c.path));
}

}  // namespace

class ForwardTest : public QObject {
  Q_OBJECT

 private slots:
  void batchedPrefillMatchesReference_data() { AddRows(); }
  void batchedPrefillMatchesReference() {
    // 150 tokens: more than one ForwardPass::kMaxBatch chunk, so chunk boundaries are covered too.
    Run(150, /*single_steps=*/0);
  }

  void tokenByTokenDecodeMatchesReference_data() { AddRows(); }
  void tokenByTokenDecodeMatchesReference() {
    // The decoded tokens cross position 128, where attention starts a second tile of widened keys and values.
    Run(140, /*single_steps=*/16);
  }

  void paddingRowsAreHarmless() {
    // A table with rows past the tokenizer (as in 256128-row checkpoints) computes logits for every row.
    const TinyModel tiny = MakeTinyModel(Attention::kMultiQuery, 3, /*padding_rows=*/64);
    auto model = BuildModelInMemory(*MakeTinyCheckpoint(tiny), WeightType::kF32);
    QCOMPARE(model->config().vocab_size, model->tokenizer().size() + 64);
    QCOMPARE(model->sampleable_vocab(), model->tokenizer().size());
    Runtime runtime({.threads = 2, .kernels = &KernelsFor(KernelPath::kPortable)});
    KvCache cache(model->config(), 64);
    ForwardPass forward(*model, runtime, 64);
    const std::vector<int> prompt = TinyPrompt(tiny, 10);
    std::vector<float> logits(model->config().vocab_size);
    forward.Run(cache, prompt, 0, logits);
    const auto reference = ReferenceLogits(tiny, prompt);
    const std::string error = CheckLogits(WeightType::kF32, logits.data(), reference.back(), 9);
    QVERIFY2(error.empty(), error.c_str());
  }

  // After the first tokens have sized the scratch buffers, a decoded token allocates nothing on any path and
  // with 1 or 2 threads (the pool's jobs and the kernels' scratch included).
  void decodingATokenAllocatesNothing() {
    const TinyModel tiny = MakeTinyModel(Attention::kMultiQuery, 5);
    for (WeightType w : {WeightType::kInt8, WeightType::kF32}) {
      auto model = BuildModelInMemory(*MakeTinyCheckpoint(tiny), w);
      for (KernelPath p : SupportedKernelPaths()) {
        for (int threads : {1, 2}) {
          Runtime runtime({.threads = threads, .kernels = &KernelsFor(p)});
          KvCache cache(model->config(), 64);
          ForwardPass forward(*model, runtime, 64);
          const std::vector<int> prompt = TinyPrompt(tiny, 40);
          std::vector<float> logits(model->config().vocab_size);
          forward.Run(cache, std::span(prompt).first(20), 0, logits);
          for (int t = 20; t < 24; ++t) forward.Run(cache, std::span(prompt).subspan(t, 1), t, logits);
          const long before = g_allocations.load();
          for (int t = 24; t < 40; ++t) forward.Run(cache, std::span(prompt).subspan(t, 1), t, logits);
          QVERIFY2(g_allocations.load() == before,
                   qPrintable(QString("%1 allocations (%2, %3 threads)").arg(g_allocations.load() - before)
                                  .arg(KernelPathName(p)).arg(threads)));
        }
      }
    }
  }

  void tokenOutsideVocabularyIsAnError() {
    const TinyModel tiny = MakeTinyModel(Attention::kMultiQuery);
    auto model = BuildModelInMemory(*MakeTinyCheckpoint(tiny), WeightType::kF32);
    Runtime runtime({.threads = 1});
    KvCache cache(model->config(), 16);
    ForwardPass forward(*model, runtime, 16);
    std::vector<float> logits(model->config().vocab_size);
    const std::vector<int> bad{2, model->config().vocab_size};
    QVERIFY_THROWS_EXCEPTION(gemma::Error, forward.Run(cache, bad, 0, logits));
    const std::vector<int> too_long(17, 2);
    QVERIFY_THROWS_EXCEPTION(gemma::Error, forward.Run(cache, too_long, 0, logits));
  }

 private:
  void AddRows() {
    QTest::addColumn<int>("index");
    const auto cases = AllCases();
    for (size_t i = 0; i < cases.size(); ++i) QTest::newRow(qPrintable(Name(cases[i]))) << int(i);
  }

  // Prefills `length - single_steps` tokens in one call (all positions' logits), then feeds the rest one at
  // a time; every position is compared with the reference.
  void Run(int length, int single_steps) {
    QFETCH(int, index);
    const Case c = AllCases()[index];
    const TinyModel tiny = MakeTinyModel(c.attention, 11);
    auto model = BuildModelInMemory(*MakeTinyCheckpoint(tiny), c.weights);
    Runtime runtime({.threads = 2, .kernels = &KernelsFor(c.path)});
    const int context = tiny.config.context;
    KvCache cache(model->config(), context);
    ForwardPass forward(*model, runtime, context);
    const std::vector<int> prompt = TinyPrompt(tiny, length);
    const auto reference = ReferenceLogits(tiny, prompt);
    const size_t vocab = model->config().vocab_size;

    const int batched = length - single_steps;
    std::vector<float> logits(batched * vocab);
    forward.Run(cache, std::span(prompt).first(batched), 0, logits, /*all_positions=*/true);
    for (int t = 0; t < batched; ++t) {
      const std::string error = CheckLogits(c.weights, logits.data() + t * vocab, reference[t], t);
      QVERIFY2(error.empty(), error.c_str());
    }
    for (int t = batched; t < length; ++t) {
      forward.Run(cache, std::span(prompt).subspan(t, 1), t, std::span(logits).first(vocab));
      const std::string error = CheckLogits(c.weights, logits.data(), reference[t], t);
      QVERIFY2(error.empty(), error.c_str());
    }
  }
};

QTEST_GUILESS_MAIN(ForwardTest)
#include "tst_forward.moc"

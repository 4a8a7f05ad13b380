// Sampler: greedy is the argmax, top-k/top-p/min-p exclude what they must, draw frequencies follow the
// softmax, a seed reproduces its draws, ids past the vocabulary are never chosen, the repetition penalty can
// change the greedy choice, and after the first call sampling allocates nothing.
#include <QTest>
#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdlib>
#include <functional>
#include <new>
#include <random>
#include <vector>

#include "core/engine/error.h"
#include "core/engine/sampler.h"

// Counts every allocation of the process, to check that Sample allocates nothing after its first call.
namespace {
std::atomic<long> g_allocations{0};
}
void* operator new(std::size_t size) {
  ++g_allocations;
  if (void* p = std::malloc(size ? size : 1)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

namespace {

using gemma::Sampler;
using gemma::SamplingParams;

// Logits whose softmax at temperature 1 is exactly `probs`.
std::vector<float> LogitsOf(const std::vector<double>& probs) {
  std::vector<float> logits;
  for (double p : probs) logits.push_back(float(std::log(p)));
  return logits;
}

std::vector<float> RandomLogits(int n, uint64_t seed, double scale = 3.0) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal(0.0, scale);
  std::vector<float> logits(static_cast<size_t>(n));
  for (float& l : logits) l = float(normal(rng));
  return logits;
}

// Draw counts per id over `draws` samples; every draw gets a fresh copy of the logits.
std::vector<int> Histogram(Sampler& sampler, const std::vector<float>& logits, int draws, int vocab_limit = -1) {
  std::vector<int> counts(logits.size());
  std::vector<float> scratch;
  for (int i = 0; i < draws; ++i) {
    scratch = logits;
    const int id = sampler.Sample(scratch, vocab_limit < 0 ? int(logits.size()) : vocab_limit, {});
    if (id < 0 || id >= int(logits.size())) qFatal("sampled id %d out of range", id);
    ++counts[size_t(id)];
  }
  return counts;
}

SamplingParams Params(float temperature, int top_k = 0, float top_p = 1.0f, float min_p = 0.0f,
                      uint64_t seed = 1) {
  SamplingParams p;
  p.temperature = temperature;
  p.top_k = top_k;
  p.top_p = top_p;
  p.min_p = min_p;
  p.seed = seed;
  return p;
}

}  // namespace

class TestSampler : public QObject {
  Q_OBJECT

 private slots:
  void greedyIsTheArgmax() {
    Sampler sampler(Params(0.0f));
    for (uint64_t seed = 1; seed <= 20; ++seed) {
      std::vector<float> logits = RandomLogits(1000, seed);
      int argmax = 0;
      for (int i = 1; i < 1000; ++i) {
        if (logits[size_t(i)] > logits[size_t(argmax)]) argmax = i;
      }
      QCOMPARE(sampler.Sample(logits, 1000, {}), argmax);
    }
  }

  void greedyTiesGoToTheLowestId() {
    Sampler sampler(Params(0.0f));
    std::vector<float> logits{0.0f, 1.0f, 3.0f, -1.0f, 3.0f, 3.0f};
    QCOMPARE(sampler.Sample(logits, 6, {}), 2);
    std::vector<float> flat(50, 0.25f);
    QCOMPARE(sampler.Sample(flat, 50, {}), 0);
  }

  void topKOneIsGreedyAtAnyTemperature() {
    const std::vector<float> logits = RandomLogits(500, 3, 1.0);
    Sampler greedy(Params(0.0f));
    std::vector<float> copy = logits;
    const int argmax = greedy.Sample(copy, 500, {});
    for (float temperature : {0.1f, 1.0f, 5.0f, 1000.0f}) {
      Sampler sampler(Params(temperature, 1));
      const std::vector<int> counts = Histogram(sampler, logits, 300);
      QCOMPARE(counts[size_t(argmax)], 300);
    }
  }

  void topPKeepsTheSmallestSetReachingIt() {
    const std::vector<float> logits = LogitsOf({0.5, 0.3, 0.15, 0.05});
    {
      // 0.5 < 0.7 <= 0.5 + 0.3: ids 0 and 1, renormalized to 0.625 and 0.375.
      Sampler sampler(Params(1.0f, 0, 0.7f));
      const std::vector<int> counts = Histogram(sampler, logits, 10000);
      QCOMPARE(counts[2] + counts[3], 0);
      QVERIFY(std::abs(counts[0] / 10000.0 - 0.625) < 0.03);
    }
    {
      Sampler sampler(Params(1.0f, 0, 0.9f));  // 0.8 < 0.9 <= 0.95: ids 0, 1, 2
      const std::vector<int> counts = Histogram(sampler, logits, 10000);
      QCOMPARE(counts[3], 0);
      QVERIFY(counts[2] > 0);
    }
    {
      Sampler sampler(Params(1.0f, 0, 0.01f));  // never less than one token
      QCOMPARE(Histogram(sampler, logits, 1000)[0], 1000);
    }
  }

  void topPWorksOnAProbabilityOfTheTopK() {
    // After top-k = 2 the distribution is 0.625 / 0.375, so top-p 0.6 keeps only id 0.
    Sampler sampler(Params(1.0f, 2, 0.6f));
    QCOMPARE(Histogram(sampler, LogitsOf({0.5, 0.3, 0.15, 0.05}), 1000)[0], 1000);
  }

  void topPOverALargeFlatVocabulary() {
    // 2000 equally likely tokens and top-p 0.5: 1000 of them stay (equal odds go to the lower id first).
    // (The sorted prefix has to grow several times here.)
    std::vector<float> logits(2000, 0.0f);
    Sampler sampler(Params(1.0f, 0, 0.5f));
    const std::vector<int> counts = Histogram(sampler, logits, 10000);  // about 10 draws per kept token
    int seen = 0;
    for (int id = 0; id < 2000; ++id) {
      if (counts[size_t(id)] > 0) {
        ++seen;
        QVERIFY2(id < 1000, "a token outside the top-p set was drawn");
      }
    }
    QVERIFY(seen > 990);
  }

  void topPMatchesABruteForceReference_data() {
    QTest::addColumn<double>("scale");
    QTest::addColumn<float>("top_p");
    QTest::newRow("spread out, 0.6") << 2.0 << 0.6f;
    QTest::newRow("spread out, 0.95") << 2.0 << 0.95f;
    QTest::newRow("nearly flat, 0.5") << 0.05 << 0.5f;  // one probability bucket: the quickselect decides
    QTest::newRow("peaked, 0.9") << 8.0 << 0.9f;
  }
  void topPMatchesABruteForceReference() {
    QFETCH(double, scale);
    QFETCH(float, top_p);
    constexpr int kVocab = 2000, kDraws = 10000;
    const std::vector<float> logits = RandomLogits(kVocab, 21, scale);
    // The reference: sort every token by probability (double), keep the smallest prefix reaching top_p.
    std::vector<int> order(kVocab);
    for (int i = 0; i < kVocab; ++i) order[size_t(i)] = i;
    std::sort(order.begin(), order.end(), [&](int a, int b) { return logits[size_t(a)] > logits[size_t(b)]; });
    const double max = logits[size_t(order[0])];
    double z = 0;
    for (float l : logits) z += std::exp(double(l) - max);
    std::vector<bool> in_set(kVocab, false);
    double cumulative = 0, set_mass = 0;
    for (int id : order) {
      const double p = std::exp(double(logits[size_t(id)]) - max) / z;
      in_set[size_t(id)] = true;
      set_mass += p;
      if ((cumulative += p) >= top_p) break;
    }
    Sampler sampler(Params(1.0f, 0, top_p, 0.0f, 99));
    const std::vector<int> counts = Histogram(sampler, logits, kDraws);
    for (int id = 0; id < kVocab; ++id) {
      if (counts[size_t(id)] > 0) QVERIFY2(in_set[size_t(id)], qPrintable(QString("id %1 drawn").arg(id)));
      // A member expected 15 times or more is missed with probability below e^-15: the set is not too small.
      const double expected = kDraws * std::exp(double(logits[size_t(id)]) - max) / z / set_mass;
      if (in_set[size_t(id)] && expected >= 15) {
        QVERIFY2(counts[size_t(id)] > 0, qPrintable(QString("id %1 never drawn").arg(id)));
      }
    }
    const double p_best = 1.0 / z / set_mass;  // the best token's share of the renormalized set
    const double observed = counts[size_t(order[0])] / double(kDraws);
    QVERIFY(std::abs(observed - p_best) <= 5 * std::sqrt(p_best * (1 - p_best) / kDraws) + 0.002);
  }

  void minPExcludesUnlikelyTokens() {
    const std::vector<float> logits = LogitsOf({0.4, 0.3, 0.2, 0.1});
    Sampler sampler(Params(1.0f, 0, 1.0f, 0.6f));  // keeps p >= 0.24: ids 0 and 1
    const std::vector<int> counts = Histogram(sampler, logits, 10000);
    QCOMPARE(counts[2] + counts[3], 0);
    QVERIFY(std::abs(counts[0] / 10000.0 - 0.4 / 0.7) < 0.03);
    Sampler everything(Params(1.0f, 0, 1.0f, 0.2f));  // keeps p >= 0.08: all four
    QVERIFY(Histogram(everything, logits, 10000)[3] > 0);
  }

  void frequenciesFollowTheSoftmax_data() {
    QTest::addColumn<float>("temperature");
    QTest::addColumn<int>("top_k");
    QTest::newRow("T=1") << 1.0f << 0;
    QTest::newRow("T=0.7") << 0.7f << 0;
    QTest::newRow("T=2") << 2.0f << 0;
    QTest::newRow("T=0.7, top-k 4") << 0.7f << 4;
  }
  void frequenciesFollowTheSoftmax() {
    QFETCH(float, temperature);
    QFETCH(int, top_k);
    const std::vector<float> logits{1.0f, 0.5f, 0.0f, -0.5f, -1.0f, 2.0f, 1.5f, -3.0f};
    // The expected distribution, computed here in double: softmax(l / T) over the top-k logits.
    std::vector<double> expected(logits.size());
    std::vector<float> sorted = logits;
    std::sort(sorted.begin(), sorted.end(), std::greater<>());
    const float cutoff = top_k > 0 ? sorted[size_t(top_k - 1)] : -INFINITY;
    double z = 0;
    for (size_t i = 0; i < logits.size(); ++i) {
      expected[i] = logits[i] >= cutoff ? std::exp(double(logits[i]) / temperature) : 0.0;
      z += expected[i];
    }
    for (double& p : expected) p /= z;
    constexpr int kDraws = 10000;
    Sampler sampler(Params(temperature, top_k, 1.0f, 0.0f, 12345));
    const std::vector<int> counts = Histogram(sampler, logits, kDraws);
    for (size_t i = 0; i < logits.size(); ++i) {
      const double p = expected[i];
      const double observed = counts[i] / double(kDraws);
      const double bound = 5 * std::sqrt(p * (1 - p) / kDraws) + 0.002;  // five standard deviations
      QVERIFY2(std::abs(observed - p) <= bound,
               qPrintable(QString("id %1: observed %2, softmax %3").arg(i).arg(observed).arg(p)));
      if (p == 0) QCOMPARE(counts[i], 0);
    }
  }

  void theSeedReproducesItsDraws() {
    const std::vector<float> logits = RandomLogits(300, 9, 1.0);
    auto draws = [&](uint64_t seed) {
      Sampler sampler(Params(1.0f, 50, 0.95f, 0.01f, seed));
      std::vector<int> ids;
      std::vector<float> scratch;
      for (int i = 0; i < 200; ++i) ids.push_back(sampler.Sample(scratch = logits, 300, {}));
      return ids;
    };
    QCOMPARE(draws(7), draws(7));
    QVERIFY(draws(7) != draws(8));
  }

  void idsAtOrPastTheVocabularyLimitAreNeverChosen() {
    // The padding rows get by far the best logits; they must still never be drawn.
    std::vector<float> logits = RandomLogits(120, 5, 1.0);
    for (size_t i = 100; i < 120; ++i) logits[i] = 50.0f;
    Sampler greedy(Params(0.0f));
    std::vector<float> copy = logits;
    QVERIFY(greedy.Sample(copy, 100, {}) < 100);
    for (float temperature : {0.5f, 1.0f, 10.0f}) {
      Sampler sampler(Params(temperature));
      const std::vector<int> counts = Histogram(sampler, logits, 2000, 100);
      for (size_t i = 100; i < 120; ++i) QCOMPARE(counts[i], 0);
    }
    // A limit past the logits is clamped to them.
    Sampler sampler(Params(1.0f));
    std::vector<float> short_logits{0.0f, 1.0f};
    QVERIFY(sampler.Sample(short_logits, 1000, {}) < 2);
  }

  void repetitionPenaltyCanChangeTheGreedyChoice() {
    SamplingParams params = Params(0.0f);
    params.repetition_penalty = 1.5f;
    params.repetition_window = 4;
    Sampler sampler(params);
    const std::vector<float> positive{0.0f, 1.0f, 2.0f, 5.0f, 0.5f, 0.0f, 0.0f, 4.0f};
    std::vector<float> logits = positive;
    QCOMPARE(Sampler(Params(0.0f)).Sample(logits, 8, std::vector<int>{3}), 3);  // no penalty: 3 wins
    logits = positive;
    QCOMPARE(sampler.Sample(logits, 8, std::vector<int>{3}), 7);  // 5 / 1.5 < 4
    QCOMPARE(logits[3], 5.0f / 1.5f);                            // logits are changed in place
    // Negative logits are multiplied, which also lowers them.
    std::vector<float> negative{-3.0f, -3.0f, -1.0f, -3.0f, -1.2f};
    QCOMPARE(sampler.Sample(negative, 5, std::vector<int>{2}), 4);  // -1.5 < -1.2
    // Only the last repetition_window ids count.
    logits = positive;
    QCOMPARE(sampler.Sample(logits, 8, std::vector<int>{3, 0, 1, 2, 5}), 3);
    // An id repeated in the window is penalized once: 5 / 1.2 = 4.17 still beats 4, 5 / 1.2^3 = 2.9 would not.
    SamplingParams mild = params;
    mild.repetition_penalty = 1.2f;
    Sampler mild_sampler(mild);
    logits = positive;
    QCOMPARE(mild_sampler.Sample(logits, 8, std::vector<int>{3, 3, 3}), 3);
    mild.repetition_window = 1 << 20;  // a long history too
    Sampler long_window(mild);
    logits = positive;
    QCOMPARE(long_window.Sample(logits, 8, std::vector<int>(5000, 3)), 3);
    QCOMPARE(logits[3], 5.0f / 1.2f);
    // Ids outside the vocabulary in the history are ignored.
    logits = positive;
    QCOMPARE(sampler.Sample(logits, 8, std::vector<int>{-1, 8, 1000}), 3);
  }

  void repetitionPenaltyAppliesBeforeSampling() {
    SamplingParams params = Params(1.0f, 1);  // top-k 1: the penalized best must lose
    params.repetition_penalty = 2.0f;
    Sampler sampler(params);
    std::vector<float> logits{3.0f, 2.0f, 0.0f};
    QCOMPARE(sampler.Sample(logits, 3, std::vector<int>{0}), 1);
  }

  void badLogitsAndSettingsThrow() {
    Sampler sampler(Params(1.0f));
    std::vector<float> nan(4, NAN);
    QVERIFY_THROWS_EXCEPTION(gemma::Error, sampler.Sample(nan, 4, {}));
    std::vector<float> masked(4, -INFINITY);
    QVERIFY_THROWS_EXCEPTION(gemma::Error, Sampler(Params(0.0f)).Sample(masked, 4, {}));
    std::vector<float> some{1.0f};
    QVERIFY_THROWS_EXCEPTION(gemma::Error, sampler.Sample(some, 0, {}));
    QVERIFY_THROWS_EXCEPTION(gemma::Error, sampler.Sample(std::span<float>(), 10, {}));
    // NaN among good logits is never chosen; +infinity wins outright.
    std::vector<float> mixed{NAN, 0.0f, NAN, 1.0f};
    for (int i = 0; i < 100; ++i) {
      std::vector<float> copy = mixed;
      const int id = sampler.Sample(copy, 4, {});
      QVERIFY(id == 1 || id == 3);
    }
    std::vector<float> infinite{0.0f, INFINITY, 5.0f};
    QCOMPARE(sampler.Sample(infinite, 3, {}), 1);

    auto with = [](auto change) {
      SamplingParams p;
      change(p);
      return p;
    };
    QVERIFY_THROWS_EXCEPTION(gemma::Error, Sampler(with([](auto& p) { p.temperature = -1; })));
    QVERIFY_THROWS_EXCEPTION(gemma::Error, Sampler(with([](auto& p) { p.temperature = NAN; })));
    QVERIFY_THROWS_EXCEPTION(gemma::Error, Sampler(with([](auto& p) { p.top_k = -1; })));
    QVERIFY_THROWS_EXCEPTION(gemma::Error, Sampler(with([](auto& p) { p.top_p = 0; })));
    QVERIFY_THROWS_EXCEPTION(gemma::Error, Sampler(with([](auto& p) { p.top_p = 1.5f; })));
    QVERIFY_THROWS_EXCEPTION(gemma::Error, Sampler(with([](auto& p) { p.min_p = -0.1f; })));
    QVERIFY_THROWS_EXCEPTION(gemma::Error, Sampler(with([](auto& p) { p.min_p = 2; })));
    QVERIFY_THROWS_EXCEPTION(gemma::Error, Sampler(with([](auto& p) { p.repetition_penalty = 0; })));
    QVERIFY_THROWS_EXCEPTION(gemma::Error, Sampler(with([](auto& p) { p.repetition_window = -1; })));
  }

  void samplingAllocatesNothingAfterTheFirstCall() {
    SamplingParams params = Params(0.8f, 40, 0.9f, 0.05f);
    params.repetition_penalty = 1.1f;
    Sampler sampler(params);
    const std::vector<float> logits = RandomLogits(32000, 11, 2.0);
    std::vector<float> scratch = logits;
    const std::vector<int> recent{1, 2, 3, 4, 5, 6, 7};
    sampler.Sample(scratch, 32000, recent);
    SamplingParams no_k = Params(1.0f, 0, 0.95f);
    Sampler flat_sampler(no_k);
    std::vector<float> flat(32000, 0.0f);
    std::vector<float> flat_scratch = flat;
    flat_sampler.Sample(flat_scratch, 32000, recent);  // the first call sizes the buffers

    const long before = g_allocations.load();
    for (int i = 0; i < 50; ++i) {
      std::copy(logits.begin(), logits.end(), scratch.begin());
      sampler.Sample(scratch, 32000, recent);
      std::copy(flat.begin(), flat.end(), flat_scratch.begin());
      flat_sampler.Sample(flat_scratch, 32000, recent);
    }
    const long allocations = g_allocations.load() - before;
    QCOMPARE(allocations, 0L);
  }
};

QTEST_APPLESS_MAIN(TestSampler)
#include "tst_sampler.moc"

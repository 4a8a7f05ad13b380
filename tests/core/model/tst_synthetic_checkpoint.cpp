// The synthetic checkpoint: deterministic per seed, the same values whatever rows are asked for, and
// distributed as documented (matrices N(0, 1/in), norm multipliers near 1).
#include <QtTest>

#include <cmath>
#include <vector>

#include "core/engine/error.h"
#include "core/model/synthetic_checkpoint.h"
#include "tests/support/tiny_model.h"

class TestSyntheticCheckpoint : public QObject {
  Q_OBJECT

 private:
  gemma::ModelConfig config_{.vocab_size = 1000, .hidden = 256, .layers = 2, .heads = 2, .kv_heads = 1,
                             .head_dim = 64, .ffn = 512, .context = 128};

 private slots:
  void describesItself() {
    auto c = gemma::MakeSyntheticCheckpoint(gemma::Gemma2B(), 9, "tokenizer bytes");
    QVERIFY(c->config() == gemma::Gemma2B());
    QCOMPARE(c->info().name, std::string("synthetic-2b"));
    QVERIFY(c->info().source.find("seed 9") != std::string::npos);
    QCOMPARE(c->tokenizer_model(), std::string("tokenizer bytes"));
  }

  void sameSeedSameValuesOtherSeedOthers() {
    auto a = gemma::MakeSyntheticCheckpoint(config_, 1, "");
    auto b = gemma::MakeSyntheticCheckpoint(config_, 1, "");
    auto c = gemma::MakeSyntheticCheckpoint(config_, 2, "");
    std::vector<float> x(3 * 256), y(3 * 256), z(3 * 256);
    a->ReadRows("model.layers.1.self_attn.q_proj.weight", 5, 3, x.data());
    b->ReadRows("model.layers.1.self_attn.q_proj.weight", 5, 3, y.data());
    c->ReadRows("model.layers.1.self_attn.q_proj.weight", 5, 3, z.data());
    QVERIFY(x == y);
    QVERIFY(x != z);
    // Different tensors of one checkpoint differ too.
    a->ReadRows("model.layers.1.self_attn.o_proj.weight", 5, 3, y.data());
    QVERIFY(x != y);
  }

  void rowsDoNotDependOnTheChunking() {
    auto c = gemma::MakeSyntheticCheckpoint(config_, 4, "");
    std::vector<float> all(10 * 256), part(4 * 256);
    c->ReadRows("model.embed_tokens.weight", 0, 10, all.data());
    c->ReadRows("model.embed_tokens.weight", 6, 4, part.data());
    QVERIFY(std::equal(part.begin(), part.end(), all.begin() + 6 * 256));
  }

  void valuesHaveTheDocumentedDistribution() {
    auto c = gemma::MakeSyntheticCheckpoint(config_, 7, "");
    std::vector<float> down(256 * 512);
    c->ReadRows("model.layers.0.mlp.down_proj.weight", 0, 256, down.data());  // in = 512
    double sum = 0, sum2 = 0;
    for (float v : down) sum += v, sum2 += double(v) * v;
    const double mean = sum / down.size(), stddev = std::sqrt(sum2 / down.size() - mean * mean);
    QVERIFY2(std::fabs(mean) < 0.002, qPrintable(QString::number(mean)));
    QVERIFY2(std::fabs(stddev * std::sqrt(512.0) - 1) < 0.02, qPrintable(QString::number(stddev)));

    std::vector<float> norm(256);
    c->ReadRows("model.norm.weight", 0, 1, norm.data());
    sum = sum2 = 0;
    for (float v : norm) sum += v, sum2 += double(v) * v;
    const double norm_mean = sum / 256, norm_stddev = std::sqrt(sum2 / 256 - norm_mean * norm_mean);
    QVERIFY2(std::fabs(norm_mean - 1) < 0.03, qPrintable(QString::number(norm_mean)));
    QVERIFY2(norm_stddev > 0.07 && norm_stddev < 0.13, qPrintable(QString::number(norm_stddev)));
  }

  void badRequestsThrow() {
    auto c = gemma::MakeSyntheticCheckpoint(config_, 1, "");
    std::vector<float> out(256);
    QVERIFY_THROWS_EXCEPTION(gemma::Error, c->ReadRows("lm_head.weight", 0, 1, out.data()));
    QVERIFY_THROWS_EXCEPTION(gemma::Error, c->ReadRows("model.norm.weight", 1, 1, out.data()));
    QVERIFY_THROWS_EXCEPTION(gemma::Error, c->ReadRows("model.embed_tokens.weight", 999, 2, out.data()));
    QVERIFY_THROWS_EXCEPTION(gemma::Error, c->ReadRows("model.embed_tokens.weight", -1, 1, out.data()));
    gemma::ModelConfig bad = config_;
    bad.kv_heads = 3;
    QVERIFY_THROWS_EXCEPTION(gemma::Error, gemma::MakeSyntheticCheckpoint(bad, 1, ""));
  }
};

QTEST_APPLESS_MAIN(TestSyntheticCheckpoint)
#include "tst_synthetic_checkpoint.moc"

#include "forward.h"

#include <cblas.h>

#include <Eigen/Core>
#include <algorithm>
#include <cmath>

#include "error.h"

namespace gemma {
namespace {

// y = x * rsqrt(mean(x^2) + eps) * multiplier, the multiplier being (1 + w) of the checkpoint; fp32.
void RmsNorm(const float* x, const float* multiplier, int rows, int dim, float eps, float* y) {
  const Eigen::Map<const Eigen::ArrayXf> m(multiplier, dim);
  for (int r = 0; r < rows; ++r) {
    const Eigen::Map<const Eigen::ArrayXf> in(x + size_t(r) * dim, dim);
    const float inv_rms = 1.0f / std::sqrt(in.square().mean() + eps);
    Eigen::Map<Eigen::ArrayXf>(y + size_t(r) * dim, dim) = in * inv_rms * m;
  }
}

void AddInPlace(float* acc, const float* x, size_t n) {
  Eigen::Map<Eigen::ArrayXf>(acc, n) += Eigen::Map<const Eigen::ArrayXf>(x, n);
}

// gelu_tanh(gate) * up, in place in gate. The tanh approximation always, whatever config.json says.
void GeGlu(float* gate, const float* up, size_t n) {
  Eigen::Map<Eigen::ArrayXf> g(gate, n);
  const Eigen::Map<const Eigen::ArrayXf> u(up, n);
  const float k = std::sqrt(2.0f / float(M_PI));
  g = 0.5f * g * (1.0f + (k * (g + 0.044715f * g.cube())).tanh()) * u;
}

// Half-split RoPE ("rotate_half"): pairs (x[i], x[i + d/2]) rotated by the angle of position and i.
void ApplyRope(float* x, int heads, int head_dim, const float* cos, const float* sin) {
  const int half = head_dim / 2;
  for (int h = 0; h < heads; ++h) {
    float* v = x + size_t(h) * head_dim;
    for (int i = 0; i < half; ++i) {
      const float a = v[i], b = v[i + half];
      v[i] = a * cos[i] - b * sin[i];
      v[i + half] = b * cos[i] + a * sin[i];
    }
  }
}

}  // namespace

ForwardPass::ForwardPass(const Model& model, Runtime& runtime, int context)
    : model_(model), config_(model.config()), runtime_(runtime) {
  const size_t b = kMaxBatch;
  residual_.resize(b * config_.hidden);
  normed_.resize(b * config_.hidden);
  proj_.resize(b * config_.hidden);
  q_.resize(b * config_.q_dim());
  attn_.resize(b * config_.q_dim());
  gate_.resize(b * config_.ffn);
  up_.resize(b * config_.ffn);
  rope_cos_.resize(b * config_.head_dim / 2);
  rope_sin_.resize(b * config_.head_dim / 2);
  k_.resize(b * config_.kv_dim());
  v_.resize(b * config_.kv_dim());
  // Each worker's scores for up to kMaxBatch query rows over the whole context, and its tile of keys or
  // values widened to floats, allocated once.
  scores_.assign(runtime.threads(), std::vector<float>(size_t(kMaxBatch) * context));
  kv_tiles_.assign(runtime.threads(), std::vector<float>(size_t(kKvTile) * config_.head_dim));
  inv_freq_.resize(config_.head_dim / 2);
  for (int i = 0; i < config_.head_dim / 2; ++i)
    inv_freq_[i] = float(std::pow(double(config_.rope_theta), -2.0 * i / config_.head_dim));
}

void ForwardPass::Run(KvCache& cache, std::span<const int> tokens, int start, std::span<float> logits,
                      bool all_positions) {
  const int n = int(tokens.size());
  const size_t vocab = config_.vocab_size;
  if (n == 0) throw Error("nothing to run: no tokens");
  if (start < 0 || start + n > cache.context())
    throw Error("the conversation does not fit in the context of " + std::to_string(cache.context()) + " tokens");
  if (!logits.empty() && logits.size() < (all_positions ? n * vocab : vocab)) throw Error("logits buffer too small");
  // ~100 short pool jobs per token follow each other: the workers spin between them.
  const ThreadPool::Burst burst(runtime_.pool());
  for (int done = 0; done < n; done += kMaxBatch) {
    const int count = std::min(kMaxBatch, n - done);
    const bool last_chunk = done + count == n;
    float* out = logits.empty() ? nullptr
                 : all_positions ? logits.data() + done * vocab
                 : last_chunk ? logits.data() : nullptr;
    RunBatch(cache, tokens.subspan(done, count), start + done, out, all_positions);
  }
}

void ForwardPass::RunBatch(KvCache& cache, std::span<const int> tokens, int start, float* logits,
                           bool all_positions) {
  const int n = int(tokens.size());
  const int H = config_.hidden;
  const Kernels& kernels = runtime_.kernels();
  ThreadPool& pool = runtime_.pool();
  const int64_t kv_dim = config_.kv_dim();

  Embed(tokens);
  ComputeRopeTable(n, start);
  for (int layer = 0; layer < config_.layers; ++layer) {
    const LayerWeights& w = model_.weights().layers[layer];
    // Attention block. Keys are rotated in floats, then keys and values go into the cache as halves: the
    // positions [start, start + n) of a layer are consecutive rows there.
    RmsNorm(residual_.data(), w.attn_norm, n, H, config_.rms_eps, normed_.data());
    const MatMulTarget qkv[] = {{&w.q, q_.data()}, {&w.k, k_.data()}, {&w.v, v_.data()}};
    MatMulEach(kernels, pool, qkv, normed_.data(), n, matmul_scratch_);
    const int half = config_.head_dim / 2;
    for (int t = 0; t < n; ++t) {
      ApplyRope(q_.data() + size_t(t) * config_.q_dim(), config_.heads, config_.head_dim,
                rope_cos_.data() + t * half, rope_sin_.data() + t * half);
      ApplyRope(k_.data() + t * kv_dim, config_.kv_heads, config_.head_dim, rope_cos_.data() + t * half,
                rope_sin_.data() + t * half);
    }
    kernels.halves_from_floats(k_.data(), n * kv_dim, cache.keys(layer, start));
    kernels.halves_from_floats(v_.data(), n * kv_dim, cache.values(layer, start));
    Attention(layer, cache, n, start);
    MatMul(kernels, pool, w.o, attn_.data(), n, proj_.data(), matmul_scratch_);
    AddInPlace(residual_.data(), proj_.data(), size_t(n) * H);

    // MLP block, after post_attention_layernorm.
    RmsNorm(residual_.data(), w.ffn_norm, n, H, config_.rms_eps, normed_.data());
    Mlp(w, n);
    AddInPlace(residual_.data(), proj_.data(), size_t(n) * H);
  }

  if (!logits) return;
  // Output head: tied to the unscaled embedding; only the rows asked for.
  const int first = all_positions ? 0 : n - 1;
  const int rows = n - first;
  RmsNorm(residual_.data() + size_t(first) * H, model_.weights().final_norm, rows, H, config_.rms_eps,
          normed_.data());
  MatMul(kernels, pool, model_.weights().embedding, normed_.data(), rows, logits, matmul_scratch_);
}

void ForwardPass::Embed(std::span<const int> tokens) {
  const int H = config_.hidden;
  const float scale = std::sqrt(float(H));  // the input only; fp32-exact as in the float reference
  for (size_t t = 0; t < tokens.size(); ++t) {
    const int id = tokens[t];
    if (id < 0 || id >= config_.vocab_size)
      throw Error("token id " + std::to_string(id) + " is outside the vocabulary of " +
                  std::to_string(config_.vocab_size));
    float* row = residual_.data() + t * H;
    DequantizeRow(model_.weights().embedding, id, row);
    Eigen::Map<Eigen::ArrayXf>(row, H) *= scale;
  }
}

void ForwardPass::ComputeRopeTable(int n, int start) {
  const int half = config_.head_dim / 2;
  for (int t = 0; t < n; ++t) {
    for (int i = 0; i < half; ++i) {
      const double angle = double(start + t) * inv_freq_[i];  // double: positions reach 8192
      rope_cos_[t * half + i] = float(std::cos(angle));
      rope_sin_[t * half + i] = float(std::sin(angle));
    }
  }
}

// Causal attention of the n new queries over every cached position. Query rows that share a kv head go
// through single-threaded OpenBLAS products (scores = Q K^T, out = P V, a tile of positions each), split
// over the pool:
//  - one kv head (the 2B's multi-query attention): q_ is [n * heads, head_dim] and every row reads the same
//    keys, so the pool splits those rows, and each worker reads the keys and values once for all its heads;
//  - several kv heads: one task per query head, its n rows strided by q_dim, reading kv head h / group.
void ForwardPass::Attention(int layer, KvCache& cache, int n, int start) {
  // The lambda captures one pointer, so std::function keeps it in place: no allocation per layer.
  struct Job {
    ForwardPass* self;
    KvCache* cache;
    int layer, n, start;
  } job{this, &cache, layer, n, start};
  const bool one_kv_head = config_.kv_heads == 1;
  const int64_t units = one_kv_head ? int64_t(n) * config_.heads : config_.heads;
  runtime_.pool().ParallelFor(units, 1, [j = &job, one_kv_head](int64_t begin, int64_t end, int worker) {
    ForwardPass& f = *j->self;
    const ModelConfig& c = f.config_;
    if (one_kv_head) {
      for (int64_t row = begin; row < end; row += kMaxBatch) {
        const QueryRows rows{.offset = row * c.head_dim, .stride = c.head_dim, .first = int(row),
                             .count = int(std::min<int64_t>(kMaxBatch, end - row)), .per_token = c.heads};
        f.AttendRows(*j->cache, j->layer, j->start, /*kv_head=*/0, rows, worker);
      }
    } else {
      for (int64_t head = begin; head < end; ++head) {
        const QueryRows rows{.offset = head * c.head_dim, .stride = c.q_dim(), .first = 0, .count = j->n,
                             .per_token = 1};
        f.AttendRows(*j->cache, j->layer, j->start, int(head) / (c.heads / c.kv_heads), rows, worker);
      }
    }
  });
}

// Positions [first, first + count) of one kv head's keys or values (halves, rows kv_dim apart) as floats in
// tile [count, head_dim].
void ForwardPass::WidenTile(const KvCache::Half* head, int first, int count, float* tile) const {
  const int hd = config_.head_dim;
  const int64_t kv_dim = config_.kv_dim();
  for (int p = 0; p < count; ++p)
    runtime_.kernels().floats_from_halves(head + (first + p) * kv_dim, hd, tile + int64_t(p) * hd);
}

// Attention for some query rows (at most kMaxBatch), all reading kv head `kv_head`; their outputs go to the
// same places in attn_ as the rows have in q_. The cached halves are widened kKvTile positions at a time into
// this worker's tile, which stays in its cache for the product that reads it.
void ForwardPass::AttendRows(KvCache& cache, int layer, int start, int kv_head, const QueryRows& rows, int worker) {
  const int hd = config_.head_dim;
  const auto token = [&](int i) { return (rows.first + i) / rows.per_token; };
  const int positions = start + token(rows.count - 1) + 1;  // later positions are masked for every row here
  float* scores = scores_[worker].data();
  float* tile = kv_tiles_[worker].data();
  for (int first = 0; first < positions; first += kKvTile) {
    const int count = std::min(kKvTile, positions - first);
    WidenTile(cache.keys(layer, 0) + kv_head * hd, first, count, tile);
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, rows.count, count, hd, 1.0f / std::sqrt(float(hd)),
                q_.data() + rows.offset, rows.stride, tile, hd, 0.0f, scores + first, positions);
  }
  for (int i = 0; i < rows.count; ++i) {
    const int visible = start + token(i) + 1;  // causal: positions after the query's are masked out
    Eigen::Map<Eigen::ArrayXf> row(scores + size_t(i) * positions, positions);
    const float max_score = row.head(visible).maxCoeff();
    row.head(visible) = (row.head(visible) - max_score).exp();
    row.head(visible) /= row.head(visible).sum();
    row.tail(positions - visible).setZero();
  }
  for (int first = 0; first < positions; first += kKvTile) {
    const int count = std::min(kKvTile, positions - first);
    WidenTile(cache.values(layer, 0) + kv_head * hd, first, count, tile);
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, rows.count, hd, count, 1.0f, scores + first, positions,
                tile, hd, first == 0 ? 0.0f : 1.0f, attn_.data() + rows.offset, rows.stride);
  }
}

// gate and up together, each thread applying GeGLU to its own rows while they are in its cache; then down.
void ForwardPass::Mlp(const LayerWeights& w, int n) {
  const Kernels& kernels = runtime_.kernels();
  ThreadPool& pool = runtime_.pool();
  const MatMulTarget gate_up[] = {{&w.gate, gate_.data()}, {&w.up, up_.data()}};
  const auto geglu = [this, n](int64_t begin, int64_t end) {
    for (int t = 0; t < n; ++t) {
      const size_t row = size_t(t) * config_.ffn + size_t(begin);
      GeGlu(gate_.data() + row, up_.data() + row, size_t(end - begin));
    }
  };
  MatMulRowsTogether(kernels, pool, gate_up, normed_.data(), n, matmul_scratch_, geglu);
  MatMul(kernels, pool, w.down, gate_.data(), n, proj_.data(), matmul_scratch_);
}

}  // namespace gemma

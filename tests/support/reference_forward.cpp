#include "tests/support/reference_forward.h"

#include <cmath>
#include <string>

namespace gemma::testing {
namespace {

using Vec = std::vector<double>;

// y = x W^T for W stored [out, in] row-major.
Vec Project(const std::vector<float>& w, int out, int in, const Vec& x) {
  Vec y(out, 0.0);
  for (int r = 0; r < out; ++r)
    for (int c = 0; c < in; ++c) y[r] += double(w[size_t(r) * in + c]) * x[c];
  return y;
}

// y = x * rsqrt(mean(x^2) + eps) * (1 + w), w being the stored offset.
Vec RmsNorm(const Vec& x, const std::vector<float>& w, double eps) {
  double sum = 0;
  for (double v : x) sum += v * v;
  const double inv = 1.0 / std::sqrt(sum / x.size() + eps);
  Vec y(x.size());
  for (size_t i = 0; i < x.size(); ++i) y[i] = x[i] * inv * (1.0 + w[i]);
  return y;
}

double GeluTanh(double x) {
  return 0.5 * x * (1.0 + std::tanh(std::sqrt(2.0 / M_PI) * (x + 0.044715 * x * x * x)));
}

// Half-split RoPE on one head: pairs (x[i], x[i + d/2]) rotated by pos * theta^(-2i/d).
void Rope(double* x, int head_dim, int pos, double theta) {
  const int half = head_dim / 2;
  for (int i = 0; i < half; ++i) {
    const double angle = pos * std::pow(theta, -2.0 * i / head_dim);
    const double c = std::cos(angle), s = std::sin(angle);
    const double a = x[i], b = x[i + half];
    x[i] = a * c - b * s;
    x[i + half] = b * c + a * s;
  }
}

}  // namespace

std::vector<std::vector<double>> ReferenceLogits(const TinyModel& model, const std::vector<int>& tokens) {
  const ModelConfig& c = model.config;
  const int T = int(tokens.size()), H = c.hidden, hd = c.head_dim;
  const auto& embed = model.at("model.embed_tokens.weight");

  std::vector<Vec> h(T, Vec(H));
  for (int t = 0; t < T; ++t)
    for (int i = 0; i < H; ++i) h[t][i] = double(embed[size_t(tokens[t]) * H + i]) * std::sqrt(double(H));

  for (int layer = 0; layer < c.layers; ++layer) {
    const std::string p = "model.layers." + std::to_string(layer) + ".";
    std::vector<Vec> q(T), k(T), v(T);
    for (int t = 0; t < T; ++t) {
      const Vec x = RmsNorm(h[t], model.at(p + "input_layernorm.weight"), c.rms_eps);
      q[t] = Project(model.at(p + "self_attn.q_proj.weight"), c.q_dim(), H, x);
      k[t] = Project(model.at(p + "self_attn.k_proj.weight"), c.kv_dim(), H, x);
      v[t] = Project(model.at(p + "self_attn.v_proj.weight"), c.kv_dim(), H, x);
      for (int head = 0; head < c.heads; ++head) Rope(&q[t][head * hd], hd, t, c.rope_theta);
      for (int head = 0; head < c.kv_heads; ++head) Rope(&k[t][head * hd], hd, t, c.rope_theta);
    }
    const int group = c.heads / c.kv_heads;
    for (int t = 0; t < T; ++t) {
      Vec attn(c.q_dim(), 0.0);
      for (int head = 0; head < c.heads; ++head) {
        const int kvh = head / group;
        Vec scores(t + 1);
        double max_score = -INFINITY;
        for (int s = 0; s <= t; ++s) {  // causal: only positions up to t
          double dot = 0;
          for (int d = 0; d < hd; ++d) dot += q[t][head * hd + d] * k[s][kvh * hd + d];
          scores[s] = dot / std::sqrt(double(hd));
          max_score = std::max(max_score, scores[s]);
        }
        double sum = 0;
        for (double& s : scores) sum += (s = std::exp(s - max_score));
        for (int s = 0; s <= t; ++s)
          for (int d = 0; d < hd; ++d) attn[head * hd + d] += scores[s] / sum * v[s][kvh * hd + d];
      }
      const Vec out = Project(model.at(p + "self_attn.o_proj.weight"), H, c.q_dim(), attn);
      for (int i = 0; i < H; ++i) h[t][i] += out[i];

      const Vec x = RmsNorm(h[t], model.at(p + "post_attention_layernorm.weight"), c.rms_eps);
      const Vec gate = Project(model.at(p + "mlp.gate_proj.weight"), c.ffn, H, x);
      const Vec up = Project(model.at(p + "mlp.up_proj.weight"), c.ffn, H, x);
      Vec act(c.ffn);
      for (int i = 0; i < c.ffn; ++i) act[i] = GeluTanh(gate[i]) * up[i];
      const Vec down = Project(model.at(p + "mlp.down_proj.weight"), H, c.ffn, act);
      for (int i = 0; i < H; ++i) h[t][i] += down[i];
    }
  }

  std::vector<Vec> logits(T);
  for (int t = 0; t < T; ++t) {
    const Vec x = RmsNorm(h[t], model.at("model.norm.weight"), c.rms_eps);
    logits[t] = Project(embed, c.vocab_size, H, x);  // tied, unscaled embedding
  }
  return logits;
}

}  // namespace gemma::testing

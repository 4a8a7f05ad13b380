// The layout rule shared by the model file writer, its reader and the in-memory build (see model_layout.h).
#include "core/model/model_layout.h"

#include "core/engine/error.h"

namespace gemma {

const char* TensorKindName(TensorKind kind) { return kind == TensorKind::kI8 ? "i8" : "f32"; }

TensorKind ExpectedKind(const TensorSpec& spec, WeightType weight_type) {
  if (spec.shape.size() == 1) return TensorKind::kF32;
  return weight_type == WeightType::kInt8 ? TensorKind::kI8 : TensorKind::kF32;
}

uint64_t ValueBytes(const TensorSpec& spec, TensorKind kind) {
  uint64_t count = 1;
  for (int64_t d : spec.shape) count *= uint64_t(d);
  return kind == TensorKind::kI8 ? count : count * sizeof(float);
}

uint64_t ScaleBytes(const TensorSpec& spec, TensorKind kind, uint64_t bytes_per_scale) {
  if (kind != TensorKind::kI8) return 0;
  const uint64_t rows = spec.shape.size() == 1 ? 1 : uint64_t(spec.shape[0]);
  return rows * uint64_t(spec.shape.back() / kQuantBlock) * bytes_per_scale;
}

void CheckQuantizable(const ModelConfig& config, WeightType weight_type) {
  if (weight_type != WeightType::kInt8) return;
  for (const TensorSpec& spec : GemmaTensorSpecs(config)) {
    if (spec.shape.size() == 2 && spec.shape[1] % kQuantBlock != 0) {
      throw Error("cannot store " + spec.name + " as int8: its width " + std::to_string(spec.shape[1]) +
                  " is not a multiple of " + std::to_string(kQuantBlock) + "; import with f32 weights instead");
    }
  }
}

ModelLayout PlanLayout(const ModelConfig& config, WeightType weight_type, uint64_t data_start,
                       uint64_t tokenizer_bytes) {
  CheckQuantizable(config, weight_type);
  ModelLayout layout;
  uint64_t cursor = AlignUp(data_start, kArrayAlignment);
  auto place = [&](uint64_t bytes) {
    const uint64_t offset = cursor;
    cursor = AlignUp(offset + bytes, kArrayAlignment);
    layout.end = offset + bytes;
    return offset;
  };
  if (tokenizer_bytes > 0) {
    layout.tokenizer_offset = place(tokenizer_bytes);
    layout.tokenizer_bytes = tokenizer_bytes;
  }
  for (const TensorSpec& spec : GemmaTensorSpecs(config)) {
    TensorEntry entry{.name = spec.name, .kind = ExpectedKind(spec, weight_type), .shape = spec.shape};
    entry.bytes = ValueBytes(spec, entry.kind);
    entry.offset = place(entry.bytes);
    entry.scales_bytes = ScaleBytes(spec, entry.kind);
    if (entry.scales_bytes > 0) entry.scales_offset = place(entry.scales_bytes);
    layout.tensors.push_back(std::move(entry));
  }
  return layout;
}

namespace {

MatrixView View(const TensorEntry& entry, const uint8_t* base) {
  MatrixView view;
  view.rows = int(entry.shape[0]);
  view.cols = int(entry.shape[1]);
  if (entry.kind == TensorKind::kI8) {
    view.type = WeightType::kInt8;
    view.q = reinterpret_cast<const int8_t*>(base + entry.offset);
    view.scales = reinterpret_cast<const uint16_t*>(base + entry.scales_offset);
  } else {
    view.type = WeightType::kF32;
    view.f32 = reinterpret_cast<const float*>(base + entry.offset);
  }
  return view;
}

const float* Vector(const TensorEntry& entry, const uint8_t* base) {
  return reinterpret_cast<const float*>(base + entry.offset);
}

}  // namespace

ModelWeights ViewWeights(const ModelConfig& config, const ModelLayout& layout, const uint8_t* base) {
  const std::vector<TensorSpec> specs = GemmaTensorSpecs(config);
  if (layout.tensors.size() != specs.size()) throw Error("internal: layout does not match the model config");
  for (size_t i = 0; i < specs.size(); ++i) {
    if (layout.tensors[i].name != specs[i].name || layout.tensors[i].shape != specs[i].shape) {
      throw Error("internal: layout does not match the model config at " + specs[i].name);
    }
  }
  // The order is GemmaTensorSpecs': embedding, then 9 tensors per layer, then the final norm.
  const std::vector<TensorEntry>& t = layout.tensors;
  ModelWeights weights;
  weights.embedding = View(t[0], base);
  size_t i = 1;
  for (int layer = 0; layer < config.layers; ++layer) {
    LayerWeights w;
    w.attn_norm = Vector(t[i++], base);
    w.q = View(t[i++], base);
    w.k = View(t[i++], base);
    w.v = View(t[i++], base);
    w.o = View(t[i++], base);
    w.ffn_norm = Vector(t[i++], base);
    w.gate = View(t[i++], base);
    w.up = View(t[i++], base);
    w.down = View(t[i++], base);
    weights.layers.push_back(w);
  }
  weights.final_norm = Vector(t[i], base);
  return weights;
}

}  // namespace gemma

// A GGUF file of llama.cpp's architecture "gemma", read as a CheckpointReader: metadata to ModelConfig,
// tensors under their Hugging Face names ([out, in], f32), the tokenizer rebuilt as a SentencePiece model.
// llama.cpp's conventions (convert_hf_to_gguf.py) are undone here and nowhere else: ne lists dimensions
// innermost first, norms are stored as the multiplier 1 + w already (so they are returned unchanged), q/k rows
// are in Hugging Face order (not permuted), the embedding may carry padding rows past the tokenizer.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "core/model/checkpoint.h"

namespace gemma {

// Throws gemma::Error naming the file and what to do.
std::unique_ptr<CheckpointReader> OpenGgufCheckpoint(const std::filesystem::path& path);

// "model.layers.3.self_attn.q_proj.weight" -> "blk.3.attn_q.weight"; empty if the name is not a Gemma tensor.
std::string GgufTensorName(const std::string& hf_name);

}  // namespace gemma

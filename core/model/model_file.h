// GemmaChat's own model file (".gemma"): a self-describing, memory-mappable file the engine runs from
// without copying. Written by the importer (importer.h), read by OpenModelFile.
//
// Format versions:
//   1  int8 rows stored plainly (value c of a row at byte c of the row); scales as f32.
//   2  int8 rows stored as weights.h's Int8StoredIndex says (blocks of 64 in groups of kGroupBlocks, their
//      4-byte words interleaved), the layout the kernels decode fastest; scales as IEEE halves (weights.h
//      says why). Nothing else changed: f32 tensors, norms, the tokenizer and the header are as in version 1
//      (the header's scales_bytes follow the scales' size).
// OpenModelFile runs only the current version. An older file's header still reads (ReadModelFileHeader, so
// the model list can show it and say what to do), and the whole file reads as a checkpoint
// (model_file_checkpoint.h), so gemma-convert and the importer turn it into the current version.
//
// Layout (all integers little-endian):
//   offset 0   8 bytes  magic "GEMMACHT"
//          8   u32      format version (2). A reader refuses a newer version: "made by a newer GemmaChat".
//         12   u32      flags: none defined in versions 1 and 2; a reader refuses any bit it does not know.
//         16   u64      header length N: the bytes of the JSON header that follows
//         24   N bytes  UTF-8 JSON header, padded with spaces so the data starts on a page boundary
//   24 + N     data: every array starts on a 64-byte boundary; gaps are zeros.
//
// The JSON header:
//   {
//     "format_version": 2,                                   (the same as the preamble's)
//     "config": {"vocab_size", "hidden", "layers", "heads", "kv_heads", "head_dim", "ffn", "context",
//                "rms_eps", "rope_theta"},                  (ModelConfig, checked by ValidateConfig)
//     "weight_type": "int8" | "f32",
//     "quant_block": 64,                                     (values per int8 scale; see weights.h)
//     "model": {"name", "source", "instruction_tuned"},       (ModelInfo)
//     "created": "2024-03-01T12:00:00Z",
//     "file_size": total bytes of the file,
//     "tokenizer": {"offset", "bytes"},                       (a serialized SentencePiece ModelProto)
//     "tensors": [ {"name": Hugging Face name (GemmaTensorSpecs), "kind": "f32" | "i8", "shape": [out, in]
//                   or [n], "offset", "bytes", and for "i8" "scales_offset", "scales_bytes"}, ... ]
//   }
// Offsets are from the start of the file. The embedding [vocab, H] and every matrix [out, in] are "i8"
// (values row by row, each row in the version's order above, then scales [out, in / 64] in plain order,
// halves or in version 1 floats, symmetric: w ~ q * scale) or all "f32"; norms are
// always "f32" and hold the multiplier (1 + w) the engine applies, not the checkpoint's offset w.
//
// Opening checks everything before touching data: magic, version, header length, JSON, config, every
// tensor present once with the right shape, kind and exact size, every array aligned, inside the file and
// overlapping no other, the tokenizer loadable and no larger than the embedding, and the file exactly as
// long as the header says. A bad file is a gemma::Error saying what to do, never an out-of-bounds read.
// (A file truncated by someone else while it is mapped can still fault: nothing can check that.)
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "core/engine/model.h"
#include "core/engine/model_config.h"
#include "core/engine/weights.h"
#include "core/model/model_layout.h"

namespace gemma {

inline constexpr char kModelFileMagic[8] = {'G', 'E', 'M', 'M', 'A', 'C', 'H', 'T'};
inline constexpr uint32_t kModelFileVersion = 2;
// The oldest version still read (its header, and its weights as a checkpoint) so that it can be converted.
inline constexpr uint32_t kOldestReadableModelFileVersion = 1;
inline constexpr uint64_t kModelFilePreambleBytes = 24;  // magic, version, flags, header length

// What the model list shows, read without mapping the weights.
struct ModelFileHeader {
  uint32_t format_version = 0;
  ModelConfig config;
  ModelInfo info;
  WeightType weight_type = WeightType::kInt8;
  std::string created;          // ISO 8601, UTC
  uint64_t file_size = 0;       // bytes on disk
  uint64_t memory_bytes = 0;    // bytes a loaded model maps: weights and tokenizer (not the KV cache)
};

// True if the file exists and starts with the magic: the loader's test for "our file, not a checkpoint".
bool IsModelFile(const std::filesystem::path& path);

// Reads and checks the header and tensor directory (not the weights, not the tokenizer). Cheap: a few KB.
// Reads every version from kOldestReadableModelFileVersion on; format_version says which it is.
ModelFileHeader ReadModelFileHeader(const std::filesystem::path& path);

// The header and where each array lies, checked exactly as OpenModelFile checks them, for readers of the
// data other than the engine (model_file_checkpoint.h). Every readable version, as ReadModelFileHeader.
struct ModelFileDirectory {
  ModelFileHeader header;
  ModelLayout layout;  // tensors in GemmaTensorSpecs order
};
ModelFileDirectory ReadModelFileDirectory(const std::filesystem::path& path);

// Throws the gemma::Error OpenModelFile throws for a file of this header's version when this version cannot
// run it (an older format), saying how to convert it; returns for the current version. For callers that
// read only the header, such as the app's model list, so that they show the same message.
void CheckModelFileRunnable(const ModelFileHeader& header, const std::filesystem::path& path);

// Maps the file read-only and returns a model whose weights point into the mapping (which the model keeps
// alive). Pages are read on demand; the kernel is asked to read ahead in the background. Only the current
// format version: an older one is a gemma::Error saying to convert it (CheckModelFileRunnable).
std::shared_ptr<Model> OpenModelFile(const std::filesystem::path& path);

// The writer's half: the bytes before the data (magic, version, flags, length, padded JSON header) and
// the layout the data must follow. Used by the importer; tests use it to craft damaged files.
struct ModelFilePlan {
  std::string preamble;  // write at offset 0; its size is the layout's data start
  ModelLayout layout;
};
ModelFilePlan PlanModelFile(const ModelConfig& config, const ModelInfo& info, WeightType weight_type,
                            uint64_t tokenizer_bytes, const std::string& created);

// The current time as ISO 8601 UTC, as "created" holds it.
std::string CurrentTimeIso8601();

}  // namespace gemma

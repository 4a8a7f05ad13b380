// gemma-convert: import a Hugging Face folder or a GGUF file into a GemmaChat model file, convert a model file
// of an earlier format into the current one, or write a synthetic model of a published size (random weights,
// for benchmarks). The work is in core/model.
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "core/engine/error.h"
#include "core/model/byte_tokenizer.h"
#include "core/model/checkpoint.h"
#include "core/model/importer.h"
#include "core/model/model_file.h"
#include "core/model/format_bytes.h"
#include "core/model/synthetic_checkpoint.h"

namespace {

constexpr int kExitOk = 0, kExitError = 1, kExitUsage = 2, kExitCancelled = 130;

const char* const kUsage =
    "Usage:\n"
    "  gemma-convert SOURCE OUT [--weights int8|f32] [--name NAME]\n"
    "  gemma-convert --synthetic 2b|7b OUT [--tokenizer tokenizer.model] [--weights int8|f32] [--seed N]\n"
    "                [--name NAME]\n"
    "\n"
    "Imports a Gemma 1 checkpoint into a GemmaChat model file that the app, gemma-cli and gemma-bench run.\n"
    "  SOURCE               a Hugging Face folder (config.json, tokenizer.model, *.safetensors), a .gguf file,\n"
    "                       or a GemmaChat .gemma file, e.g. one an earlier version made, to convert it\n"
    "  OUT                  the model file to write (written to OUT.partial-* first, renamed when complete)\n"
    "  --weights int8|f32   int8 (default: 1/4 of the f32 size, what the app runs) or f32 (exact, for tests);\n"
    "                       a .gemma SOURCE keeps its own weight type unless this is given\n"
    "  --name NAME          the model's name in the app (default: the checkpoint's)\n"
    "  --synthetic 2b|7b    random weights of a published shape, for benchmarks: the output is noise\n"
    "  --tokenizer FILE     the SentencePiece tokenizer.model a synthetic model uses (default: bytes only)\n"
    "  --seed N             the synthetic weights' seed (default 1)\n"
    "  --version, --help\n"
    "Ctrl-C stops the import and removes the partial file.\n";

volatile sig_atomic_t g_interrupted = 0;
void OnSignal(int) { g_interrupted = 1; }

struct Arguments {
  std::string source, out, name, synthetic, tokenizer;
  std::optional<gemma::WeightType> weight_type;  // unset: int8, or a model file source's own
  uint64_t seed = 1;
};

class UsageError : public std::runtime_error {
  using std::runtime_error::runtime_error;
};

Arguments Parse(const std::vector<std::string>& args) {
  Arguments a;
  std::vector<std::string> positional;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= args.size()) throw UsageError(arg + " needs a value");
      return args[++i];
    };
    if (arg == "--weights") {
      const std::string w = value();
      if (w == "int8") {
        a.weight_type = gemma::WeightType::kInt8;
      } else if (w == "f32") {
        a.weight_type = gemma::WeightType::kF32;
      } else {
        throw UsageError("--weights takes int8 or f32, not " + w);
      }
    } else if (arg == "--name") {
      a.name = value();
    } else if (arg == "--synthetic") {
      a.synthetic = value();
      if (a.synthetic != "2b" && a.synthetic != "7b") throw UsageError("--synthetic takes 2b or 7b, not " + a.synthetic);
    } else if (arg == "--tokenizer") {
      a.tokenizer = value();
    } else if (arg == "--seed") {
      const std::string s = value();
      char* end = nullptr;
      a.seed = std::strtoull(s.c_str(), &end, 10);
      if (s.empty() || *end != '\0') throw UsageError("--seed takes a number, not " + s);
    } else if (arg.size() > 1 && arg[0] == '-') {
      throw UsageError("unknown option " + arg);
    } else {
      positional.push_back(arg);
    }
  }
  if (!a.synthetic.empty()) {
    if (positional.size() != 1) throw UsageError("--synthetic takes one output file");
    a.out = positional[0];
  } else {
    if (positional.size() != 2) {
      throw UsageError("give a source (Hugging Face folder, .gguf or .gemma file) and an output file");
    }
    if (!a.tokenizer.empty()) throw UsageError("--tokenizer is only for --synthetic");
    a.source = positional[0];
    a.out = positional[1];
  }
  return a;
}

std::string ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw gemma::Error("cannot read " + path);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

// One line on stderr, rewritten in place on a terminal; otherwise a line per 10%.
class ProgressLine {
 public:
  ProgressLine() : start_(Clock::now()), terminal_(::isatty(STDERR_FILENO)) {}

  bool Update(const gemma::ImportProgress& p) {
    if (g_interrupted) return false;
    const auto now = Clock::now();
    const int percent = p.bytes_total ? int(100 * p.bytes_done / p.bytes_total) : 100;
    const bool last = p.bytes_done == p.bytes_total;
    if (terminal_ ? (now - last_print_ < std::chrono::milliseconds(200) && !last) : percent < next_percent_) {
      return true;
    }
    last_print_ = now;
    next_percent_ = percent / 10 * 10 + 10;
    const double seconds = std::chrono::duration<double>(now - start_).count();
    const double mb = 1024.0 * 1024.0;
    std::fprintf(stderr, "%s%3d%%  %8.1f / %.1f MB  %6.1f MB/s  %-50s%s", terminal_ ? "\r" : "", percent,
                 double(p.bytes_done) / mb, double(p.bytes_total) / mb,
                 seconds > 0 ? double(p.bytes_done) / mb / seconds : 0.0, p.tensor.c_str(), terminal_ ? "" : "\n");
    std::fflush(stderr);
    dirty_ = terminal_;
    return true;
  }
  void Finish() {
    if (dirty_) std::fputc('\n', stderr);
    dirty_ = false;
  }
  double seconds() const { return std::chrono::duration<double>(Clock::now() - start_).count(); }

 private:
  using Clock = std::chrono::steady_clock;
  Clock::time_point start_, last_print_{};
  bool terminal_;
  bool dirty_ = false;
  int next_percent_ = 0;
};

int Run(const Arguments& a) {
  std::unique_ptr<gemma::CheckpointReader> checkpoint;
  gemma::WeightType weight_type = a.weight_type.value_or(gemma::WeightType::kInt8);
  if (!a.synthetic.empty()) {
    const gemma::ModelConfig config = a.synthetic == "2b" ? gemma::Gemma2B() : gemma::Gemma7B();
    // Without a tokenizer.model, the byte-level one: any text encodes, and the weights are noise anyway.
    checkpoint = gemma::MakeSyntheticCheckpoint(
        config, a.seed, a.tokenizer.empty() ? gemma::ByteTokenizerModel() : ReadWholeFile(a.tokenizer));
  } else {
    // A model file (of an earlier format, usually) is read back as a checkpoint and imported again: its int8
    // values come back unchanged (model_file_checkpoint.h says when and why), and by default it keeps its
    // weight type.
    checkpoint = gemma::OpenCheckpoint(a.source);
    weight_type = a.weight_type.value_or(gemma::DefaultImportWeightType(a.source));
  }
  std::fprintf(stderr, "Importing %s (%s, %s) into %s, %s weights\n", checkpoint->info().name.c_str(),
               gemma::DescribeVariant(checkpoint->config()).c_str(), checkpoint->info().source.c_str(),
               a.out.c_str(), weight_type == gemma::WeightType::kInt8 ? "int8" : "f32");

  // From here Ctrl-C asks the import to stop, so the partial file is removed on the way out.
  struct sigaction action {};
  action.sa_handler = OnSignal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);

  ProgressLine line;
  gemma::ImportOptions options;
  options.weight_type = weight_type;
  options.name = a.name;
  options.progress = [&](const gemma::ImportProgress& p) { return line.Update(p); };
  try {
    gemma::ImportCheckpoint(*checkpoint, a.out, options);
  } catch (...) {
    line.Finish();
    throw;
  }
  line.Finish();
  const gemma::ModelFileHeader header = gemma::ReadModelFileHeader(a.out);
  std::fprintf(stderr, "Wrote %s: %s, %s in %.1f s\n", a.out.c_str(), header.info.name.c_str(),
               gemma::FormatBytes(header.file_size).c_str(), line.seconds());
  return kExitOk;
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  for (const std::string& arg : args) {
    if (arg == "--help" || arg == "-h") {
      std::fputs(kUsage, stdout);
      return kExitOk;
    }
    if (arg == "--version") {
      std::printf("gemma-convert %s (model file format %u)\n", GEMMA_VERSION, gemma::kModelFileVersion);
      return kExitOk;
    }
  }
  Arguments arguments;
  try {
    arguments = Parse(args);
  } catch (const UsageError& e) {
    std::fprintf(stderr, "gemma-convert: %s\n\n%s", e.what(), kUsage);
    return kExitUsage;
  }
  try {
    return Run(arguments);
  } catch (const gemma::ImportCancelled&) {
    std::fprintf(stderr, "gemma-convert: cancelled; %s was not written\n", arguments.out.c_str());
    return kExitCancelled;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "gemma-convert: %s\n", e.what());
    return kExitError;
  }
}

// gemma-bench: how fast the engine runs a model on this machine — load time, prefill and decode tokens/s
// (median and spread over repeats), peak resident memory, the kernel path — next to the machine's measured
// memory read bandwidth, since decoding one token reads every weight once and cannot beat that ceiling.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "core/engine/error.h"
#include "core/engine/memory_bandwidth.h"
#include "core/engine/session.h"
#include "core/model/byte_tokenizer.h"
#include "core/model/file_mapping.h"
#include "core/model/importer.h"
#include "core/model/model_file.h"
#include "core/model/model_loader.h"
#include "core/model/synthetic_checkpoint.h"

namespace {

constexpr const char* kUsage = R"(Usage: gemma-bench (--model FILE | --synthetic 2b|7b) [options]

  --model FILE        a GemmaChat model file (or a Hugging Face folder / .gguf: quantized in memory first)
  --synthetic 2b|7b   a full-size model with random int8 weights; written once to
                      ${XDG_CACHE_HOME:-~/.cache}/gemmachat/bench/ and mapped like a real file
  -p N[,N...]         prompt lengths for the prefill test (default 512)
  -n N                tokens to generate for the decode test (default 128)
  -t N[,N...]         thread counts (default: all cores)
  -r N                repeats; medians are reported (default 3)
  --context N         context size (default: prompt + generated tokens; 4096 with --turns)
  --turns N           instead of -p/-n: a conversation of N turns of about 60 new tokens each (a user message
                      and a 12-token reply) through the session's cached prefix; reports the time to first
                      token of every turn, turn 2 against turn N
  --json              one JSON object per line and test instead of the table
  --version, --help
The kernel path can be forced with GEMMA_KERNEL=portable|avx2|avx512-vnni.
)";

using Clock = std::chrono::steady_clock;

struct Options {
  std::string model, synthetic;
  std::vector<int> prompts{512}, threads;
  int generate = 128, repeats = 3, context = 0, turns = 0;
  bool json = false;
};

[[noreturn]] void Fail(const std::string& message) {
  std::cerr << "gemma-bench: " << message << "\n";
  std::exit(2);
}

std::vector<int> ParseList(const std::string& flag, const std::string& text) {
  std::vector<int> out;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    char* end = nullptr;
    const long v = std::strtol(item.c_str(), &end, 10);
    if (item.empty() || *end || v < 1 || v > 1 << 20) Fail(flag + " takes positive whole numbers, not '" + text + "'");
    out.push_back(int(v));
  }
  return out;
}

Options ParseArguments(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) Fail(arg + " needs a value");
      return argv[++i];
    };
    if (arg == "--help" || arg == "-h") {
      std::cout << kUsage;
      std::exit(0);
    } else if (arg == "--version") {
      std::cout << "gemma-bench " << GEMMA_VERSION << "\n";
      std::exit(0);
    } else if (arg == "--model" || arg == "-m") {
      o.model = value();
    } else if (arg == "--synthetic") {
      o.synthetic = value();
      if (o.synthetic != "2b" && o.synthetic != "7b") Fail("--synthetic takes 2b or 7b");
    } else if (arg == "-p") {
      o.prompts = ParseList(arg, value());
    } else if (arg == "-n") {
      o.generate = ParseList(arg, value()).front();
    } else if (arg == "-t") {
      o.threads = ParseList(arg, value());
    } else if (arg == "-r") {
      o.repeats = ParseList(arg, value()).front();
    } else if (arg == "--context") {
      o.context = ParseList(arg, value()).front();
    } else if (arg == "--turns") {
      o.turns = ParseList(arg, value()).front();
      if (o.turns < 2) Fail("--turns needs at least 2 turns");
    } else if (arg == "--json") {
      o.json = true;
    } else {
      Fail("unknown option '" + arg + "' (see --help)");
    }
  }
  if (o.model.empty() == o.synthetic.empty()) Fail("give either --model FILE or --synthetic 2b|7b (see --help)");
  if (o.threads.empty()) o.threads = {int(std::max(1u, std::thread::hardware_concurrency()))};
  return o;
}

// The synthetic model file, written once (atomically, by the importer) and reused by later runs. Its name
// carries the model file format, so a GemmaChat that writes another format makes its own; the files of other
// formats (gigabytes each) are removed then.
std::filesystem::path SyntheticModelFile(const std::string& size) {
  const char* cache = std::getenv("XDG_CACHE_HOME");
  const char* home = std::getenv("HOME");
  const std::filesystem::path dir = std::filesystem::path(cache && *cache ? cache : std::string(home ? home : "/tmp") + "/.cache") /
                                    "gemmachat" / "bench";
  std::filesystem::create_directories(dir);
  const std::string stem = "synthetic-" + size;
  const auto path = dir / (stem + "-format" + std::to_string(gemma::kModelFileVersion) + ".gemma");
  if (std::filesystem::exists(path)) return path;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind(stem, 0) == 0 && entry.path().extension() == ".gemma") {
      std::cerr << "Removing " << entry.path() << ", made for another model file format\n";
      std::filesystem::remove(entry.path());
    }
  }
  std::cerr << "Writing a synthetic " << size << " model to " << path << " (once) ...\n";
  const gemma::ModelConfig config = size == "2b" ? gemma::Gemma2B() : gemma::Gemma7B();
  auto checkpoint = gemma::MakeSyntheticCheckpoint(config, /*seed=*/1, gemma::ByteTokenizerModel());
  gemma::ImportOptions options;
  options.name = "synthetic-" + size;
  int last_percent = -1;
  options.progress = [&](const gemma::ImportProgress& p) {
    const int percent = int(100.0 * p.bytes_done / std::max<uint64_t>(1, p.bytes_total));
    if (percent != last_percent) std::fprintf(stderr, "\r  %3d%%", last_percent = percent);
    return true;
  };
  gemma::ImportCheckpoint(*checkpoint, path, options);
  std::fprintf(stderr, "\n");
  return path;
}

// Starts peak-RSS accounting afresh (Linux: "5" to clear_refs resets VmHWM), so that the 1 GiB buffer of the
// bandwidth measurement, or an earlier thread count's run, does not count as this test's peak.
void ResetPeakRss() {
  std::ofstream clear_refs("/proc/self/clear_refs");
  clear_refs << "5";
}

double PeakRssMb() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("VmHWM:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;
  return 0;
}

// Bytes one decoded token reads: every matrix (int8 values and scales, or f32) and every norm, the
// embedding once as the output head (the input row it reads is negligible).
double WeightBytesPerToken(const gemma::Model& model) {
  auto bytes = [](const gemma::MatrixView& m) {
    return m.type == gemma::WeightType::kInt8 ? double(m.rows) * m.cols + 2.0 * m.rows * m.blocks_per_row()
                                              : 4.0 * m.rows * m.cols;
  };
  const auto& w = model.weights();
  double total = bytes(w.embedding);
  for (const auto& layer : w.layers)
    total += bytes(layer.q) + bytes(layer.k) + bytes(layer.v) + bytes(layer.o) + bytes(layer.gate) +
             bytes(layer.up) + bytes(layer.down) + 8.0 * model.config().hidden;
  return total;
}

struct Summary {
  double median = 0, min = 0, max = 0;
};

Summary Summarize(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return {n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2, v.front(), v.back()};
}

// A conversation of `turns` turns, each a user message of ~32 tokens and a 12-token reply, run through one
// Session as the app does; returns the time to first token of each turn in milliseconds (the time from
// Reply() to the first sampled token), and the prompt and computed tokens of each turn.
struct TurnTimes {
  std::vector<double> ttft_ms;
  std::vector<int> prompt_tokens, prefill_tokens;
};

TurnTimes RunConversation(const std::shared_ptr<const gemma::Model>& model,
                          const std::shared_ptr<gemma::Runtime>& runtime, int turns, int context, int seed) {
  constexpr int kUserChars = 32, kReplyTokens = 12;
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> letter('a', 'z'), gap(0, 5);
  gemma::Session session(model, runtime, context);
  gemma::GenerationOptions options;
  options.max_tokens = kReplyTokens;
  options.ignore_stop_tokens = true;
  std::vector<gemma::ChatMessage> conversation;
  TurnTimes times;
  for (int turn = 0; turn < turns; ++turn) {
    std::string text;
    while (int(text.size()) < kUserChars) text += gap(rng) == 0 ? ' ' : char(letter(rng));
    conversation.push_back({gemma::Role::kUser, text});
    const auto start = Clock::now();
    double first_ms = -1;
    const auto on_token = [&](std::string_view, const gemma::GenerationStats&) {
      if (first_ms < 0) first_ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
    };
    const gemma::GenerationResult result = session.Reply(conversation, "", options, on_token);
    if (result.stats.dropped_turns > 0) Fail("the conversation outgrew the context: give a larger --context");
    times.ttft_ms.push_back(first_ms);
    times.prompt_tokens.push_back(result.stats.prompt_tokens);
    times.prefill_tokens.push_back(result.stats.prefill_tokens);
    conversation.push_back({gemma::Role::kModel, result.text});
  }
  return times;
}

void ReportTurns(const Options& o, const std::shared_ptr<const gemma::Model>& model, const std::string& name,
                 int threads) {
  auto runtime = std::make_shared<gemma::Runtime>(gemma::RuntimeOptions{.threads = threads});
  const int context = o.context ? o.context : 4096;
  std::vector<TurnTimes> runs;
  for (int r = 0; r < o.repeats; ++r) runs.push_back(RunConversation(model, runtime, o.turns, context, r + 1));
  std::vector<double> ttft(o.turns);
  for (int t = 0; t < o.turns; ++t) {
    std::vector<double> v;
    for (const TurnTimes& run : runs) v.push_back(run.ttft_ms[t]);
    ttft[t] = Summarize(v).median;
  }
  const TurnTimes& first = runs.front();
  const int last = o.turns - 1;
  const char* kernel = gemma::KernelPathName(runtime->kernels().path);
  if (o.json) {
    std::printf("{\"model\":\"%s\",\"test\":\"turns\",\"threads\":%d,\"turns\":%d,\"kernel\":\"%s\","
                "\"ttft_turn2_ms\":%.1f,\"ttft_last_ms\":%.1f,\"ttft_ratio\":%.3f,\"prompt_tokens_last\":%d,"
                "\"prefill_tokens_turn2\":%d,\"prefill_tokens_last\":%d,\"repeats\":%d}\n",
                name.c_str(), threads, o.turns, kernel, ttft[1], ttft[last], ttft[last] / ttft[1],
                first.prompt_tokens[last], first.prefill_tokens[1], first.prefill_tokens[last], o.repeats);
  } else {
    std::printf("%d threads, %s: time to first token per turn (median of %d conversations)\n", threads, kernel,
                o.repeats);
    std::printf("%6s %14s %15s %10s\n", "turn", "prompt tokens", "computed tokens", "TTFT ms");
    for (int t = 0; t < o.turns; ++t)
      std::printf("%6d %14d %15d %10.1f\n", t + 1, first.prompt_tokens[t], first.prefill_tokens[t], ttft[t]);
    std::printf("turn %d / turn 2: %.2fx\n", o.turns, ttft[last] / ttft[1]);
  }
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  const Options o = ParseArguments(argc, argv);
  try {
    const std::filesystem::path path = o.synthetic.empty() ? std::filesystem::path(o.model) : SyntheticModelFile(o.synthetic);
    const auto load_start = Clock::now();
    std::shared_ptr<const gemma::Model> model = gemma::LoadModel(path);
    const double load_s = std::chrono::duration<double>(Clock::now() - load_start).count();
    const std::string name = model->info().name.empty() ? path.filename().string() : model->info().name;
    const double bytes_per_token = WeightBytesPerToken(*model);
    const int vocab = model->sampleable_vocab();
    if (!o.json) {
      std::printf("model %s (%s, %.2f GB read per token), load %.3f s\n", name.c_str(),
                  gemma::DescribeVariant(model->config()).c_str(), bytes_per_token / 1e9, load_s);
      if (o.turns == 0)
        std::printf("%-8s %-12s %7s %7s %14s %18s %16s %12s %9s %9s\n", "threads", "kernel", "prompt", "gen",
                    "prefill tok/s", "decode tok/s", "read GB/s", "of ceiling", "peak MB", "2MB pages");
    }
    if (o.turns > 0) {
      for (int threads : o.threads) ReportTurns(o, model, name, threads);
      return 0;
    }
    for (int threads : o.threads) {
      auto runtime = std::make_shared<gemma::Runtime>(gemma::RuntimeOptions{.threads = threads});
      for (int prompt_tokens : o.prompts) {
        // The machine's bandwidth drifts on a shared host, so it is measured right before and right after
        // each test, and the test is judged against their mean.
        const double bandwidth_before = gemma::MeasureReadBandwidth(runtime->pool());
        ResetPeakRss();
        std::vector<double> prefill, decode;
        for (int r = 0; r < o.repeats; ++r) {
          std::mt19937 rng(r + 1);
          std::uniform_int_distribution<int> id(4, vocab - 1);
          std::vector<int> prompt{model->tokenizer().bos_id()};
          while (int(prompt.size()) < prompt_tokens) prompt.push_back(id(rng));
          const int context = o.context ? o.context : prompt_tokens + o.generate + 1;
          gemma::Session session(model, runtime, context);
          gemma::GenerationOptions options;
          options.max_tokens = o.generate;
          options.ignore_stop_tokens = true;
          const gemma::GenerationResult result = session.Generate(prompt, options);
          prefill.push_back(result.stats.prefill_tokens_per_second());
          decode.push_back(result.stats.decode_tokens_per_second());
        }
        const double peak_rss_mb = PeakRssMb();
        const double bandwidth_after = gemma::MeasureReadBandwidth(runtime->pool());
        const double bandwidth = (bandwidth_before + bandwidth_after) / 2;
        const Summary p = Summarize(prefill), d = Summarize(decode);
        const double ceiling = bandwidth / bytes_per_token;  // tokens/s if decoding only streamed weights
        const char* kernel = gemma::KernelPathName(runtime->kernels().path);
        // How much of the model's mapping the kernel backs with 2 MB pages (see core/model/file_mapping.h):
        // it decides how close to the bandwidth ceiling one core can decode.
        const gemma::MatrixView& head = model->weights().embedding;
        const double huge_pages = gemma::HugePageShare(head.q ? static_cast<const void*>(head.q) : head.f32);
        if (o.json) {
          std::printf("{\"model\":\"%s\",\"threads\":%d,\"prompt_tokens\":%d,\"gen_tokens\":%d,\"load_s\":%.4f,"
                      "\"prefill_tok_s\":%.3f,\"prefill_tok_s_min\":%.3f,\"prefill_tok_s_max\":%.3f,"
                      "\"decode_tok_s\":%.3f,\"decode_tok_s_min\":%.3f,\"decode_tok_s_max\":%.3f,"
                      "\"peak_rss_mb\":%.1f,\"kernel\":\"%s\",\"read_bandwidth_gb_s\":%.2f,"
                      "\"read_bandwidth_before_gb_s\":%.2f,\"read_bandwidth_after_gb_s\":%.2f,"
                      "\"decode_ceiling_tok_s\":%.3f,\"decode_fraction_of_ceiling\":%.3f,\"huge_page_share\":%.3f,"
                      "\"repeats\":%d}\n",
                      name.c_str(), threads, prompt_tokens, o.generate, load_s, p.median, p.min, p.max, d.median,
                      d.min, d.max, peak_rss_mb, kernel, bandwidth / 1e9, bandwidth_before / 1e9,
                      bandwidth_after / 1e9, ceiling, d.median / ceiling, huge_pages, o.repeats);
        } else {
          char prefill_text[32], decode_text[32];
          std::snprintf(prefill_text, sizeof prefill_text, "%.1f (%.1f-%.1f)", p.median, p.min, p.max);
          std::snprintf(decode_text, sizeof decode_text, "%.2f (%.2f-%.2f)", d.median, d.min, d.max);
          char huge_text[16] = "unknown";
          if (huge_pages >= 0) std::snprintf(huge_text, sizeof huge_text, "%.0f%%", 100 * huge_pages);
          char bandwidth_text[32];
          std::snprintf(bandwidth_text, sizeof bandwidth_text, "%.1f (%.0f>%.0f)", bandwidth / 1e9,
                        bandwidth_before / 1e9, bandwidth_after / 1e9);
          std::printf("%-8d %-12s %7d %7d %14s %18s %16s %11.0f%% %9.0f %9s\n", threads, kernel, prompt_tokens,
                      o.generate, prefill_text, decode_text, bandwidth_text, 100 * d.median / ceiling, peak_rss_mb,
                      huge_text);
        }
        std::fflush(stdout);
      }
    }
    return 0;
  } catch (const gemma::Error& e) {
    std::cerr << "gemma-bench: " << e.what() << "\n";
    return 1;
  }
}

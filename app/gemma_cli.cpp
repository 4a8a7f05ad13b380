// gemma-cli: chat with a Gemma model in a terminal, or answer one prompt. Takes our model file, a Hugging
// Face folder or a GGUF file. A machine-readable mode (--print-ids, --dump-logits) lets other tools check the
// engine token by token.
#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "core/engine/error.h"
#include "core/engine/session.h"
#include "core/model/model_loader.h"

namespace {

constexpr const char* kUsage = R"(Usage: gemma-cli --model PATH [options]

Chat with a Gemma model offline. PATH is a GemmaChat model file, a Hugging Face
folder (config.json, *.safetensors, tokenizer.model) or a .gguf file.

  --prompt TEXT        answer TEXT once and exit (otherwise: interactive chat)
  --system TEXT        system prompt (put at the start of the first user turn)
  --raw                feed the text after <bos> without the chat template
  -n, --max-tokens N   longest reply in tokens (default 512)
  --temperature T      0 = greedy (default 0.7)
  --top-k K            keep the K most likely tokens (default 40, 0 = off)
  --top-p P            nucleus sampling (default 0.95, 1 = off)
  --min-p P            drop tokens below P x the best one's probability (default 0)
  --repeat-penalty R   penalise recently used tokens (default 1.0 = off)
  --seed S             random seed (default: a new one each run)
  --threads N          worker threads (default: all cores)
  --context N          context size in tokens (default: the model's)
  --print-ids          print "prompt_ids: ..." and "output_ids: ..." lines
  --dump-logits FILE   write the last prompt position's logits as a JSON array
  --version, --help

In a chat: /reset starts over, /quit (or Ctrl+D) leaves; Ctrl+C stops a reply.
Speed (prefill and decode tokens/s) is reported on stderr.
)";

struct Options {
  std::string model, prompt, system, dump_logits;
  bool has_prompt = false, raw = false, print_ids = false;
  int threads = 0, context = 0;
  gemma::GenerationOptions generation;
};

std::atomic<bool> g_cancel{false};
std::atomic<bool> g_generating{false};

void OnInterrupt(int) {
  if (g_generating.load()) {
    g_cancel.store(true);
  } else {
    std::_Exit(130);
  }
}

[[noreturn]] void Fail(const std::string& message) {
  std::cerr << "gemma-cli: " << message << "\n";
  std::exit(2);
}

Options ParseArguments(int argc, char** argv) {
  Options o;
  o.generation.max_tokens = 512;
  gemma::SamplingParams& s = o.generation.sampling;
  s.temperature = 0.7f, s.top_k = 40, s.top_p = 0.95f;
  s.seed = std::random_device{}();
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) Fail(arg + " needs a value");
      return argv[++i];
    };
    auto number = [&](double low, double high) {
      const std::string text = value();
      char* end = nullptr;
      const double v = std::strtod(text.c_str(), &end);
      if (text.empty() || *end || v < low || v > high)
        Fail(arg + " takes a number from " + std::to_string(low) + " to " + std::to_string(high) + ", not '" +
             text + "'");
      return v;
    };
    if (arg == "--help" || arg == "-h") {
      std::cout << kUsage;
      std::exit(0);
    } else if (arg == "--version") {
      std::cout << "gemma-cli " << GEMMA_VERSION << "\n";
      std::exit(0);
    } else if (arg == "--model" || arg == "-m") {
      o.model = value();
    } else if (arg == "--prompt" || arg == "-p") {
      o.prompt = value(), o.has_prompt = true;
    } else if (arg == "--system") {
      o.system = value();
    } else if (arg == "--raw") {
      o.raw = true;
    } else if (arg == "-n" || arg == "--max-tokens") {
      o.generation.max_tokens = int(number(1, 1 << 20));
    } else if (arg == "--temperature") {
      s.temperature = float(number(0, 100));
    } else if (arg == "--top-k") {
      s.top_k = int(number(0, 1 << 20));
    } else if (arg == "--top-p") {
      s.top_p = float(number(0, 1));
    } else if (arg == "--min-p") {
      s.min_p = float(number(0, 1));
    } else if (arg == "--repeat-penalty") {
      s.repetition_penalty = float(number(0.01, 100));
    } else if (arg == "--seed") {
      s.seed = uint64_t(number(0, 1.8e19));
    } else if (arg == "--threads" || arg == "-t") {
      o.threads = int(number(1, 1024));
    } else if (arg == "--context") {
      o.context = int(number(16, 1 << 20));
    } else if (arg == "--print-ids") {
      o.print_ids = true;
    } else if (arg == "--dump-logits") {
      o.dump_logits = value();
      o.generation.keep_prompt_logits = true;
    } else {
      Fail("unknown option '" + arg + "' (see --help)");
    }
  }
  if (o.model.empty()) Fail("--model PATH is required (see --help)");
  return o;
}

std::string JoinIds(const std::vector<int>& ids) {
  std::string out;
  for (int id : ids) {
    if (!out.empty()) out += ' ';
    out += std::to_string(id);
  }
  return out;
}

void WriteLogits(const std::string& path, const std::vector<float>& logits) {
  std::ofstream out(path);
  out << "[";
  char number[32];
  for (size_t i = 0; i < logits.size(); ++i) {
    std::snprintf(number, sizeof number, "%.9g", logits[i]);
    out << (i ? "," : "") << number;
  }
  out << "]\n";
  if (!out) Fail("cannot write " + path);
}

// Runs one turn, streaming the text to stdout and the figures to stderr. --raw (or a pretrained model) feeds
// the text after BOS; otherwise the session applies the chat template to the whole conversation.
gemma::GenerationResult RunTurn(gemma::Session& session, const Options& o,
                                const std::vector<gemma::ChatMessage>& conversation) {
  g_cancel = false;
  g_generating = true;
  auto print = [](std::string_view piece, const gemma::GenerationStats&) { std::cout << piece << std::flush; };
  gemma::GenerationResult result;
  if (o.raw) {
    std::string text = o.system;
    for (const auto& m : conversation) text += (text.empty() ? "" : "\n") + m.text;
    result = session.Generate(gemma::RawPrompt(session.model().tokenizer(), text), o.generation, print, &g_cancel);
  } else {
    result = session.Reply(conversation, o.system, o.generation, print, &g_cancel);
  }
  g_generating = false;
  std::cout << "\n" << std::flush;
  const gemma::GenerationStats& s = result.stats;
  std::fprintf(stderr,
               "[prefill %d tokens (%d reused) in %.2f s: %.1f tok/s | decode %d tokens in %.2f s: %.1f tok/s | "
               "stop: %s%s]\n",
               s.prefill_tokens, s.reused_tokens, s.prefill_seconds, s.prefill_tokens_per_second(),
               s.generated_tokens, s.decode_seconds, s.decode_tokens_per_second(),
               gemma::StopReasonName(result.stop),
               s.dropped_turns ? (", " + std::to_string(s.dropped_turns) + " oldest turns dropped").c_str() : "");
  if (o.print_ids) {
    std::cout << "prompt_ids: " << JoinIds(result.prompt) << "\n";
    std::cout << "output_ids: " << JoinIds(result.tokens) << "\n" << std::flush;
  }
  if (!o.dump_logits.empty()) WriteLogits(o.dump_logits, result.prompt_logits);
  return result;
}

int Chat(gemma::Session& session, const Options& o) {
  std::vector<gemma::ChatMessage> conversation;
  std::cerr << "Chatting with " << session.model().info().name << ". /reset starts over, /quit leaves.\n";
  std::string line;
  while (true) {
    std::cout << "> " << std::flush;
    if (!std::getline(std::cin, line) || line == "/quit" || line == "/exit") break;
    if (line == "/reset") {
      conversation.clear();
      session.Reset();
      std::cerr << "(new conversation)\n";
      continue;
    }
    if (line.empty()) continue;
    conversation.push_back({gemma::Role::kUser, line});
    try {
      const gemma::GenerationResult result = RunTurn(session, o, conversation);
      conversation.push_back({gemma::Role::kModel, result.text});
    } catch (const gemma::Error& e) {
      conversation.pop_back();
      std::cerr << "gemma-cli: " << e.what() << "\n";
    }
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const Options o = ParseArguments(argc, argv);
  std::signal(SIGINT, OnInterrupt);
  try {
    std::cerr << "Loading " << o.model << " ...\n";
    auto model = gemma::LoadModel(o.model);
    auto runtime = std::make_shared<gemma::Runtime>(gemma::RuntimeOptions{.threads = o.threads});
    gemma::Session session(std::move(model), runtime, o.context);
    std::cerr << "Kernels: " << gemma::KernelPathName(runtime->kernels().path) << ", " << runtime->threads()
              << " threads, context " << session.context() << " tokens\n";
    if (!o.has_prompt) return Chat(session, o);
    std::vector<gemma::ChatMessage> conversation{{gemma::Role::kUser, o.prompt}};
    RunTurn(session, o, conversation);
    return 0;
  } catch (const gemma::Error& e) {
    std::cerr << "gemma-cli: " << e.what() << "\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "gemma-cli: unexpected error: " << e.what() << "\n";
    return 1;
  }
}

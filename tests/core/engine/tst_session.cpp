// The generation session: KV-cache reuse across turns (and that it changes nothing in the output), stop
// conditions, cancel, streaming in whole UTF-8 characters, and fitting long conversations into the context.
#include <QTest>

#include <string>

#include "core/engine/forward.h"
#include "core/engine/session.h"
#include "core/model/importer.h"
#include "tests/support/tiny_checkpoint.h"
#include "tests/support/tiny_model.h"

using namespace gemma;
using namespace gemma::testing;

namespace {

bool IsValidUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const unsigned char c = s[i];
    const int length = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (length == 0 || i + length > s.size()) return false;
    for (int k = 1; k < length; ++k)
      if ((static_cast<unsigned char>(s[i + k]) >> 6) != 2) return false;
    i += length;
  }
  return true;
}

GenerationOptions Greedy(int max_tokens) {
  GenerationOptions options;
  options.max_tokens = max_tokens;
  return options;
}

}  // namespace

class SessionTest : public QObject {
  Q_OBJECT

  std::shared_ptr<Runtime> runtime_ = std::make_shared<Runtime>(RuntimeOptions{.threads = 2});
  TinyModel tiny_ = MakeTinyModel(Attention::kMultiQuery, 5);
  std::shared_ptr<const Model> model_ = BuildModelInMemory(*MakeTinyCheckpoint(tiny_), WeightType::kF32);

 private slots:
  void secondTurnPrefillsOnlyItsNewTokensAndMatchesAFreshRun() {
    Session session(model_, runtime_);
    std::vector<ChatMessage> conversation{{Role::kUser, "Hello! How are you today?"}};
    const GenerationResult first = session.Reply(conversation, "Be brief.", Greedy(12));
    QCOMPARE(first.stats.reused_tokens, 0);
    QCOMPARE(first.stats.prefill_tokens, first.stats.prompt_tokens);

    conversation.push_back({Role::kModel, first.text});
    conversation.push_back({Role::kUser, "What is 12 + 30?"});
    const GenerationResult second = session.Reply(conversation, "Be brief.", Greedy(12));
    // The cache now holds the first prompt and every reply token that was fed back (not a final stop token).
    std::vector<int> cached = first.prompt;
    cached.insert(cached.end(), first.tokens.begin(), first.tokens.end());
    if (first.stop == StopReason::kEndOfTurn || first.stop == StopReason::kEndOfSequence) cached.pop_back();
    size_t shared = 0;
    while (shared < cached.size() && shared < second.prompt.size() && cached[shared] == second.prompt[shared])
      ++shared;
    QVERIFY2(shared >= first.prompt.size(), "the second turn's prompt should extend the first turn's");
    QCOMPARE(second.stats.reused_tokens, int(shared));
    QCOMPARE(second.stats.prefill_tokens, second.stats.prompt_tokens - int(shared));

    Session fresh(model_, runtime_);
    const GenerationResult scratch = fresh.Reply(conversation, "Be brief.", Greedy(12));
    QCOMPARE(scratch.stats.reused_tokens, 0);
    QCOMPARE(scratch.prompt, second.prompt);
    QCOMPARE(scratch.tokens, second.tokens);
    QCOMPARE(scratch.text, second.text);
  }

  void streamedPiecesAreWholeCharactersAndMakeTheText() {
    Session session(model_, runtime_);
    GenerationOptions options = Greedy(40);
    options.sampling.temperature = 1.5f;  // wander into byte-fallback tokens
    options.sampling.seed = 3;
    std::string streamed;
    int calls = 0;
    const GenerationResult r = session.Reply(std::vector<ChatMessage>{{Role::kUser, "안녕하세요! 오늘 기분이 어떠세요?"}}, "", options,
                                             [&](std::string_view piece, const GenerationStats& stats) {
                                               QVERIFY(IsValidUtf8(piece));
                                               streamed += piece;
                                               ++calls;
                                               QVERIFY(stats.generated_tokens >= calls);
                                             });
    QCOMPARE(streamed, r.text);
    QVERIFY(calls > 0);
  }

  void cancelStopsWithinOneToken() {
    Session session(model_, runtime_);
    std::atomic<bool> cancel{false};
    int pieces = 0;
    const GenerationResult r = session.Reply(
        std::vector<ChatMessage>{{Role::kUser, "Write a short poem about the sea."}}, "", Greedy(100),
        [&](std::string_view, const GenerationStats& stats) {
          if (++pieces == 3) cancel = true;
        },
        &cancel);
    if (r.stop != StopReason::kCancelled) QSKIP("the model stopped by itself before three tokens");
    QCOMPARE(r.stats.generated_tokens, 3);
  }

  void cancelDuringPrefillStopsAtAChunkBoundary() {
    // A prompt of more than one prefill chunk, cancelled before it starts and then run: Stop never waits for
    // the whole prompt, and the session stays usable.
    Session session(model_, runtime_);
    const std::vector<int> prompt = TinyPrompt(tiny_, session.context() - 8);
    QVERIFY(int(prompt.size()) > ForwardPass::kMaxBatch);
    std::atomic<bool> cancel{true};
    const GenerationResult cancelled = session.Generate(prompt, Greedy(4), {}, &cancel);
    QCOMPARE(cancelled.stop, StopReason::kCancelled);
    QCOMPARE(cancelled.stats.prefill_tokens, 0);
    QVERIFY(cancelled.tokens.empty());
    QVERIFY(session.history().empty());
    const GenerationResult run = session.Generate(prompt, Greedy(4));
    QCOMPARE(run.stats.reused_tokens, 0);
    QCOMPARE(run.stats.prefill_tokens, int(prompt.size()));
  }

  void maxTokensIsRespected() {
    Session session(model_, runtime_);
    const GenerationResult r = session.Reply(std::vector<ChatMessage>{{Role::kUser, "Hello"}}, "", Greedy(5));
    QVERIFY(r.stats.generated_tokens <= 5);
    if (r.stop == StopReason::kMaxTokens) QCOMPARE(r.stats.generated_tokens, 5);
  }

  void endOfTurnAndEosStopTheReply() {
    // Make the reply's first token certain: with o_proj and down_proj zero the residual stream is the
    // input embedding, so the logits are E[last] . E[v] / rms; a stop row that is 10 x E[last] wins.
    for (bool use_eos : {false, true}) {
      TinyModel tiny = tiny_;
      for (int layer = 0; layer < tiny.config.layers; ++layer) {
        const std::string p = "model.layers." + std::to_string(layer) + ".";
        for (const char* name : {"self_attn.o_proj.weight", "mlp.down_proj.weight"})
          std::fill(tiny.tensors[p + name].begin(), tiny.tensors[p + name].end(), 0.0f);
      }
      std::fill(tiny.tensors["model.norm.weight"].begin(), tiny.tensors["model.norm.weight"].end(), 0.0f);
      auto probe = BuildModelInMemory(*MakeTinyCheckpoint(tiny), WeightType::kF32);
      const Tokenizer& tok = probe->tokenizer();
      const std::vector<ChatMessage> conversation{{Role::kUser, "Hi"}};
      const int last = ApplyChatTemplate(tok, conversation).back();
      const int stop = use_eos ? tok.eos_id() : tok.end_of_turn_id();
      auto& embed = tiny.tensors["model.embed_tokens.weight"];
      const int H = tiny.config.hidden;
      for (int i = 0; i < H; ++i) embed[size_t(stop) * H + i] = 10.0f * embed[size_t(last) * H + i];
      auto model = BuildModelInMemory(*MakeTinyCheckpoint(tiny), WeightType::kF32);
      Session session(std::move(model), runtime_);
      const GenerationResult r = session.Reply(conversation, "", Greedy(10));
      QCOMPARE(r.stop, use_eos ? StopReason::kEndOfSequence : StopReason::kEndOfTurn);
      QCOMPARE(r.tokens, std::vector<int>{stop});
      QVERIFY(r.text.empty());
    }
  }

  void sameSeedSameReply() {
    GenerationOptions options = Greedy(16);
    options.sampling.temperature = 0.9f;
    options.sampling.top_k = 50;
    options.sampling.seed = 42;
    Session a(model_, runtime_), b(model_, runtime_);
    const std::vector<ChatMessage> conversation{{Role::kUser, "Tell me something."}};
    QCOMPARE(a.Reply(conversation, "", options).tokens, b.Reply(conversation, "", options).tokens);
  }

  void longConversationsDropTheOldestTurns() {
    Session session(model_, runtime_, /*context_tokens=*/96);
    std::vector<ChatMessage> conversation;
    for (int turn = 0; turn < 12; ++turn) {
      conversation.push_back({Role::kUser, "Please summarize this conversation in one sentence."});
      conversation.push_back({Role::kModel, "The quick brown fox jumps over the lazy dog."});
    }
    conversation.push_back({Role::kUser, "What is 12 + 30?"});
    const GenerationResult r = session.Reply(conversation, "Be brief.", Greedy(8));
    QVERIFY(r.stats.dropped_turns > 0);
    QVERIFY(r.stats.prompt_tokens + r.stats.generated_tokens <= session.context());
    // The system prompt survives: it now opens the first user turn that was kept.
    const std::string prompt_text = model_->tokenizer().Decode(r.prompt);
    QVERIFY(prompt_text.find("Be brief.") != std::string::npos);
  }

  void promptTooLongIsAClearError() {
    Session session(model_, runtime_, 32);
    const std::vector<int> prompt(40, 5);
    QVERIFY_THROWS_EXCEPTION(gemma::Error, session.Generate(prompt, Greedy(4)));
  }
};

QTEST_GUILESS_MAIN(SessionTest)
#include "tst_session.moc"

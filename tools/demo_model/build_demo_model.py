#!/usr/bin/python3
"""Builds GemmaChat's demo model from nothing but a seed: a synthetic corpus of dialogues, a SentencePiece
tokenizer with Gemma's conventions, a small Gemma-architecture model trained on the corpus, a Hugging Face
folder of it, and the int8 model file made by the project's own importer (gemma-convert).

  /usr/bin/python3 tools/demo_model/build_demo_model.py          (see tools/README.md)

Writes resources/models/gemmachat-demo.gemma and the held-out test prompts in tests/data/demo_model/.
The same seed on the same machine gives the same model file (apart from the importer's "created" time and the
source folder it records; tools/demo_model/compare_model_files.py compares the rest).
"""

import argparse
import os
import resource
import subprocess
import sys
import time

# Before torch starts OpenMP: threads that wait passively let a shared machine's other jobs run (spinning
# threads made a step 3x slower on a busy 2-core machine).
os.environ.setdefault("OMP_WAIT_POLICY", "passive")

import torch  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)

import corpus  # noqa: E402
import dataset  # noqa: E402
import hf_export  # noqa: E402
import spm_tools  # noqa: E402
import train  # noqa: E402
from gemma_torch import Gemma, GemmaConfig  # noqa: E402

MODEL_NAME = "GemmaChat demo — tiny, not Gemma"


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--steps", type=int, default=1800, help="optimizer steps (each dialogue is seen once)")
    p.add_argument("--batch-size", type=int, default=64, help="dialogues per step")
    p.add_argument("--lr", type=float, default=2e-3, help="peak learning rate")
    p.add_argument("--warmup", type=int, default=300)
    p.add_argument("--weight-decay", type=float, default=0.1)
    p.add_argument("--vocab-size", type=int, default=2048)
    p.add_argument("--hidden", type=int, default=256)
    p.add_argument("--layers", type=int, default=4)
    p.add_argument("--heads", type=int, default=4)
    p.add_argument("--head-dim", type=int, default=64)
    p.add_argument("--ffn", type=int, default=512)
    p.add_argument("--context", type=int, default=512)
    p.add_argument("--threads", type=int, default=2, help="torch threads (the result depends on it)")
    p.add_argument("--f32", action="store_true", help="train in f32 instead of bf16 autocast (slower)")
    p.add_argument("--validate-every", type=int, default=300)
    p.add_argument("--work", default=os.path.join(ROOT, "build", "demo-model"), help="scratch folder")
    p.add_argument("--out", default=os.path.join(ROOT, "resources", "models", "gemmachat-demo.gemma"))
    p.add_argument("--held-out-dir", default=os.path.join(ROOT, "tests", "data", "demo_model"))
    p.add_argument("--gemma-convert", default=os.path.join(ROOT, "build", "app", "gemma-convert"))
    p.add_argument("--gemma-cli", default=os.path.join(ROOT, "build", "app", "gemma-cli"))
    return p.parse_args()


def log(message):
    print(time.strftime("%H:%M:%S"), message, flush=True)


def tokenizer_lines(dialogues):
    """What the tokenizer learns from: every text of the training dialogues, and the role words as often as
    the template uses them."""
    for d in dialogues:
        for s in dataset.dialogue_strings(d):
            if s not in ("user", "model"):
                yield s
        for _ in d["turns"]:
            yield "user"
            yield "model"


def validation_set(generator):
    """One dialogue per validation problem (never trained), in the test's phrasings."""
    import random
    rng = random.Random(f"validation-phrasing-{generator.seed}")
    dialogues = []
    for op, a, b in generator.arithmetic.validation_problems():
        template = rng.choice(corpus.TEST_ADD if op == "+" else corpus.TEST_SUB)
        korean = not template.isascii()
        dialogues.append({"system": "", "turns": [(corpus.format_problem(template, a, b),
                                                   corpus.arithmetic_answer(a, op, b, korean))]})
    return dialogues


def exact_replies(model, data, pad_id):
    """Which dialogues' replies are the argmax at every reply position: what greedy decoding gives."""
    inputs, targets, weights = (torch.from_numpy(a) for a in data.batch(list(range(len(data))), pad_id))
    predicted = model(inputs).argmax(-1)
    return ~((predicted != targets) & (weights > 0)).any(dim=1)


def validation_report(model, data, problems, pad_id):
    exact = exact_replies(model, data, pad_id)
    add = torch.tensor([op == "+" for op, _, _ in problems])
    wrong = [f"{a}{op}{b}" for (op, a, b), ok in zip(problems, exact.tolist()) if not ok]
    return (f"validation arithmetic exact {exact.float().mean().item():.3f} (addition "
            f"{exact[add].float().mean().item():.3f}, subtraction {exact[~add].float().mean().item():.3f}); "
            f"wrong: {' '.join(wrong[:12])}")


def check_template_against_engine(args, enc, vocab):
    """The training tokens must be what the engine feeds: compare one prompt with gemma-cli --print-ids."""
    dialogue = {"system": "You are a helpful assistant.", "turns": [("What is 12 + 30?", "")]}
    enc.prepare(dataset.dialogue_strings(dialogue))
    expected, _ = dataset.encode_dialogue(dialogue, enc, vocab, generation_prompt_only=True)
    out = subprocess.run([args.gemma_cli, "--model", args.out, "--system", dialogue["system"], "--prompt",
                          dialogue["turns"][0][0], "--temperature", "0", "-n", "16", "--print-ids"],
                         check=True, capture_output=True, text=True).stdout
    line = next(l for l in out.splitlines() if l.startswith("prompt_ids:"))
    got = [int(t) for t in line.split(":")[1].split()]
    if got != expected:
        raise SystemExit(f"the engine's prompt differs from the training template:\n engine {got}\n train  {expected}")
    reply = out.split("prompt_ids:")[0].strip()
    log(f"template matches the engine; gemma-cli answers {dialogue['turns'][0][0]!r} with {reply!r}")


def main():
    args = parse_args()
    began = time.time()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    torch.use_deterministic_algorithms(True)
    os.makedirs(args.work, exist_ok=True)

    generator = corpus.DialogueGenerator(args.seed)
    corpus.write_held_out(generator, args.held_out_dir)
    dialogues = generator.dialogues(args.steps * args.batch_size)
    log(f"{len(dialogues)} training dialogues; held-out prompts in {args.held_out_dir}")

    prefix = os.path.join(args.work, "tokenizer")
    tokenizer_model = spm_tools.train_tokenizer(tokenizer_lines(dialogues[:50000]), prefix, args.vocab_size)
    vocab = dataset.Vocabulary(spm_tools.read_pieces(prefix))
    enc = dataset.Encoder(tokenizer_model, vocab, os.path.join(args.work, "strings.txt"))
    data = dataset.TokenizedCorpus(dialogues, enc, vocab)
    problems = generator.arithmetic.validation_problems()
    validation = dataset.TokenizedCorpus(validation_set(generator), enc, vocab)
    log(f"tokenizer: {vocab.size} pieces; corpus: {len(data.tokens)} tokens, "
        f"{int(data.weights.sum())} of them trained, longest dialogue {data.lengths.max()}")
    if data.lengths.max() > args.context:
        raise SystemExit(f"a dialogue of {data.lengths.max()} tokens does not fit the context of {args.context}")

    cfg = GemmaConfig(vocab_size=vocab.size, hidden=args.hidden, layers=args.layers, heads=args.heads,
                      kv_heads=1, head_dim=args.head_dim, ffn=args.ffn, context=args.context)
    model = Gemma(cfg)
    log(f"model: {cfg}, {sum(p.numel() for p in model.parameters())} parameters")
    seconds = train.train(model, data, vocab.pad, args.steps, args.batch_size, args.lr, args.warmup,
                          args.weight_decay, args.seed, bf16=not args.f32,
                          validate=lambda m: validation_report(m, validation, problems, vocab.pad),
                          validate_every=args.validate_every, log=log)
    log(f"trained in {seconds / 60:.1f} min")
    torch.save(model.state_dict(), os.path.join(args.work, "model.pt"))

    folder = os.path.join(args.work, "gemmachat-demo-it")
    hf_export.write_hf_folder(folder, cfg, model.state_dict(), tokenizer_model, vocab.end_of_turn,
                              bos_id=vocab.bos, eos_id=vocab.eos, pad_id=vocab.pad)
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    subprocess.run([args.gemma_convert, folder, args.out, "--name", MODEL_NAME], check=True)
    check_template_against_engine(args, enc, vocab)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    log(f"wrote {args.out} ({os.path.getsize(args.out) / 1e6:.1f} MB) in {(time.time() - began) / 60:.1f} min, "
        f"{(usage.ru_utime + usage.ru_stime) / 60:.1f} CPU min")


if __name__ == "__main__":
    main()

"""SentencePiece through its command-line tools (Debian's `sentencepiece` package; there is no Python module
in Debian 12): training a tokenizer with Gemma's conventions, and encoding many strings in one call.
"""

import os
import subprocess

# Gemma's tokenizer conventions (GEMMA.md, TOOLCHAIN.md): BPE, byte fallback, digits split, no dummy prefix,
# text kept as is (identity normalization, no whitespace folding), the turn markers user-defined so they are
# matched in text, and the ids pad 0, eos 1, bos 2, unk 3.
GEMMA_SPM_FLAGS = [
    "--model_type=bpe",
    "--byte_fallback=true",
    "--split_digits=true",
    "--add_dummy_prefix=false",
    "--remove_extra_whitespaces=false",
    "--normalization_rule_name=identity",
    "--allow_whitespace_only_pieces=true",
    "--user_defined_symbols=<start_of_turn>,<end_of_turn>",
    "--pad_id=0", "--eos_id=1", "--bos_id=2", "--unk_id=3",
    "--pad_piece=<pad>", "--eos_piece=<eos>", "--bos_piece=<bos>", "--unk_piece=<unk>",
    "--character_coverage=1.0",
]
# Reproducibility: every line read, in order, on one thread.
DETERMINISM_FLAGS = ["--input_sentence_size=0", "--shuffle_input_sentence=false", "--num_threads=1"]


def train_tokenizer(lines, prefix, vocab_size):
    """Trains prefix.model / prefix.vocab on the given lines (one sentence each: no newlines inside)."""
    corpus = prefix + ".corpus.txt"
    with open(corpus, "w", encoding="utf-8") as f:
        for line in lines:
            assert "\n" not in line, "spm_train reads one sentence per line"
            f.write(line + "\n")
    # Run in the prefix's folder with bare file names: the model records its trainer's input and prefix, and
    # an absolute path there would make the same build in another folder a different file (and ship a path).
    folder, name = os.path.split(os.path.abspath(prefix))
    subprocess.run(["spm_train", f"--input={name}.corpus.txt", f"--model_prefix={name}", f"--vocab_size={vocab_size}",
                    "--minloglevel=1", *GEMMA_SPM_FLAGS, *DETERMINISM_FLAGS], check=True, cwd=folder,
                   stdout=subprocess.DEVNULL)
    return prefix + ".model"


def read_pieces(prefix):
    """The pieces in id order, from prefix.vocab (piece <tab> score)."""
    with open(prefix + ".vocab", encoding="utf-8") as f:
        return [line.rstrip("\n").split("\t")[0] for line in f]


def encode(model, strings, work_file):
    """Ids of each string (no BOS/EOS), encoded by spm_encode in one run. Strings must not contain newlines."""
    with open(work_file, "w", encoding="utf-8") as f:
        for s in strings:
            assert "\n" not in s, repr(s)
            f.write(s + "\n")
    out = subprocess.run(["spm_encode", f"--model={model}", "--output_format=id", f"--input={work_file}"],
                         check=True, capture_output=True, text=True).stdout
    lines = out.split("\n")
    assert lines[-1] == "" and len(lines) == len(strings) + 1, "spm_encode gave one line per input line"
    os.remove(work_file)
    return [[int(t) for t in line.split()] for line in lines[:-1]]

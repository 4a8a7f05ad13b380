"""Dialogues to training tokens, exactly as the engine's chat template (core/engine/chat_template.cpp) builds
a prompt: <bos>, then per turn <start_of_turn> "user\n{text}" <end_of_turn> "\n", the model's turn the same,
a system prompt put at the start of the first user turn followed by a blank line. Text between the markers is
tokenized on its own; the "\n" after "user"/"model" is its own token (a byte piece: no piece of this
vocabulary contains a newline, so no merge crosses it). build_demo_model.py checks the result against
gemma-cli --print-ids.

The loss is on the model's replies only (their tokens and the closing <end_of_turn>): the user's text is
context to read, not to imitate.
"""

import numpy as np

import spm_tools


class Vocabulary:
    def __init__(self, pieces):
        index = {p: i for i, p in enumerate(pieces)}
        self.size = len(pieces)
        self.pad, self.eos, self.bos = index["<pad>"], index["<eos>"], index["<bos>"]
        self.start_of_turn, self.end_of_turn = index["<start_of_turn>"], index["<end_of_turn>"]
        self.newline = index["<0x0A>"]


class Encoder:
    """Encodes the many repeated strings of a corpus once each (spm_encode in one run)."""

    def __init__(self, model, vocab, work_file):
        self.model, self.vocab, self.work_file = model, vocab, work_file
        self.cache = {}

    def prepare(self, strings):
        new = sorted({s for s in strings if s not in self.cache})
        for s, ids in zip(new, spm_tools.encode(self.model, new, self.work_file)):
            self.cache[s] = ids

    def __call__(self, s):
        return self.cache[s]


def dialogue_strings(dialogue):
    yield "user"
    yield "model"
    if dialogue["system"]:
        yield dialogue["system"]
    for user, reply in dialogue["turns"]:
        yield user
        yield reply


def encode_dialogue(dialogue, enc, vocab, generation_prompt_only=False):
    """(ids, weights): weights[t] = 1 where ids[t] is a reply token the model must learn to produce.

    With generation_prompt_only the last reply is left out: the ids end with "<start_of_turn>model\\n", the
    prompt the engine feeds for a reply (used to check the template against gemma-cli).
    """
    v = vocab
    ids, weights = [v.bos], [0]

    def add(tokens, weight):
        ids.extend(tokens)
        weights.extend([weight] * len(tokens))

    turns = dialogue["turns"]
    for i, (user, reply) in enumerate(turns):
        add([v.start_of_turn] + enc("user") + [v.newline], 0)
        if i == 0 and dialogue["system"]:
            add(enc(dialogue["system"]) + [v.newline, v.newline], 0)
        add(enc(user) + [v.end_of_turn, v.newline], 0)
        add([v.start_of_turn] + enc("model") + [v.newline], 0)
        if generation_prompt_only and i == len(turns) - 1:
            break
        add(enc(reply) + [v.end_of_turn], 1)
        add([v.newline], 0)
    return ids, weights


class TokenizedCorpus:
    """All dialogues' tokens in one array (int16) with offsets, so a few hundred thousand dialogues fit in MBs."""

    def __init__(self, dialogues, enc, vocab):
        enc.prepare(s for d in dialogues for s in dialogue_strings(d))
        pieces, masks, offsets = [], [], [0]
        for d in dialogues:
            ids, weights = encode_dialogue(d, enc, vocab)
            pieces.append(np.asarray(ids, dtype=np.int16))
            masks.append(np.asarray(weights, dtype=np.uint8))
            offsets.append(offsets[-1] + len(ids))
        self.tokens = np.concatenate(pieces)
        self.weights = np.concatenate(masks)
        self.offsets = np.asarray(offsets, dtype=np.int64)
        self.lengths = np.diff(self.offsets)

    def __len__(self):
        return len(self.lengths)

    def batch(self, indices, pad_id):
        """(inputs, targets, weights) as int64/int64/float32 arrays [B, T-1], padded at the end."""
        T = int(self.lengths[indices].max())
        ids = np.full((len(indices), T), pad_id, dtype=np.int64)
        w = np.zeros((len(indices), T), dtype=np.float32)
        for row, i in enumerate(indices):
            a, b = self.offsets[i], self.offsets[i + 1]
            ids[row, : b - a] = self.tokens[a:b]
            w[row, : b - a] = self.weights[a:b]
        return ids[:, :-1], ids[:, 1:], w[:, 1:]

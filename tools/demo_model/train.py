"""The demo model's training loop: AdamW, warm-up then cosine decay, loss on reply tokens only, batches of
dialogues of similar length (less padding), everything seeded so a run is repeatable on the same machine.
"""

import math
import random
import time

import numpy as np
import torch
import torch.nn.functional as F


def batch_plan(corpus, steps, batch_size, seed):
    """The dialogue indices of every step: the corpus in order, each window of 16 batches sorted by length
    and cut into batches, whose order is then shuffled. Each dialogue is seen once."""
    assert len(corpus) >= steps * batch_size, "generate at least steps * batch_size dialogues"
    rng = random.Random(f"batches-{seed}")
    window = 16 * batch_size
    plan = []
    for start in range(0, steps * batch_size, window):
        idx = np.arange(start, min(start + window, steps * batch_size))
        idx = idx[np.argsort(corpus.lengths[idx], kind="stable")]
        batches = [idx[i:i + batch_size] for i in range(0, len(idx), batch_size)]
        rng.shuffle(batches)
        plan.extend(batches)
    return plan[:steps]


def learning_rate(step, steps, peak, warmup, final_ratio):
    if step < warmup:
        return peak * (step + 1) / warmup
    progress = (step - warmup) / max(1, steps - warmup)
    return peak * (final_ratio + (1 - final_ratio) * 0.5 * (1 + math.cos(math.pi * progress)))


def train(model, corpus, pad_id, steps, batch_size, peak_lr, warmup, weight_decay, seed, bf16=True,
          validate=None, validate_every=1000, log=print):
    """Trains in place and returns the seconds it took. With bf16 the matrix products run in bfloat16 under
    autocast (oneDNN uses the CPU's AVX-512 BF16: 1.4x faster steps here) while the weights, the optimizer,
    the norms, softmax and the output layer stay f32."""
    decay = [p for n, p in model.named_parameters() if p.dim() >= 2]
    no_decay = [p for n, p in model.named_parameters() if p.dim() < 2]  # the norms' weights
    optimizer = torch.optim.AdamW([{"params": decay, "weight_decay": weight_decay},
                                   {"params": no_decay, "weight_decay": 0.0}],
                                  lr=peak_lr, betas=(0.9, 0.98), eps=1e-8)
    plan = batch_plan(corpus, steps, batch_size, seed)
    start = last = time.time()
    tokens_since, loss_sum, loss_count = 0, 0.0, 0
    model.train()
    for step, indices in enumerate(plan):
        lr = learning_rate(step, steps, peak_lr, warmup, final_ratio=0.05)
        for group in optimizer.param_groups:
            group["lr"] = lr
        inputs, targets, weights = (torch.from_numpy(a) for a in corpus.batch(indices, pad_id))
        select = weights > 0
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
            logits = model(inputs, select)
        loss = F.cross_entropy(logits, targets[select])
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()

        tokens_since += inputs.numel()
        loss_sum, loss_count = loss_sum + loss.item(), loss_count + 1
        if (step + 1) % 50 == 0 or step + 1 == steps:
            now = time.time()
            log(f"step {step + 1}/{steps}  loss {loss_sum / loss_count:.4f}  lr {lr:.2e}  "
                f"{tokens_since / (now - last):.0f} tok/s  {now - start:.0f} s")
            last, tokens_since, loss_sum, loss_count = now, 0, 0.0, 0
        if validate and ((step + 1) % validate_every == 0 or step + 1 == steps):
            model.eval()
            with torch.no_grad():
                log(f"step {step + 1}: {validate(model)}")
            model.train()
    model.eval()
    return time.time() - start

"""Gemma 1's forward pass in PyTorch, exactly as /work/shared/GEMMA.md (and core/engine/forward.cpp) has it,
for training the demo model. Parameter names are the Hugging Face ones, so the state dict is the checkpoint.

  h = E[ids] * sqrt(H)
  per layer: x = RMSNorm(h); h += Attention(RoPE(x Wq), RoPE(x Wk), x Wv) Wo; x = RMSNorm(h);
             h += (gelu_tanh(x Wg) * (x Wu)) Wd
  logits = RMSNorm(h) E^T        (tied, unscaled; no biases anywhere)
RMSNorm multiplies by (1 + w); RoPE is half-split with theta 10000; multi-query attention (kv heads may be 1);
head_dim is its own setting, scores scale by head_dim^-0.5.
"""

import math
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn


@dataclass
class GemmaConfig:
    vocab_size: int
    hidden: int = 256
    layers: int = 4
    heads: int = 4
    kv_heads: int = 1
    head_dim: int = 64
    ffn: int = 1024
    context: int = 512
    rms_eps: float = 1e-6
    rope_theta: float = 10000.0


class RMSNorm(nn.Module):
    def __init__(self, size, eps):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.zeros(size))  # the offset from 1, as checkpoints store it

    def forward(self, x):
        x32 = x.float()
        y = x32 * torch.rsqrt(x32.pow(2).mean(-1, keepdim=True) + self.eps)
        return (y * (1.0 + self.weight.float())).type_as(x)


def rope_tables(positions, head_dim, theta):
    """cos and sin [T, head_dim / 2] for pair i at angle pos * theta^(-2i / head_dim)."""
    inv_freq = theta ** (-torch.arange(0, head_dim, 2, dtype=torch.float64) / head_dim)
    angles = positions.to(torch.float64)[:, None] * inv_freq[None, :]
    return torch.cos(angles).float(), torch.sin(angles).float()


def apply_rope(x, cos, sin):
    """Half-split rotation of x [B, T, n, head_dim]: the pair is (x[i], x[i + head_dim / 2])."""
    half = x.shape[-1] // 2
    x1, x2 = x[..., :half], x[..., half:]
    c, s = cos[None, :, None, :], sin[None, :, None, :]
    return torch.cat([x1 * c - x2 * s, x2 * c + x1 * s], dim=-1)


class Attention(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.cfg = cfg
        self.q_proj = nn.Linear(cfg.hidden, cfg.heads * cfg.head_dim, bias=False)
        self.k_proj = nn.Linear(cfg.hidden, cfg.kv_heads * cfg.head_dim, bias=False)
        self.v_proj = nn.Linear(cfg.hidden, cfg.kv_heads * cfg.head_dim, bias=False)
        self.o_proj = nn.Linear(cfg.heads * cfg.head_dim, cfg.hidden, bias=False)

    def forward(self, x, cos, sin, mask):
        cfg = self.cfg
        B, T, _ = x.shape
        q = apply_rope(self.q_proj(x).view(B, T, cfg.heads, cfg.head_dim), cos, sin)
        k = apply_rope(self.k_proj(x).view(B, T, cfg.kv_heads, cfg.head_dim), cos, sin)
        v = self.v_proj(x).view(B, T, cfg.kv_heads, cfg.head_dim)
        # Query head i reads kv head i / (heads / kv_heads): group the query heads by their kv head.
        group = cfg.heads // cfg.kv_heads
        q = q.view(B, T, cfg.kv_heads, group, cfg.head_dim).permute(0, 2, 3, 1, 4)  # [B, kv, g, T, d]
        k = k.permute(0, 2, 1, 3)[:, :, None]                                      # [B, kv, 1, T, d]
        v = v.permute(0, 2, 1, 3)[:, :, None]
        scores = torch.matmul(q, k.transpose(-1, -2)) * cfg.head_dim ** -0.5
        scores = scores.float().masked_fill(~mask, float("-inf"))
        probs = torch.softmax(scores, dim=-1).type_as(v)
        out = torch.matmul(probs, v)                                                # [B, kv, g, T, d]
        out = out.permute(0, 3, 1, 2, 4).reshape(B, T, cfg.heads * cfg.head_dim)
        return self.o_proj(out)


class Mlp(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.gate_proj = nn.Linear(cfg.hidden, cfg.ffn, bias=False)
        self.up_proj = nn.Linear(cfg.hidden, cfg.ffn, bias=False)
        self.down_proj = nn.Linear(cfg.ffn, cfg.hidden, bias=False)

    def forward(self, x):
        # GeGLU in f32 under bf16 autocast: more exact, and torch's bf16 tanh-GELU is the slower one here.
        return self.down_proj(F.gelu(self.gate_proj(x).float(), approximate="tanh") * self.up_proj(x).float())


class DecoderLayer(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.input_layernorm = RMSNorm(cfg.hidden, cfg.rms_eps)
        self.self_attn = Attention(cfg)
        self.post_attention_layernorm = RMSNorm(cfg.hidden, cfg.rms_eps)  # the norm before the MLP
        self.mlp = Mlp(cfg)

    def forward(self, h, cos, sin, mask):
        h = h + self.self_attn(self.input_layernorm(h), cos, sin, mask)
        return h + self.mlp(self.post_attention_layernorm(h))


class GemmaBody(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.embed_tokens = nn.Embedding(cfg.vocab_size, cfg.hidden)
        self.layers = nn.ModuleList(DecoderLayer(cfg) for _ in range(cfg.layers))
        self.norm = RMSNorm(cfg.hidden, cfg.rms_eps)


class Gemma(nn.Module):
    """state_dict() keys are the Hugging Face tensor names (model.embed_tokens.weight, ...)."""

    def __init__(self, cfg):
        super().__init__()
        self.cfg = cfg
        self.model = GemmaBody(cfg)
        self.reset_parameters()

    def reset_parameters(self):
        std = 0.02
        for name, p in self.named_parameters():
            if name.endswith("layernorm.weight") or name == "model.norm.weight":
                nn.init.zeros_(p)
            elif name.endswith("o_proj.weight") or name.endswith("down_proj.weight"):
                nn.init.normal_(p, std=std / math.sqrt(2 * self.cfg.layers))  # residual branches start small
            else:
                nn.init.normal_(p, std=std)

    def forward(self, ids, select=None):
        """Logits [B, T, vocab] for ids [B, T] that start with BOS at position 0. Rows shorter than T are padded
        at the end (their padding only sees itself and earlier tokens, and its logits are not used).
        With select (bool [B, T]) only the logits of those positions, [N, vocab]: training needs the replies'
        only, and the output layer is a fifth of the model's work."""
        cfg = self.cfg
        B, T = ids.shape
        positions = torch.arange(T)
        cos, sin = rope_tables(positions, cfg.head_dim, cfg.rope_theta)
        mask = torch.ones(T, T, dtype=torch.bool).tril()[None, None, None]
        h = self.model.embed_tokens(ids) * math.sqrt(cfg.hidden)
        for layer in self.model.layers:
            h = layer(h, cos, sin, mask)
        if select is not None:
            h = h[select]
        # The output layer in f32 even when training under bf16 autocast: logits of 10-20 would be rounded to
        # steps of 1/16 in bf16.
        with torch.autocast("cpu", enabled=False):
            h = self.model.norm(h.float())
            return torch.matmul(h, self.model.embed_tokens.weight.t())

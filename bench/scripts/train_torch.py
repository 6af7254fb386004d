#!/usr/bin/env python3
"""PyTorch CPU twin of bench/Myelin.Benchmarks/Training/TrainingWorkloads.cs.

Prints per-step times and a final line `median_ms=<value>` (median of --steps timed steps after 3 warm-up steps).
Run by `dotnet run -c Release --project bench/Myelin.Benchmarks -- train-vs-torch`; usable alone:
    /usr/bin/python3 bench/scripts/train_torch.py --workload lm --steps 10 --threads 2
"""
import argparse
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

VOCAB, DIM, LAYERS, HEADS, HIDDEN, SEQ, BATCH = 512, 256, 4, 4, 704, 128, 16


class RMSNorm(nn.Module):
    def __init__(self, dim, eps=1e-5):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(dim))

    def forward(self, x):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * self.weight


def rope_tables(seq, head_dim, theta=10000.0):
    inv = theta ** (-torch.arange(0, head_dim, 2, dtype=torch.float64) / head_dim)
    ang = torch.arange(seq, dtype=torch.float64)[:, None] * inv[None, :]
    return torch.cos(ang).float(), torch.sin(ang).float()


def apply_rope(x, cos, sin):
    # x [B, T, H, D], interleaved pairs (2i, 2i+1) as in Myelin's RopeLayout.Interleaved
    a, b = x[..., 0::2], x[..., 1::2]
    c, s = cos[None, :, None, :], sin[None, :, None, :]
    return torch.stack((a * c - b * s, a * s + b * c), dim=-1).flatten(-2)


def attention(q, k, v):
    # Causal softmax attention, written out because Debian's torch 1.13 has no scaled_dot_product_attention.
    t = q.shape[-2]
    s = (q @ k.transpose(-2, -1)) * (q.shape[-1] ** -0.5)
    mask = torch.ones(t, t, dtype=torch.bool).triu(1)
    return torch.softmax(s.masked_fill(mask, float("-inf")), dim=-1) @ v


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.attn_norm = RMSNorm(DIM)
        self.q = nn.Linear(DIM, DIM, bias=False)
        self.k = nn.Linear(DIM, DIM, bias=False)
        self.v = nn.Linear(DIM, DIM, bias=False)
        self.o = nn.Linear(DIM, DIM, bias=False)
        self.ffn_norm = RMSNorm(DIM)
        self.gate = nn.Linear(DIM, HIDDEN, bias=False)
        self.up = nn.Linear(DIM, HIDDEN, bias=False)
        self.down = nn.Linear(HIDDEN, DIM, bias=False)

    def forward(self, x, cos, sin):
        b, t, _ = x.shape
        h = self.attn_norm(x)
        q = apply_rope(self.q(h).view(b, t, HEADS, -1), cos, sin).transpose(1, 2)
        k = apply_rope(self.k(h).view(b, t, HEADS, -1), cos, sin).transpose(1, 2)
        v = self.v(h).view(b, t, HEADS, -1).transpose(1, 2)
        a = attention(q, k, v)
        x = x + self.o(a.transpose(1, 2).reshape(b, t, DIM))
        h = self.ffn_norm(x)
        return x + self.down(F.silu(self.gate(h)) * self.up(h))


class Lm(nn.Module):
    def __init__(self):
        super().__init__()
        self.embd = nn.Embedding(VOCAB, DIM)
        self.blocks = nn.ModuleList(Block() for _ in range(LAYERS))
        self.norm = RMSNorm(DIM)
        self.out = nn.Linear(DIM, VOCAB, bias=False)
        cos, sin = rope_tables(SEQ, DIM // HEADS)
        self.register_buffer("cos", cos)
        self.register_buffer("sin", sin)

    def forward(self, tokens):
        x = self.embd(tokens)
        for blk in self.blocks:
            x = blk(x, self.cos, self.sin)
        return self.out(self.norm(x))


def make(workload):
    g = torch.Generator().manual_seed(2)
    if workload == "mlp":
        model = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 256), nn.ReLU(), nn.Linear(256, 10))
        opt = torch.optim.Adam(model.parameters(), lr=1e-3)
        x = torch.rand(128, 784, generator=g)
        y = torch.randint(0, 10, (128,), generator=g)

        def step():
            loss = F.cross_entropy(model(x), y)
            opt.zero_grad(set_to_none=False)
            loss.backward()
            opt.step()
            return loss.item()
    else:
        model = Lm()
        opt = torch.optim.AdamW(model.parameters(), lr=3e-4)
        inputs = torch.randint(0, VOCAB, (BATCH, SEQ), generator=g)
        targets = torch.randint(0, VOCAB, (BATCH * SEQ,), generator=g)

        def step():
            loss = F.cross_entropy(model(inputs).view(-1, VOCAB), targets)
            opt.zero_grad(set_to_none=False)
            loss.backward()
            opt.step()
            return loss.item()
    return step


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--workload", choices=["mlp", "lm"], default="mlp")
    p.add_argument("--steps", type=int, default=10)
    p.add_argument("--threads", type=int, default=1)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(1)
    step = make(a.workload)
    for _ in range(3):
        step()
    times = []
    for _ in range(a.steps):
        t0 = time.perf_counter()
        step()
        times.append((time.perf_counter() - t0) * 1000)
    print("steps_ms=" + ",".join(f"{t:.2f}" for t in times))
    print(f"median_ms={statistics.median(times):.3f}")


if __name__ == "__main__":
    main()

"""PyTorch reference for `npm run bench:eval`: the generative retriever's training step.

The same model as src/engine/eval/model/generativeRetriever.ts, written here from its
description (design section 5): an item enters as the sum of its L+1 token embeddings plus
a learned position, a pre-LN causal transformer (q, k, v, out; ReLU feed-forward;
dropout after the input, the attention and the feed-forward), a final LayerNorm, and per
token position a head LN(context + embeddings of the tokens before) -> Linear(d, ff) ->
ReLU -> Linear(ff, vocab) with cross-entropy (teacher forcing); Adam. Every slot of
every row is a target (a full batch, no padding), like the engine's side of the bench.

Usage: eval_step_reference.py --rows 128 --length 20 --layers 2 --heads 2 --d-model 128
       --ff 256 --vocab 256,256,256,4 --steps 10 --threads 1
Prints one JSON line: torch version, wall and process CPU ms per step.
"""
import argparse
import json
import resource
import time

import torch
from torch import nn

p = argparse.ArgumentParser()
for name, default in [("rows", 128), ("length", 20), ("layers", 2), ("heads", 2), ("d-model", 128), ("ff", 256), ("steps", 10), ("threads", 1)]:
    p.add_argument(f"--{name}", type=int, default=default)
p.add_argument("--vocab", default="256,256,256,4")
p.add_argument("--dropout", type=float, default=0.1)
a = p.parse_args()
torch.set_num_threads(a.threads)
torch.manual_seed(0)
vocab = [int(v) for v in a.vocab.split(",")]
d = a.d_model


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.ln1, self.ln2 = nn.LayerNorm(d), nn.LayerNorm(d)
        self.q, self.k, self.v, self.out = (nn.Linear(d, d) for _ in range(4))
        self.ff1, self.ff2 = nn.Linear(d, a.ff), nn.Linear(a.ff, d)
        self.drop = nn.Dropout(a.dropout)

    def forward(self, x, mask):
        rows, length, _ = x.shape
        h = self.ln1(x)
        split = lambda t: t.view(rows, length, a.heads, d // a.heads).transpose(1, 2)
        q, k, v = split(self.q(h)), split(self.k(h)), split(self.v(h))
        w = torch.softmax(q @ k.transpose(-1, -2) / (d // a.heads) ** 0.5 + mask, -1)
        x = x + self.drop(self.out((w @ v).transpose(1, 2).reshape(rows, length, d)))
        return x + self.drop(self.ff2(torch.relu(self.ff1(self.ln2(x)))))


class Retriever(nn.Module):
    def __init__(self):
        super().__init__()
        self.inputs = nn.ModuleList(nn.Embedding(k, d) for k in vocab)
        self.prefix = nn.ModuleList(nn.Embedding(k, d) for k in vocab)
        self.positions = nn.Embedding(a.length, d)
        self.blocks = nn.ModuleList(Block() for _ in range(a.layers))
        self.final = nn.LayerNorm(d)
        self.heads = nn.ModuleList(nn.Sequential(nn.LayerNorm(d), nn.Linear(d, a.ff), nn.ReLU(), nn.Linear(a.ff, k)) for k in vocab)
        self.drop = nn.Dropout(a.dropout)

    def loss(self, tokens, targets, mask):
        x = sum(t(tokens[..., i]) for i, t in enumerate(self.inputs)) + self.positions.weight[None]
        x = self.drop(x)
        for b in self.blocks:
            x = b(x, mask)
        context = self.final(x).reshape(-1, d)
        prefix, total = 0, 0
        for i, head in enumerate(self.heads):
            total = total + nn.functional.cross_entropy(head(context + prefix), targets[:, i])
            prefix = prefix + self.prefix[i](targets[:, i])
        return total


model = Retriever()
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
mask = torch.triu(torch.full((a.length, a.length), -1e9), 1)
batches = [
    (torch.stack([torch.randint(0, k, (a.rows, a.length)) for k in vocab], -1), torch.stack([torch.randint(0, k, (a.rows * a.length,)) for k in vocab], -1))
    for _ in range(a.steps + 2)
]


def step(tokens, targets):
    opt.zero_grad()
    loss = model.loss(tokens, targets, mask)
    loss.backward()
    opt.step()
    return float(loss)


for b in batches[:2]:
    step(*b)
cpu0 = resource.getrusage(resource.RUSAGE_SELF)
t0 = time.perf_counter()
for b in batches[2:]:
    step(*b)
wall = (time.perf_counter() - t0) * 1000 / a.steps
cpu1 = resource.getrusage(resource.RUSAGE_SELF)
cpu = ((cpu1.ru_utime - cpu0.ru_utime) + (cpu1.ru_stime - cpu0.ru_stime)) * 1000 / a.steps
print(json.dumps({"torch": torch.__version__, "threads": a.threads, "wall_ms_per_step": wall, "cpu_ms_per_step": cpu}))

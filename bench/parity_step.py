"""PyTorch half of bench/parityStep.ts: the same Adam steps from the engine's written weights.

Usage: parity_step.py FEATURES DIR STEPS BATCH (DIR holds before.json and after.json).
Prints PyTorch's losses and, per variable, the largest |engine - PyTorch| after the steps
beside the largest update.
"""
import json
import sys

import numpy as np
import torch

features, folder, steps, batch = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
torch.set_num_threads(1)
before = json.load(open(f"{folder}/before.json"))
after = json.load(open(f"{folder}/after.json"))
params = {k: torch.nn.Parameter(torch.tensor(v["data"], dtype=torch.float32).reshape(v["shape"])) for k, v in before.items()}
data = torch.from_numpy(np.fromfile(features, dtype="<f4").reshape(-1, params["encoder/w0"].shape[0]).copy())
layers = lambda prefix: [(params[f"{prefix}/w{i}"], params[f"{prefix}/b{i}"]) for i in range(sum(k.startswith(f"{prefix}/w") for k in params))]
encoder, decoder = layers("encoder"), layers("decoder")
codebooks = [params[f"codebook/{l}"] for l in range(sum(k.startswith("codebook/") for k in params))]


def run(stack, x):
    for i, (w, b) in enumerate(stack):
        x = x @ w + b
        if i < len(stack) - 1:
            x = torch.relu(x)
    return x


opt = torch.optim.Adam(list(params.values()), lr=1e-3)
losses = []
for s in range(steps):
    x = data[s * batch:(s + 1) * batch]
    z = run(encoder, x)
    r, q, loss = z, torch.zeros_like(z), 0.0
    for e in codebooks:
        with torch.no_grad():
            codes = ((r * r).sum(1, keepdim=True) - 2 * r @ e.t() + (e * e).sum(1)[None, :]).argmin(1)
        chosen = e[codes]
        loss = loss + ((r.detach() - chosen) ** 2).sum(1).mean() + 0.25 * ((r - chosen.detach()) ** 2).sum(1).mean()
        q, r = q + chosen, r - chosen.detach()
    loss = loss + ((x - run(decoder, z + (q - z).detach())) ** 2).sum(1).mean()
    losses.append(float(loss))
    opt.zero_grad()
    loss.backward()
    opt.step()
print("pytorch losses: " + " ".join(f"{l:.7f}" for l in losses))
for k in after:
    ours = np.array(after[k]["data"]).reshape(after[k]["shape"])
    start = np.array(before[k]["data"]).reshape(before[k]["shape"])
    theirs = params[k].detach().numpy()
    print(f"{k:12s} max |engine - pytorch| {np.abs(ours - theirs).max():.1e}   max update {np.abs(theirs - start).max():.1e}")

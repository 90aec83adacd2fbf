"""PyTorch reference of the engine's RQ-VAE training step (design §4), for `npm run bench:ref`.

The model and loss of bench/torch_rqvae.py with the engine's default sizes, Adam, one
batch of consecutive rows per step.

Prints one JSON line: threads, ms per step (wall and process CPU), torch version.
Run with Debian's python3-torch: /usr/bin/python3 bench/torch_step_reference.py --threads 1
"""
import argparse
import json
import time

import torch

from torch_rqvae import RQVAE


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--steps", type=int, default=30)
    p.add_argument("--warmup", type=int, default=3)
    p.add_argument("--batch", type=int, default=1024)
    p.add_argument("--dim", type=int, default=768)
    p.add_argument("--encoder", type=str, default="512,256,128")
    p.add_argument("--latent", type=int, default=32)
    p.add_argument("--levels", type=int, default=3)
    p.add_argument("--codes", type=int, default=256)
    p.add_argument("--beta", type=float, default=0.25)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    model = RQVAE(a.dim, [int(s) for s in a.encoder.split(",")], a.latent, a.levels, a.codes)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    data = torch.randn(12101, a.dim) * 0.05

    def step(s):
        start = (s * a.batch) % (data.shape[0] - a.batch)
        x = data[start:start + a.batch]
        loss = model.loss(x, a.beta)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        return float(loss)

    for s in range(a.warmup):
        step(s)
    w0 = time.perf_counter()
    c0 = time.process_time()
    for s in range(a.steps):
        step(s)
    wall = (time.perf_counter() - w0) / a.steps * 1000
    cpu = (time.process_time() - c0) / a.steps * 1000
    print(json.dumps({"threads": a.threads, "steps": a.steps, "wall_ms_per_step": wall, "cpu_ms_per_step": cpu, "torch": torch.__version__}))


if __name__ == "__main__":
    main()

"""PyTorch reference of the engine's RQ-VAE training step (design §4), for `npm run bench:ref`.

Same model as the engine's default: encoder in -> 512 -> 256 -> 128 -> latent (ReLU
between, linear out), mirrored decoder, L residual codebooks of K codes, Adam, one
batch of random rows per step. Loss: ||x - x^||^2 + sum_l (||sg(r) - e||^2 +
beta ||r - sg(e)||^2), squared norms summed over dims and averaged over the batch;
r_l = r_{l-1} - sg(e_l); straight-through x^ = D(z + sg(q - z)).

Prints one JSON line: threads, ms per step (wall and process CPU), torch version.
Run with Debian's python3-torch: /usr/bin/python3 scripts/bench-torch-reference.py --threads 1
"""
import argparse
import json
import time

import torch


def mlp(sizes):
    layers = []
    for i in range(len(sizes) - 1):
        layers.append(torch.nn.Linear(sizes[i], sizes[i + 1]))
        if i < len(sizes) - 2:
            layers.append(torch.nn.ReLU())
    return torch.nn.Sequential(*layers)


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
    sizes = [a.dim] + [int(s) for s in a.encoder.split(",")] + [a.latent]
    encoder = mlp(sizes)
    decoder = mlp(list(reversed(sizes)))
    codebooks = torch.nn.ParameterList([torch.nn.Parameter(torch.randn(a.codes, a.latent) * 0.1) for _ in range(a.levels)])
    params = list(encoder.parameters()) + list(decoder.parameters()) + list(codebooks.parameters())
    opt = torch.optim.Adam(params, lr=1e-3)
    data = torch.randn(12101, a.dim) * 0.05

    def step(s):
        start = (s * a.batch) % (data.shape[0] - a.batch)
        x = data[start:start + a.batch]
        z = encoder(x)
        residual = z
        quantized = torch.zeros_like(z)
        loss = 0.0
        for e in codebooks:
            with torch.no_grad():
                d = (residual * residual).sum(1, keepdim=True) - 2 * residual @ e.t() + (e * e).sum(1)[None, :]
                codes = d.argmin(1)
            chosen = e[codes]
            loss = loss + ((residual.detach() - chosen) ** 2).sum(1).mean()
            loss = loss + a.beta * ((residual - chosen.detach()) ** 2).sum(1).mean()
            quantized = quantized + chosen
            residual = residual - chosen.detach()
        zq = z + (quantized - z).detach()
        x_hat = decoder(zq)
        loss = loss + ((x - x_hat) ** 2).sum(1).mean()
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

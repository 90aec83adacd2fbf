"""A plain PyTorch RQ-VAE with the TIGER recipe, for `npm run bench:parity`.

Written for this project from the recipe (TIGER, Rajput et al. 2023; design.md section 4),
not copied from another code base: the model and loss of bench/torch_rqvae.py
(encoder in -> 512 -> 256 -> 128 -> latent), Adam, codebooks from
scikit-learn's KMeans on the encoder's outputs (level by level, on the residuals) for the
whole catalog, batches drawn uniformly at random.

Switches make it mimic the engine one difference at a time (the ablations of the parity
study): --kmeans engine (k-means++ with plain seeding, 20 Lloyd iterations, as
src/engine/model/kmeans.ts did), --sampling epochs (a fresh permutation every epoch, the
last batch partial, as the trainer does), --loss mean (means over dimensions instead of
sums), --codebook-init-normal (N(0, 0.1^2) codes, no k-means).

Prints one JSON line: per level usage, perplexity, dead codes; the collision rate of the
L-code tuples; the final reconstruction loss; seconds.
Run with Debian's python3-torch and python3-sklearn:
  /usr/bin/python3 bench/parity_reference.py --features ../shared/data/beauty/reference_features_256.f32 --dim 256
"""
import argparse
import json
import math
import time

import numpy as np
import torch

from torch_rqvae import RQVAE



def engine_kmeans(points, k, rng, iterations=20):
    """k-means++ (one candidate per draw) then Lloyd iterations: the engine's algorithm."""
    n = points.shape[0]
    centroids = np.empty((k, points.shape[1]), dtype=np.float64)
    pts = points.astype(np.float64)
    chosen = rng.integers(n)
    min_d = np.full(n, np.inf)
    for c in range(k):
        centroids[c] = pts[chosen]
        min_d = np.minimum(min_d, ((pts - centroids[c]) ** 2).sum(1))
        total = min_d.sum()
        if total <= 0:
            chosen = rng.integers(n)
            continue
        chosen = min(int(np.searchsorted(np.cumsum(min_d), rng.random() * total)), n - 1)
    previous = None
    for _ in range(iterations):
        d = (pts ** 2).sum(1, keepdims=True) - 2 * pts @ centroids.T + (centroids ** 2).sum(1)[None, :]
        assign = d.argmin(1)
        if previous is not None and (assign == previous).all():
            break
        previous = assign
        for c in range(k):
            members = pts[assign == c]
            centroids[c] = members.mean(0) if len(members) else pts[rng.integers(n)]
    return centroids.astype(np.float32)


def sklearn_kmeans(points, k, seed, iterations=300):
    from sklearn.cluster import KMeans

    return KMeans(n_clusters=k, n_init=1, max_iter=iterations, random_state=seed).fit(points).cluster_centers_.astype(np.float32)


def stats(codes, k):
    n, levels = codes.shape
    out = {"usage": [], "perplexity": [], "dead_codes": []}
    for l in range(levels):
        counts = np.bincount(codes[:, l], minlength=k)
        p = counts[counts > 0] / n
        out["usage"].append(float((counts > 0).mean()))
        out["perplexity"].append(float(math.exp(-(p * np.log(p)).sum())))
        out["dead_codes"].append(int((counts == 0).sum()))
    distinct = len({tuple(r) for r in codes.tolist()})
    out["collision_rate"] = 1 - distinct / n
    return out


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--features", required=True)
    p.add_argument("--dim", type=int, default=256)
    p.add_argument("--steps", type=int, default=3000)
    p.add_argument("--batch", type=int, default=1024)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--encoder", type=str, default="512,256,128")
    p.add_argument("--latent", type=int, default=32)
    p.add_argument("--levels", type=int, default=3)
    p.add_argument("--codes", type=int, default=256)
    p.add_argument("--beta", type=float, default=0.25)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--kmeans", choices=["sklearn", "engine", "none"], default="sklearn")
    p.add_argument("--kmeans-iters", type=int, default=0, help="Lloyd iterations (0: 300 for sklearn, 20 for engine)")
    p.add_argument("--sampling", choices=["uniform", "epochs"], default="uniform")
    p.add_argument("--loss", choices=["sum", "mean"], default="sum")
    p.add_argument("--init-from", default="", help="JSON of the engine's initial variables (name -> shape, data): start from them (its codebooks too with --kmeans none)")
    p.add_argument("--every", type=int, default=0, help="also print stats every N steps")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    rng = np.random.default_rng(a.seed)
    t0 = time.time()

    data_np = np.fromfile(a.features, dtype="<f4")
    data_np = data_np.reshape(-1, a.dim)
    data = torch.from_numpy(data_np.copy())
    n = data.shape[0]
    model = RQVAE(a.dim, [int(s) for s in a.encoder.split(",")], a.latent, a.levels, a.codes)
    encoder, decoder, codebooks = model.encoder, model.decoder, model.codebooks

    if a.init_from:
        with torch.no_grad():
            saved = json.load(open(a.init_from))
            value = lambda name: torch.tensor(saved[name]["data"], dtype=torch.float32).reshape(saved[name]["shape"])
            for prefix, net in (("encoder", encoder), ("decoder", decoder)):
                linears = [m for m in net if isinstance(m, torch.nn.Linear)]
                for i, m in enumerate(linears):
                    m.weight.copy_(value(f"{prefix}/w{i}").t())
                    m.bias.copy_(value(f"{prefix}/b{i}"))
            if a.kmeans == "none":
                for l, e in enumerate(codebooks):
                    e.copy_(value(f"codebook/{l}"))
    if a.kmeans != "none":
        with torch.no_grad():
            residual = model.encoder(data).numpy()
            for l, e in enumerate(codebooks):
                if a.kmeans == "sklearn":
                    centroids = sklearn_kmeans(residual, a.codes, a.seed + l, a.kmeans_iters or 300)
                else:
                    centroids = engine_kmeans(residual, a.codes, rng, a.kmeans_iters or 20)
                e.copy_(torch.from_numpy(centroids))
                r = torch.from_numpy(residual)
                residual = (r - e[RQVAE.nearest(r, e)]).numpy()

    opt = torch.optim.Adam(model.parameters(), lr=a.lr)

    order = torch.empty(0, dtype=torch.long)
    pos = 0
    history = []
    for s in range(a.steps):
        if a.sampling == "uniform":
            idx = torch.randint(0, n, (a.batch,))
        else:
            if pos >= len(order):
                order = torch.randperm(n)
                pos = 0
            idx = order[pos:pos + a.batch]
            pos += a.batch
        x = data[idx]
        loss = model.loss(x, a.beta, a.loss)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        if a.every and (s + 1) % a.every == 0:
            with torch.no_grad():
                st = stats(model.assign(encoder(data)).numpy(), a.codes)
            history.append({"step": s + 1, "usage": st["usage"], "collision_rate": st["collision_rate"]})

    with torch.no_grad():
        z = encoder(data)
        codes = model.assign(z).numpy()
        q = torch.zeros_like(z)
        for l, e in enumerate(codebooks):
            q = q + e[torch.from_numpy(codes[:, l])]
        recon = float(((data - decoder(q)) ** 2).sum(1).mean())
    out = {"side": "pytorch", "torch": torch.__version__, "steps": a.steps, "kmeans": a.kmeans, "sampling": a.sampling, "loss": a.loss, "seed": a.seed}
    out.update(stats(codes, a.codes))
    out["recon_loss"] = recon
    out["seconds"] = time.time() - t0
    if history:
        out["history"] = history
    print(json.dumps(out))


if __name__ == "__main__":
    main()

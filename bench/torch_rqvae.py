"""The plain PyTorch RQ-VAE that both reference scripts train (design section 4), written
once: encoder in -> hidden... -> latent (ReLU between, linear out; torch.nn.Linear's
default init), mirrored decoder, L residual codebooks of K codes.

Loss: ||x - x^||^2 + sum_l (||sg(r) - e||^2 + beta ||r - sg(e)||^2), squared norms summed
over dims and averaged over the batch ("sum"; "mean" averages over dims too);
r_l = r_{l-1} - sg(e_l); straight-through x^ = D(z + sg(q - z)).

Used by bench/parity_reference.py (npm run bench:parity) and
bench/torch_step_reference.py (npm run bench:ref).
"""
import torch


def mlp(sizes):
    layers = []
    for i in range(len(sizes) - 1):
        layers.append(torch.nn.Linear(sizes[i], sizes[i + 1]))
        if i < len(sizes) - 2:
            layers.append(torch.nn.ReLU())
    return torch.nn.Sequential(*layers)


class RQVAE(torch.nn.Module):
    def __init__(self, dim, hidden, latent, levels, codes):
        super().__init__()
        sizes = [dim] + list(hidden) + [latent]
        self.encoder = mlp(sizes)
        self.decoder = mlp(list(reversed(sizes)))
        self.codebooks = torch.nn.ParameterList([torch.nn.Parameter(torch.randn(codes, latent) * 0.1) for _ in range(levels)])

    @staticmethod
    def nearest(residual, e):
        """Index of each row's nearest code (squared Euclidean), as the engine computes it."""
        d = (residual * residual).sum(1, keepdim=True) - 2 * residual @ e.t() + (e * e).sum(1)[None, :]
        return d.argmin(1)

    def assign(self, z):
        """[N, L] codes of latents z, level by level on the residuals."""
        residual = z
        codes = []
        for e in self.codebooks:
            c = self.nearest(residual, e)
            codes.append(c)
            residual = residual - e[c]
        return torch.stack(codes, 1)

    def loss(self, x, beta, reduction="sum"):
        """The training loss of one batch (differentiable)."""

        def sq(t):
            return (t ** 2).sum(1).mean() if reduction == "sum" else (t ** 2).mean()

        z = self.encoder(x)
        residual = z
        quantized = torch.zeros_like(z)
        total = 0.0
        for e in self.codebooks:
            with torch.no_grad():
                codes = self.nearest(residual, e)
            chosen = e[codes]
            total = total + sq(residual.detach() - chosen) + beta * sq(residual - chosen.detach())
            quantized = quantized + chosen
            residual = residual - chosen.detach()
        x_hat = self.decoder(z + (quantized - z).detach())
        return total + sq(x - x_hat)

"""Tables of studies/collab/README.md from bench/collabHeldOut.ts --json files.

    python3 studies/collab/table.py studies/collab/results/beauty-fused-s0.json      # one row per variant
    python3 studies/collab/table.py --seeds studies/collab/results/microlens-fused-s*.json  # mean ± std over seeds

Pair InfoNCE / accuracy: the step's own values (sampled pairs, repeats masked), mean of
the last look's window; `train z`: the fixed 2,048 training pairs scored on the latent
(every variant, the plain one too). Reconstruction relative to the file's fused-plain.
"""
import json
import math
import statistics
import sys


def rows(path):
    runs = json.load(open(path))
    plain = next(r for r in runs if r['variant'] == 'fused-plain')
    out = []
    for r in runs:
        lnp = r['chance']['loss']
        chance = r['chance']['accuracy']
        coh = r['coherence']
        out.append({
            'variant': r['variant'],
            'seed': r.get('seed'),
            'steps': r['steps'],
            'pair': r['last_step_loss'],
            'pair_x': None if r['last_step_loss'] is None else r['last_step_loss'] / lnp,
            'acc': r['last_step_acc'],
            'acc_x': None if r['last_step_acc'] is None else r['last_step_acc'] / chance,
            'train_z': r['last_train_z']['loss'], 'train_z_acc': r['last_train_z']['acc'],
            'held_z': r['last_held_z']['loss'], 'held_z_acc': r['last_held_z']['acc'],
            'align': r['last_align'],
            'recon': r['final_recon'],
            'recon_rel': r['final_recon'] / plain['final_recon'] - 1,
            'usage0': r['usage'][0], 'ppl0': r['perplexity'][0],
            'collisions': r['collision_rate'],
            'coh': [(c['users'], c['random']) for c in coh],
            'seconds': r['seconds'], 'load': r.get('load'),
        })
    return out


def fmt(x, f='{:.3f}'):
    return '–' if x is None else f.format(x)


def single(path):
    print('| variant | pair InfoNCE (x ln P) | accuracy (x chance) | train / held z InfoNCE | alignment | recon (vs fused plain) | level 0 usage / ppl | collisions | coherence@1 | @2 | @3 | s (load) |')
    print('| --- ' * 12 + '|')
    for r in rows(path):
        pair = '–' if r['pair'] is None else f"{r['pair']:.2f} ({r['pair_x']:.2f})"
        acc = '–' if r['acc'] is None else f"{r['acc']:.3f} ({r['acc_x']:.0f}x)"
        coh = [f'{u:.3f} : {v:.4f}' for u, v in r['coh']]
        print(f"| {r['variant']} | {pair} | {acc} | {r['train_z']:.2f} / {r['held_z']:.2f} | {fmt(r['align'], '{:.2f}')} | {r['recon']:.4f} ({100 * r['recon_rel']:+.1f}%) | "
              f"{100 * r['usage0']:.1f}% / {r['ppl0']:.0f} | {100 * r['collisions']:.1f}% | {' | '.join(coh)} | {r['seconds']:.0f} ({r['load'][0] if r['load'] else '?'}) |")


def seeds(paths):
    by = {}
    for p in paths:
        for r in rows(p):
            by.setdefault(r['variant'], []).append(r)
    ms = lambda xs: f'{statistics.mean(xs):.3f} ±{statistics.stdev(xs) if len(xs) > 1 else float("nan"):.3f}'
    print(f'seeds: {sorted({r["seed"] for rs in by.values() for r in rs})}')
    print('| variant | n | pair InfoNCE x ln P | accuracy x chance | recon vs fused plain | level 0 usage | collisions | coherence@1 users / random | @2 | @3 | lift@1 |')
    print('| --- ' * 11 + '|')
    for v, rs in by.items():
        pair = '–' if rs[0]['pair_x'] is None else ms([r['pair_x'] for r in rs])
        acc = '–' if rs[0]['acc_x'] is None else f"{statistics.mean([r['acc_x'] for r in rs]):.0f} ±{statistics.stdev([r['acc_x'] for r in rs]) if len(rs) > 1 else float('nan'):.0f}"
        cohs = []
        for d in range(len(rs[0]['coh'])):
            u = [r['coh'][d][0] for r in rs]
            q = [r['coh'][d][1] for r in rs]
            cohs.append(f'{ms(u)} / {ms(q)}')
        lift = [r['coh'][0][0] / r['coh'][0][1] for r in rs]
        print(f"| {v} | {len(rs)} | {pair} | {acc} | {100 * statistics.mean([r['recon_rel'] for r in rs]):+.1f}% ±{100 * (statistics.stdev([r['recon_rel'] for r in rs]) if len(rs) > 1 else math.nan):.1f} | "
              f"{ms([r['usage0'] for r in rs])} | {ms([r['collisions'] for r in rs])} | {' | '.join(cohs)} | {statistics.mean(lift):.1f}x ±{statistics.stdev(lift) if len(lift) > 1 else math.nan:.1f} |")
    # Paired per seed: chosen minus plain coherence at every depth.
    plain = {r['seed']: r for r in by.get('fused-plain', [])}
    for v, rs in by.items():
        if v == 'fused-plain':
            continue
        diffs = [[r['coh'][d][0] - plain[r['seed']]['coh'][d][0] for d in range(len(r['coh']))] for r in rs if r['seed'] in plain]
        if diffs:
            print(f"{v} - fused-plain, users' coherence per depth, per seed: {[[round(x, 4) for x in d] for d in diffs]}")


if __name__ == '__main__':
    if sys.argv[1] == '--seeds':
        seeds(sys.argv[2:])
    else:
        for p in sys.argv[1:]:
            single(p)

# The summary table of README.md "Results" from the two sweeps' run directories:
# usage, collisions, reconstruction and coherence from each run's summary.json, and the
# collaborative InfoNCE and in-batch accuracy averaged over its last 12 logged steps.
# Usage: python3 studies/seed-ablation/table.py studies/seed-ablation/runs
import json, os, statistics as st, sys
root = sys.argv[1]
cats = [('Beauty', 'seed-ablation-beauty'), ('MicroLens', 'seed-ablation-microlens')]
def ms(vals, pct=False, d=1):
    if not vals: return '–'
    f = (lambda v: v*100) if pct else (lambda v: v)
    m = f(st.mean(vals)); s = f(st.stdev(vals)) if len(vals) > 1 else 0
    return f"{m:.{d}f} ±{s:.{d}f}"
def collab_tail(run):
    rows = []
    with open(os.path.join(run, 'metrics.jsonl')) as fh:
        for line in fh:
            if '"losses"' not in line: continue
            try: e = json.loads(line)
            except Exception: continue
            if e.get('type') == 'losses' and e.get('collab') is not None: rows.append(e)
    rows = rows[-12:]
    if not rows: return None
    return st.mean(r['collab'] for r in rows), st.mean(r['collab_accuracy'] for r in rows)
table = {}
for name, folder in cats:
    comp = json.load(open(os.path.join(root, folder, 'comparison.json')))
    for e in comp:
        m = e['metrics']
        runs = e['runs']
        per = [json.load(open(os.path.join(r, 'summary.json'))) for r in runs]
        u0 = [p['usage'][0] for p in per]; col = [p['collision_rate'] for p in per]
        rec = [p['recon_loss'] for p in per]
        c1 = [p['coherence'][0]['users'] / p['coherence'][0]['random'] for p in per if p.get('coherence')]
        ct = [collab_tail(r) for r in runs]; ct = [c for c in ct if c]
        cl = ms([c[0] for c in ct], d=2) if ct else '–'; ca = ms([c[1] for c in ct], pct=True) if ct else '–'
        table.setdefault(e['variant'], {})[name] = f"{ms(u0,True)} / {ms(col,True)} / {ms(rec,d=3)} / {ms(c1)}x / {cl} / {ca}" + (f" (n={len(per)})" if len(per) != 3 else '')
print('| variant | Beauty | MicroLens |\n| --- | --- | --- |')
for v, cells in table.items():
    print(f"| {v} | {cells.get('Beauty','–')} | {cells.get('MicroLens','–')} |")

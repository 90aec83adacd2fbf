/**
 * End-to-end, as a user who installs the packaged extension: `vsce package` the current
 * dist/, install the VSIX with code-server's own CLI into a fresh extensions dir, open a
 * plain session (no extensionDevelopmentPath: only the installed copy can load) on a
 * workspace holding a tiny experiment over the Scientific example's data, run
 * "Semantic IDs: Train RQVAE" from the command palette and wait until a completed run
 * directory appears. Screenshot: <out>/vsix-train.png (vsix-failure.png on failure).
 *
 *   node --import tsx test/vscode/vsixInstall.ts [--out DIR] [--vsix FILE] [--timeout SECONDS]
 *
 * Build first (npm run build). --vsix installs that file instead of packaging one.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Page } from 'playwright-core';
import { assertCodeServerInstalled, defaultCodeServerDir } from './harness/codeServer';
import { extensionFolderName, installVsix, packageVsix } from './harness/vsix';
import { completedRun, quickOpen, runFromPalette, until } from './harness/workbench';
import { withWorkbench, WorkbenchInterrupted } from './harness/withWorkbench';

const repoRoot = path.resolve(__dirname, '..', '..');
const EXPERIMENT = 'scientific-tiny';

/** The Scientific example's real embeddings, read in place, with a model small enough for seconds of training. */
function experimentYaml(): string {
  const data = path.join(repoRoot, 'examples', 'scientific', 'data');
  return [
    `name: ${EXPERIMENT}`,
    'data:',
    `  items: ${JSON.stringify(path.join(data, 'Scientific.text'))}`,
    '  id_field: item_id',
    '  text_fields: [text]',
    `  embeddings: ${JSON.stringify(path.join(data, 'Scientific.emb512.f32'))}`,
    '  embedding_dim: 512',
    `  item_index: ${JSON.stringify(path.join(data, 'Scientific.item2index'))}`,
    'model:',
    '  encoder: [64]',
    '  latent_dim: 16',
    '  levels: 2',
    '  codebook_size: 16',
    'train:',
    '  epochs: 2',
    '  batch_size: 256',
    '',
  ].join('\n');
}

/** The text of a Semantic IDs error toast, if one is showing (training failed, engine missing, ...). */
async function errorToast(page: Page): Promise<string | undefined> {
  const toasts = page.locator('.notifications-toasts .notification-list-item', { has: page.locator('.codicon-error') });
  for (const text of await toasts.locator('.notification-list-item-message').allTextContents()) {
    if (text.includes('Semantic IDs')) return text.trim();
  }
  return undefined;
}

/** A completed run, or a thrown error as soon as the extension reports failure. */
async function trainedRun(page: Page, experimentRuns: string, timeoutMs: number): Promise<string> {
  return until(
    `a completed run directory under ${experimentRuns}`,
    async () => {
      const run = completedRun(experimentRuns);
      if (run !== undefined) return run;
      const error = await errorToast(page);
      if (error !== undefined) throw new Error(`the extension reported an error: ${error}`);
      return undefined;
    },
    timeoutMs,
  );
}

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { out: { type: 'string' }, vsix: { type: 'string' }, timeout: { type: 'string', default: '300' } } });
  const out = path.resolve(values.out ?? path.join(repoRoot, 'test-output'));
  const timeoutMs = Number(values.timeout) * 1000;
  if (!(timeoutMs > 0)) throw new Error(`--timeout must be a positive number of seconds, got ${values.timeout}`);
  rmSync(path.join(out, 'vsix-train.png'), { force: true });
  const codeServerDir = defaultCodeServerDir();
  assertCodeServerInstalled(codeServerDir);
  if (values.vsix === undefined && !existsSync(path.join(repoRoot, 'dist', 'extension.js'))) throw new Error('build first: npm run build');

  const started = Date.now();
  const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'semid-vsix-'));
  const vsix = values.vsix !== undefined ? path.resolve(values.vsix) : path.join(scratch, 'semid.vsix');
  const fixture = path.join(scratch, 'workspace');
  mkdirSync(fixture);
  writeFileSync(path.join(fixture, `${EXPERIMENT}.rqvae.yaml`), experimentYaml());

  try {
    await withWorkbench(
      {
        name: 'vsix',
        workspaceFixture: fixture,
        // Packaging and installing count against --timeout, as a user waits for them too.
        prepare: (profile) => {
          if (values.vsix === undefined) {
            packageVsix(repoRoot, vsix);
            console.log(`[vsix] packaged ${vsix} after ${elapsed()}`);
          }
          const installed = installVsix(
            { codeServerDir, vsix, extensionsDir: profile.extensionsDir, userDataDir: profile.userDataDir },
            extensionFolderName(repoRoot),
          );
          console.log(`[vsix] installed ${installed} after ${elapsed()}`);
        },
        open: 'active',
        timeoutMs,
        codeServerDir,
        artifactsDir: out,
      },
      async (page, { workspaceDir }) => {
        console.log(`[vsix] extension active after ${elapsed()}`);
        await quickOpen(page, `${EXPERIMENT}.rqvae.yaml`);

        await runFromPalette(page, 'Semantic IDs: Train RQVAE');
        const runDir = await trainedRun(page, path.join(workspaceDir, 'runs', EXPERIMENT), 180_000);
        console.log(`[vsix] trained: ${runDir} after ${elapsed()}`);
        await page.locator('.notifications-toasts', { hasText: 'training completed' }).waitFor({ timeout: 30_000 });
        await page.waitForTimeout(1000); // the toast fades in
        await page.screenshot({ path: path.join(out, 'vsix-train.png') });
      },
    );
    console.log(`[vsix] passed in ${elapsed()}; screenshot ${path.join(out, 'vsix-train.png')}`);
    return 0;
  } catch (err) {
    if (err instanceof WorkbenchInterrupted) return 130;
    console.error(`[vsix] FAILED after ${elapsed()}: ${err instanceof Error ? err.message : String(err)}`);
    console.error(`[vsix] screenshot and logs in ${out}`);
    return 1;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`[vsix] ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);

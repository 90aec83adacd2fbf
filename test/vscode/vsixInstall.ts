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
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { assertCodeServerInstalled, defaultCodeServerDir, findFreePort, startCodeServer, type RunningCodeServer } from './harness/codeServer';
import { createTestProfile, type TestProfile } from './harness/testProfile';
import { extensionFolderName, installVsix, packageVsix } from './harness/vsix';
import { completedRun, launchChromium, openWorkbench, quickOpen, runFromPalette, until, workbenchUrl } from './harness/workbench';

const repoRoot = path.resolve(__dirname, '..', '..');
const EXPERIMENT = 'scientific-tiny';
const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

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
  mkdirSync(out, { recursive: true });
  for (const stale of ['vsix-train.png', 'vsix-failure.png', 'vsix-code-server.log', 'vsix-failure-logs']) rmSync(path.join(out, stale), { recursive: true, force: true });
  const codeServerDir = defaultCodeServerDir();
  assertCodeServerInstalled(codeServerDir);
  if (values.vsix === undefined && !existsSync(path.join(repoRoot, 'dist', 'extension.js'))) throw new Error('build first: npm run build');

  const started = Date.now();
  const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
  const serverOutput: string[] = [];
  let scratch: string | undefined;
  let profile: TestProfile | undefined;
  let server: RunningCodeServer | undefined;
  let browser: Browser | undefined;
  let page: Page | undefined;

  // Idempotent: a signal or the timeout may run it while the flow is still starting
  // things; the flow's guard() then stops what it started late.
  let stopped = false;
  const cleanup = async () => {
    stopped = true;
    const [b, srv, prof, dir] = [browser, server, profile, scratch];
    [browser, server, profile, scratch] = [undefined, undefined, undefined, undefined];
    await b?.close().catch(() => undefined);
    await srv?.stop();
    prof?.dispose();
    if (dir) rmSync(dir, { recursive: true, force: true });
  };
  const onSignal = (signal: NodeJS.Signals) => {
    console.error(`[vsix] ${signal}: stopping`);
    void cleanup().then(() => process.exit(130));
  };
  for (const signal of SIGNALS) process.once(signal, onSignal);

  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`did not finish within ${timeoutMs / 1000} s`)), timeoutMs);
  });

  const guard = async () => {
    if (!stopped) return;
    await cleanup();
    throw new Error('stopped');
  };
  const flow = async (): Promise<void> => {
    scratch = mkdtempSync(path.join(os.tmpdir(), 'semid-vsix-'));
    const vsix = values.vsix !== undefined ? path.resolve(values.vsix) : path.join(scratch, 'semid.vsix');
    if (values.vsix === undefined) {
      packageVsix(repoRoot, vsix);
      console.log(`[vsix] packaged ${vsix} after ${elapsed()}`);
    }

    const fixture = path.join(scratch, 'workspace');
    mkdirSync(fixture);
    writeFileSync(path.join(fixture, `${EXPERIMENT}.rqvae.yaml`), experimentYaml());
    profile = createTestProfile({ workspaceFixture: fixture, trust: false });
    const installed = installVsix(
      { codeServerDir, vsix, extensionsDir: profile.extensionsDir, userDataDir: profile.userDataDir },
      extensionFolderName(repoRoot),
    );
    console.log(`[vsix] installed ${installed} after ${elapsed()}`);

    server = await startCodeServer({
      codeServerDir,
      port: await findFreePort(),
      userDataDir: profile.userDataDir,
      extensionsDir: profile.extensionsDir,
      workspaceDir: profile.workspaceDir,
      env: {},
      onOutput: (line) => serverOutput.push(line),
      startTimeoutMs: 60_000,
    });
    await guard();
    browser = await launchChromium();
    await guard();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await openWorkbench(page, workbenchUrl(server.origin, profile.workspaceDir));
    console.log(`[vsix] extension active after ${elapsed()}`);
    await quickOpen(page, `${EXPERIMENT}.rqvae.yaml`);

    await runFromPalette(page, 'Semantic IDs: Train RQVAE');
    const runDir = await trainedRun(page, path.join(profile.workspaceDir, 'runs', EXPERIMENT), 180_000);
    console.log(`[vsix] trained: ${runDir} after ${elapsed()}`);
    await page.locator('.notifications-toasts', { hasText: 'training completed' }).waitFor({ timeout: 30_000 });
    await page.waitForTimeout(1000); // the toast fades in
    await page.screenshot({ path: path.join(out, 'vsix-train.png') });
  };

  try {
    await Promise.race([flow(), timedOut]);
    console.log(`[vsix] passed in ${elapsed()}; screenshot ${path.join(out, 'vsix-train.png')}`);
    return 0;
  } catch (err) {
    console.error(`[vsix] FAILED after ${elapsed()}: ${err instanceof Error ? err.message : String(err)}`);
    await page?.screenshot({ path: path.join(out, 'vsix-failure.png'), timeout: 10_000 }).catch(() => undefined);
    writeFileSync(path.join(out, 'vsix-code-server.log'), serverOutput.join('\n'));
    // The extension host's logs (the Semantic IDs channel among them) go before the profile does.
    const logs = profile && path.join(profile.userDataDir, 'logs');
    if (logs && existsSync(logs)) cpSync(logs, path.join(out, 'vsix-failure-logs'), { recursive: true });
    console.error(`[vsix] screenshot and logs in ${out}`);
    return 1;
  } finally {
    clearTimeout(timer);
    await cleanup();
    for (const signal of SIGNALS) process.removeListener(signal, onSignal);
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`[vsix] ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);

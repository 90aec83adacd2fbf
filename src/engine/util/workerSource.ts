/**
 * How the engine starts a worker thread on its own code: the thread evaluates the
 * bundle as it is (a TypeScript source, in tests and benchmarks, through tsx's require
 * hook), and the tag in its workerData tells the entry which job to run.
 */
import { isMainThread, workerData } from 'node:worker_threads';

/** The `eval` source of a worker thread that loads `file`. */
export function workerSource(file: string): string {
  const quoted = JSON.stringify(file);
  return file.endsWith('.ts') ? `require('tsx/cjs'); require(${quoted});` : `require(${quoted});`;
}

/** The engine's own worker threads, by the tag their workerData carries. */
export const ENGINE_THREADS = { sasrec: 'semid-eval-sasrec' } as const;

/** The tag of the engine thread this code runs in; null on the main thread or in any other worker. */
export function engineThread(): string | null {
  if (isMainThread) return null;
  const tag = (workerData as { tag?: unknown } | null)?.tag;
  return typeof tag === 'string' ? tag : null;
}

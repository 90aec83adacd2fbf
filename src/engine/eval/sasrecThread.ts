/**
 * SASRec on a second thread (`eval.parallel`). The wasm and cpu backends compute on one
 * core, and SASRec does not read the semantic IDs, so on a machine with two cores it
 * trains beside the retriever and the evaluation takes about the longer of the two
 * instead of their sum. The thread runs the same trainAndRank as the evaluating thread,
 * on its own TensorFlow.js instance, from the same data, streams and checkpoint, so its
 * results are those of a SASRec trained in line. The evaluating thread keeps ownership of
 * the checkpoint's state.json: the thread writes each save's tensors and reports them.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { parentPort, Worker, workerData } from 'node:worker_threads';
import type { BackendName, EngineRuntime } from '../tf/backend';
import { initBackend } from '../tf/backend';
import type { ExperimentConfig } from '../config/experiment';
import type { TF } from '../tf/types';
import type { EngineEvent } from '../../protocol';
import type { FitState } from './fit';
import { SasRec } from './model/sasrec';
import { evalRandom } from './streams';
import { EvalInterrupted } from './errors';
import { tensorFitStore, type EvalCheckpoint, type FitEntry, type RankedModel } from './evalCheckpoint';
import { trainAndRank, transformerShape, type EvalData, type EvalSink, type ModelJob } from './trainAndRank';
import { ENGINE_THREADS, workerSource } from '../util/workerSource';

/** SASRec as an evaluation job, in line or on its thread. */
export function sasrecJob(tf: TF, options: EvalData['options'], items: number): ModelJob {
  return {
    name: 'sasrec',
    make: () => new SasRec(tf, transformerShape(options), items, evalRandom(options.seed, 'sasrec/init')),
    describe: (parameters) => `${parameters} parameters (full softmax over ${items} items)`,
  };
}

/** Whether SASRec trains on its own thread: asked for, a one-core backend, and a second core to run on. */
export function sasrecInParallel(config: ExperimentConfig, runtime: EngineRuntime): boolean {
  return config.eval.parallel && (runtime.backend === 'wasm' || runtime.backend === 'cpu') && os.availableParallelism() >= 2;
}

interface ThreadInput {
  /** The engine's entry (cli/main.ts) starts serveSasrecThread when it sees it. */
  tag: typeof ENGINE_THREADS.sasrec;
  backend: BackendName;
  data: EvalData;
  items: number;
  entry: FitEntry;
  /** Int32 flag: 1 once a stop was requested. */
  stop: SharedArrayBuffer;
}

type ThreadMessage =
  | { kind: 'event'; event: EngineEvent }
  | { kind: 'log'; level: 'info' | 'warn' | 'error'; message: string }
  | { kind: 'saved'; folder: string; state: FitState }
  | { kind: 'done'; ranked: RankedModel }
  | { kind: 'stopped' }
  | { kind: 'failed'; message: string };

/** SASRec training on its thread; `result` settles with its ranks (kept in the checkpoint), EvalInterrupted after a stop, or its error. */
export class SasrecThread {
  readonly result: Promise<RankedModel>;
  private readonly worker: Worker;
  private readonly stop = new Int32Array(new SharedArrayBuffer(4));
  private settled = false;

  constructor(data: EvalData, items: number, backend: BackendName, checkpoint: EvalCheckpoint, sink: EvalSink) {
    const input: ThreadInput = { tag: ENGINE_THREADS.sasrec, backend, data, items, entry: checkpoint.fitEntry('sasrec'), stop: this.stop.buffer as SharedArrayBuffer };
    this.worker = new Worker(workerSource(engineEntry()), { eval: true, workerData: input });
    // The flag is the thread's only view of Ctrl-C and the extension's stop.
    const poll = setInterval(() => {
      if (sink.stopRequested()) Atomics.store(this.stop, 0, 1);
    }, 100);
    this.result = new Promise<RankedModel>((resolve, reject) => {
      const finish = (outcome: () => void): void => {
        if (this.settled) return;
        this.settled = true;
        clearInterval(poll);
        outcome();
        // Its messages are all handled (they arrive in order); nothing else keeps it.
        void this.worker.terminate();
      };
      this.worker.on('message', (m: ThreadMessage) => {
        switch (m.kind) {
          case 'event': sink.emit(m.event); break;
          case 'log': sink.log(m.level, m.message); break;
          case 'saved': checkpoint.recordFit('sasrec', m.folder, m.state); break;
          case 'done':
            checkpoint.saveRanked('sasrec', m.ranked);
            finish(() => resolve(m.ranked));
            break;
          case 'stopped': finish(() => reject(new EvalInterrupted(data.runDir))); break;
          case 'failed':
            sink.log('error', `eval sasrec (second thread): ${m.message}`);
            finish(() => reject(new Error(`SASRec on its thread failed: ${m.message}`)));
            break;
        }
      });
      this.worker.on('error', (e) => finish(() => reject(new Error(`SASRec on its thread failed: ${e.message}`))));
      this.worker.on('exit', (code) => finish(() => reject(new Error(`SASRec's thread exited (code ${code}) before it finished`))));
    });
    // Settled while the retriever still trains: whoever awaits it later sees the outcome.
    this.result.catch(() => undefined);
  }

  /** The retriever stopped or failed: a stop lets the thread save its fit first; anything else ends it at once. */
  async halt(stopRequested: boolean): Promise<void> {
    if (stopRequested && !this.settled) {
      Atomics.store(this.stop, 0, 1);
      await this.result.catch(() => undefined);
    }
    await this.worker.terminate();
  }
}

/** The bundle (dist/cli.js) when bundled; cli/main.ts from the sources (tests through tsx). */
function engineEntry(): string {
  return __filename.endsWith('.ts') ? path.join(__dirname, '..', 'cli', 'main.ts') : __filename;
}

/** The thread's side: train and rank SASRec, report every event, save and result to the evaluating thread. */
export async function serveSasrecThread(): Promise<void> {
  const input = workerData as ThreadInput;
  const port = parentPort;
  if (port === null) throw new Error('serveSasrecThread: not in a worker thread');
  const post = (m: ThreadMessage): void => port.postMessage(m);
  const stop = new Int32Array(input.stop);
  try {
    const runtime = await initBackend(input.backend, null);
    const sink: EvalSink = {
      emit: (event) => post({ kind: 'event', event }),
      log: (level, message) => post({ kind: 'log', level, message }),
      stopRequested: () => Atomics.load(stop, 0) === 1,
    };
    const store = tensorFitStore(runtime.tf, input.entry, (folder, state) => post({ kind: 'saved', folder, state }));
    const ranked = await trainAndRank(runtime.tf, sasrecJob(runtime.tf, input.data.options, input.items), input.data, sink, store);
    post({ kind: 'done', ranked });
  } catch (e) {
    post(e instanceof EvalInterrupted ? { kind: 'stopped' } : { kind: 'failed', message: e instanceof Error ? e.message : String(e) });
  }
}

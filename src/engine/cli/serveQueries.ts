import type { HostToRunQuery, RunQueryToHost } from '../../protocol';
import { RunQueries } from '../query/runQueries';

/**
 * The engine as the extension's run-query process (`semid query`, forked with an IPC
 * channel): answers each `query` message with `answer` or `refused`, in any order
 * (src/protocol/runQuery.ts), and ends when the host disconnects. Loads no TensorFlow.js.
 */
export function serveQueries(): void {
  const queries = new RunQueries();
  const send = (message: RunQueryToHost): void => {
    if (process.connected) process.send?.(message);
  };
  process.on('message', (message: HostToRunQuery) => {
    if (message?.kind !== 'query') return;
    const { requestId, query } = message;
    queries.ask(query).then(
      (answer) => send({ kind: 'answer', requestId, answer }),
      (err: unknown) => send({ kind: 'refused', requestId, error: err instanceof Error ? err.message : String(err) }),
    );
  });
  // The host owns our lifetime.
  process.on('disconnect', () => process.exit(0));
}

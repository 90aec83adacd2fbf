/** What the CLI prints for people: catalog titles without terminal control, plain progress lines. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { displayTitle, terminalText } from '../../src/engine/diagnostics/inspect';
import { TerminalReporter, countOf } from '../../src/engine/cli/terminalReporter';
import type { EngineEvent } from '../../src/protocol';

test('titles lose escape sequences, control characters and bidi overrides', () => {
  const hostile = 'Good\x1b[2J\x1b]8;;https://evil.example\x07link\x1b]8;;\x07 \u202eeman\u202c\x00\x7f\x9b';
  const shown = displayTitle(hostile);
  // eslint-disable-next-line no-control-regex
  assert.doesNotMatch(shown, /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
  assert.ok(shown.startsWith('Good[2J'), shown);
  assert.equal(terminalText('plain title é'), 'plain title é');
});

test('"1 dead code", "2 dead codes"', () => {
  assert.equal(countOf(1, 'dead code'), '1 dead code');
  assert.equal(countOf(2, 'dead code'), '2 dead codes');
  assert.equal(countOf(0, 'dead code'), '0 dead codes');
});

/** A non-TTY stream that keeps what was written. */
function capture(): { stream: NodeJS.WriteStream; text: () => string } {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      text += chunk.toString();
      done();
    },
  }) as unknown as NodeJS.WriteStream;
  return { stream, text: () => text };
}

const time = new Date(0).toISOString();
const progress = (step: number, rate: number, eta: number): EngineEvent => ({
  type: 'progress',
  time,
  step,
  epoch: 0,
  epochs: 1,
  total_steps: 10,
  steps_per_second: rate,
  eta_seconds: eta,
});

test('no ETA before the first timing; singular dead code in plain output', () => {
  const out = capture();
  const reporter = new TerminalReporter(out.stream);
  reporter.onEvent(progress(1, 0, 0));
  assert.doesNotMatch(out.text(), /ETA/);
  assert.match(out.text(), /timing/);
  reporter.onEvent(progress(10, 2, 0));
  assert.match(out.text(), /2\.0 steps\/s ETA 0s/);
  reporter.onEvent({ type: 'dead_codes', time, step: 5, level: 1, codes: [3], action: 'reinit' });
  assert.match(out.text(), /step 5: 1 dead code at level 1/);
});

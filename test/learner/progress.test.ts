// ProgressCallback: the fastai results table after every epoch; plain lines without a single
// escape code when the output is not a terminal or CI is set (checked on a real child process's
// piped stdout under CI=true); cli-progress bars on a terminal.
import { spawnSync } from 'node:child_process';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { accuracy, Callback, errorRate, formatRow, ProgressCallback, type ProgressStream } from '@groundup/learner';
import { toyLearner } from './helpers/toy.ts';

const ESC = /\x1b/;
class Sink implements ProgressStream {
  text = '';
  constructor(readonly isTTY = false) {}
  write(s: string): boolean { this.text += s; return true; }
}

const s = suite('learner: ProgressCallback');
s('plain mode: the fastai table, one row per epoch, no escape codes', () => {
  const sink = new Sink();
  const learn = toyLearner({ metrics: [accuracy, errorRate], progress: { stream: sink } });
  learn.fit(3, { lr: 1e-2 });
  assert.not.match(sink.text, ESC);
  const lines = sink.text.trimEnd().split('\n');
  assert.is(lines.length, 4);
  assert.match(lines[0]!, /^epoch {2}train_loss {2}valid_loss {2}accuracy {2}error_rate {2}time$/);
  lines.slice(1).forEach((l, i) => assert.match(l, new RegExp(`^${i} {6}\\d\\.\\d{6} {4}\\d\\.\\d{6} {4}\\d\\.\\d{6}  \\d\\.\\d{6}    \\d\\d:\\d\\d$`), l));
  // The row holds what the Recorder recorded.
  const v = learn.recorder.values[2]!;
  assert.ok(lines[3]!.includes(v[1]!.toFixed(6)) && lines[3]!.includes(v[2]!.toFixed(6)));
});
s('CI=true means plain lines even on a terminal', () => {
  const was = process.env['CI'];
  process.env['CI'] = 'true';
  try { assert.is(new ProgressCallback({ stream: new Sink(true) }).tty, false); } finally { if (was === undefined) delete process.env['CI']; else process.env['CI'] = was; }
  assert.is(new ProgressCallback({ stream: new Sink(false) }).tty, false);
});
s('a real run under CI=true with piped stdout writes the table and no escape codes', () => {
  const child = new URL('./helpers/progress-child.ts', import.meta.url).pathname;
  const r = spawnSync(process.execPath, ['--import', 'tsx', child], { encoding: 'utf8', env: { ...process.env, CI: 'true', GROUNDUP_QUIET: '1' } });
  assert.is(r.status, 0, r.stderr);
  assert.not.match(r.stdout + r.stderr, ESC);
  assert.match(r.stdout, /^epoch {2}train_loss {2}valid_loss {2}accuracy {2}time\n0 {6}\d\.\d{6}/);
});
s('a long epoch prints a plain progress line every `every` seconds', () => {
  const sink = new Sink();
  toyLearner({ n: 64, bs: 16, progress: { stream: sink, every: 0 } }).fit(1);
  assert.match(sink.text, /^ {2}epoch 1\/1 train 1\/4 loss \d\.\d{4}$/m);
  assert.not.match(sink.text, ESC);
});
s('tty mode draws cli-progress bars (escape codes) and still prints the table rows', () => {
  const sink = new Sink(true);
  const learn = toyLearner({ progress: { stream: sink, tty: true } });
  learn.fit(2);
  assert.match(sink.text, ESC);
  assert.match(sink.text, /epoch {2}train_loss {2}valid_loss {2}time/);
  assert.match(sink.text, /(\n|\x1b\[2K)1 {6}\d\.\d{6} {4}\d\.\d{6}/);
  const cb = learn.getCb(ProgressCallback)!;
  assert.is(cb.lines.length, 3);
});
s('a fit that fails stops the bars, gives the terminal back and restores the logger (cleanup)', () => {
  const sink = new Sink(true);
  class Boom extends Callback { override afterBatch(): void { if (this.learn.iter === 2) throw new RangeError('boom'); } }
  const learn = toyLearner({ progress: { stream: sink, tty: true }, cbs: [new Boom()] });
  const logger = learn.logger;
  assert.throws(() => learn.fit(2), /boom/);
  assert.ok(sink.text.endsWith('\x1b[0J') && sink.text.includes('\x1b[?7h'), 'line wrapping switched back on, bars cleared');
  assert.is(learn.logger, logger);
  assert.is(learn.mode, null);
});
s('formatRow pads columns to the headers (8 for numbers) and leaves null cells empty', () => {
  const names = ['epoch', 'train_loss', 'valid_loss', 'time'];
  assert.is(formatRow(names, names), 'epoch  train_loss  valid_loss  time');
  assert.is(formatRow(names, [3, 0.5, null, '00:01']), `3      0.500000${' '.repeat(16)}00:01`);
});
s.run();

// Resuming a killed run. A child process trains fitOneCycle(3) with a SaveModelCallback and is
// SIGKILLed in the middle of epoch 2; a new process continues with fit(3, { resume }) and must end
// with parameters (and BatchNorm buffers) bit-identical to an uninterrupted run, since the
// checkpoint holds the weights, the optimizer state, the epoch, the training position and the
// random generators. A crash halfway through writing a checkpoint (temp file, fsync, rename)
// leaves the previous checkpoint readable, and resuming from it gives the same result again.
// The children use the js backend, whose results do not depend on thread timing.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readCheckpoint } from '@groundup/learner';

const child = new URL('./helpers/resume-child.ts', import.meta.url).pathname;
const env = { ...process.env, GROUNDUP_BACKEND: 'js', GROUNDUP_QUIET: '1' };
const dir = mkdtempSync(join(tmpdir(), 'groundup-resume-'));
interface Out { bits: number[]; values: (number | null)[][]; buffers: number[][] }
const read = (p: string): Out => JSON.parse(readFileSync(p, 'utf8')) as Out;

function runChild(mode: string, ckpt: string, out: string): { status: number | null; signal: NodeJS.Signals | null; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', child, mode, ckpt, out], { env, encoding: 'utf8' });
  return { status: r.status, signal: r.signal, stderr: r.stderr };
}

/** Starts the stalling child and SIGKILLs it once it reports that it is inside epoch 2. */
function runAndKill(ckpt: string, out: string): Promise<NodeJS.Signals | null> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', 'tsx', child, 'stall', ckpt, out], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    p.stderr.on('data', (d: Buffer) => { err += d; });
    p.stdout.on('data', (d: Buffer) => { if (String(d).includes('stalled')) p.kill('SIGKILL'); });
    p.on('exit', (code, signal) => (signal ? resolve(signal) : reject(new Error(`the child exited with ${code} before being killed:\n${err}`))));
  });
}

const s = suite('learner: resume after SIGKILL');
let full: Out;
s.before(() => {
  const r = runChild('full', join(dir, 'full.ckpt'), join(dir, 'full.json'));
  assert.is(r.status, 0, r.stderr);
  full = read(join(dir, 'full.json'));
});
s.after(() => rmSync(dir, { recursive: true, force: true }));

s('killed during epoch 2, resumed: parameters and buffers bit-identical to the uninterrupted run', async () => {
  const ckpt = join(dir, 'killed.ckpt');
  assert.is(await runAndKill(ckpt, join(dir, 'never.json')), 'SIGKILL');
  assert.not.ok(existsSync(join(dir, 'never.json')));
  const ck = readCheckpoint(ckpt, { needTraining: true });
  assert.is(ck.meta.training!.epoch, 0, 'the last checkpoint is the one written after epoch 1 (index 0)');
  const r = runChild('resume', ckpt, join(dir, 'resumed.json'));
  assert.is(r.status, 0, r.stderr);
  const resumed = read(join(dir, 'resumed.json'));
  assert.is(resumed.bits.length, full.bits.length);
  const diff = resumed.bits.findIndex((b, i) => b !== full.bits[i]);
  assert.is(diff, -1, `parameter value ${diff} differs`);
  assert.equal(resumed.buffers, full.buffers);
  // The results table continues: the epoch before the kill comes from the checkpoint.
  assert.is(resumed.values.length, 3);
  assert.equal(resumed.values[0], full.values[0]);
  assert.equal(resumed.values[2]![1], full.values[2]![1]); // valid loss of the last epoch
});

s('a crash halfway through writing a checkpoint leaves the previous one readable', () => {
  const ckpt = join(dir, 'crash.ckpt');
  const r = runChild('crash', ckpt, join(dir, 'crash.json'));
  assert.is(r.signal, 'SIGKILL', `the child should die in the write: ${r.stderr}`);
  const leftovers = readdirSync(dir).filter((f) => f.startsWith('.crash.ckpt.') && f.endsWith('.tmp'));
  assert.is(leftovers.length, 1, 'the half-written temp file is there');
  const ck = readCheckpoint(ckpt, { needTraining: true });
  assert.is(ck.meta.training!.epoch, 0);
  const again = runChild('resume', ckpt, join(dir, 'crash-resumed.json'));
  assert.is(again.status, 0, again.stderr);
  assert.equal(read(join(dir, 'crash-resumed.json')).bits, full.bits);
});
s.run();

// A quick look at one train step, outside the benny harness: median and quartiles of N steps,
// for profiling (`node --cpu-prof --import tsx bench/step.ts ...`) and for A/B checks while
// developing. The numbers that count come from `pnpm bench`.
//   GROUNDUP_THREADS=1 tsx bench/step.ts [simple_cnn|simple_net|chain|add] [--backend native] [--steps 300]
import { getBackend, setBackend, type BackendName } from '@groundup/kernels';
import { buildStep } from './suites/train-models.ts';
import { overheadRun } from './suites/overhead-run.ts';

const args = process.argv.slice(2);
const flag = (name: string, dflt: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1]! : dflt;
};
const what = args.find((a) => !a.startsWith('--') && !args[args.indexOf(a) - 1]?.startsWith('--')) ?? 'simple_net';
const backend = flag('backend', 'native') as BackendName;
const steps = Number(flag('steps', '300'));

setBackend(backend);
const run = what === 'simple_cnn' || what === 'simple_net'
  ? buildStep({ kind: 'train', id: what, model: what, batch: what === 'simple_cnn' ? 64 : 256 })
  : overheadRun(what === 'add' ? { kind: 'overhead', id: 'add', op: 'add', size: 10, ops: 1 } : { kind: 'overhead', id: 'chain', op: 'chain', size: 1000, ops: 100 });
// CPU time of this process (user + system), not wall time: on a loaded machine the process is
// descheduled for long stretches that wall time would count. Each sample runs ≥ ~2 ms of work.
const cpu = (): number => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
for (let i = 0; i < Math.min(50, steps); i++) run();
let reps = 1;
for (;;) {
  const t0 = cpu();
  for (let r = 0; r < reps; r++) run();
  if (cpu() - t0 >= 2) break;
  reps *= 2;
}
const t: number[] = [];
for (let i = 0; i < steps; i++) {
  const t0 = cpu();
  for (let r = 0; r < reps; r++) run();
  t.push((cpu() - t0) / reps);
}
t.sort((a, b) => a - b);
const q = (p: number): string => (t[Math.floor(p * (t.length - 1))]! * 1000).toFixed(2);
console.log(`${what} on ${getBackend().name} (${getBackend().describe()}), ${steps} samples of ${reps} call(s), CPU time: min ${q(0)} µs, q1 ${q(0.25)}, median ${q(0.5)}`);

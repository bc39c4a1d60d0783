// The (backend, kernel) registry and backend selection.
// GROUNDUP_BACKEND=auto|js|wasm|wasm-mt|native|cuda or setBackend(); auto takes the first
// available backend in autoOrder. Why it passed over the others (e.g. "cuda: no CUDA device") is
// kept for `pnpm backends` (selectionNote()) and written to stderr only with GROUNDUP_VERBOSE=1,
// so that it never interrupts a lesson's output. A backend named explicitly that is unavailable
// throws a BackendError with its reason.
import type { Availability, Backend, BackendName, KernelName, Kernels } from './backend.ts';
import { kernelNames } from './manifest.ts';
import { envVar, notice } from './environment.ts';
import { BackendError } from './errors.ts';

export const autoOrder: readonly BackendName[] = ['cuda', 'native', 'wasm-mt', 'wasm', 'js'];
const backends = new Map<BackendName, () => Backend>();
const loaded = new Map<BackendName, Backend>();
let active: Backend | null = null;
let requested: BackendName | 'auto' | null = null;
const said = new Set<string>();
let note: string | null = null;

/** Registers a backend by a lazy factory, so that nothing loads until it is asked for. */
export function registerBackend(name: BackendName, factory: () => Backend): void {
  backends.set(name, factory);
  loaded.delete(name);
  if (active?.name === name) active = null;
}

export function registeredBackends(): BackendName[] {
  return autoOrder.filter((n) => backends.has(n));
}

/** Loads (once) and returns a backend, or null when none is registered under that name. */
export function findBackend(name: BackendName): Backend | null {
  let b = loaded.get(name);
  if (b) return b;
  const f = backends.get(name);
  if (!f) return null;
  try {
    b = f();
  } catch (e) {
    const reason = `failed to load: ${(e as Error).message}`;
    b = { name, describe: () => reason, threads: 0, available: () => ({ ok: false, reason }), kernels: {} };
  }
  loaded.set(name, b);
  return b;
}

export function availability(name: BackendName): Availability {
  const b = findBackend(name);
  return b ? b.available() : { ok: false, reason: 'not registered' };
}

/** Why the last auto selection passed over faster backends, or null when it took the first one. */
export function selectionNote(): string | null {
  return note;
}

function sayOnce(line: string): void {
  note = line;
  if (said.has(line) || envVar('GROUNDUP_VERBOSE') !== '1' || envVar('GROUNDUP_QUIET') === '1') return;
  said.add(line);
  notice(`groundup: ${line}`);
}

function parseName(v: string, where: string): BackendName | 'auto' {
  const names = ['auto', ...autoOrder];
  if (!names.includes(v)) throw new BackendError(`${where}: unknown backend '${v}'; choose one of ${names.join(', ')}`);
  return v as BackendName | 'auto';
}

function resolve(want: BackendName | 'auto'): Backend {
  if (want !== 'auto') {
    const b = findBackend(want);
    const av = b ? b.available() : ({ ok: false, reason: 'not registered' } as const);
    if (!b || !av.ok) throw new BackendError(`backend '${want}' is not available: ${av.ok ? '' : av.reason}. Use GROUNDUP_BACKEND=auto to fall back, or run \`pnpm backends\``);
    return b;
  }
  const skipped = new Map<string, string[]>(); // reason → backends, so a shared reason is said once
  for (const name of autoOrder) {
    const b = findBackend(name);
    if (!b) continue;
    const av = b.available();
    if (av.ok) {
      if (skipped.size) sayOnce(`using ${name}; ${[...skipped].map(([r, ns]) => `${ns.join(' and ')}: ${r}`).join('; ')}`);
      else note = null;
      return b;
    }
    skipped.set(av.reason, [...(skipped.get(av.reason) ?? []), name]);
  }
  throw new BackendError('no backend is available, not even js: the registry was not initialised');
}

/** The backend that kernels dispatch to. */
export function getBackend(): Backend {
  if (active) return active;
  if (requested === null) requested = parseName(envVar('GROUNDUP_BACKEND') ?? 'auto', 'GROUNDUP_BACKEND');
  active = resolve(requested);
  return active;
}

/** Chooses the backend: a name throws BackendError when unavailable; 'auto' falls back in order. */
export function setBackend(name: BackendName | 'auto'): Backend {
  requested = parseName(name, 'setBackend');
  active = null;
  return getBackend();
}

/** The kernel of the active backend, or js's where the active backend does not implement it. */
export function kernel<K extends KernelName>(name: K): Kernels[K] {
  const k = getBackend().kernels[name];
  if (k) return k;
  const js = findBackend('js')?.kernels[name];
  if (!js) throw new BackendError(`kernel '${name}' has no implementation, not even in js`);
  return js;
}

/** Runs fn with a backend active, then restores the previous choice (tests, benchmarks). */
export function withBackend<T>(name: BackendName, fn: () => T): T {
  const prevRequested = requested;
  const prevActive = active;
  setBackend(name);
  try {
    return fn();
  } finally {
    requested = prevRequested;
    active = prevActive;
  }
}

export interface BackendRow {
  name: BackendName;
  available: boolean;
  detail: string;
  /** own: the backend's kernel; js: js's; tensor: none, the tensor package's own loops run; -: unavailable. */
  kernels: Record<KernelName, 'own' | 'js' | 'tensor' | '-'>;
}

/** The backend table and the ops × backends matrix for `pnpm backends`. */
export function backendTable(): BackendRow[] {
  return registeredBackends().map((name) => {
    const b = findBackend(name)!;
    const av = b.available();
    const kernels = Object.fromEntries(
      kernelNames.map((k) => [k, !av.ok ? '-' : b.kernels[k] ? 'own' : findBackend('js')?.kernels[k] ? 'js' : 'tensor']),
    ) as Record<KernelName, 'own' | 'js' | 'tensor' | '-'>;
    return { name, available: av.ok, detail: av.ok ? b.describe() : av.reason, kernels };
  });
}

// einsum: any number of operands, implicit or explicit output, '...', repeated indices (trace,
// diagonal) and batch dims. Operands are contracted pairwise, left to right, through
// permute/reshape into one batched GEMM each, so einsum runs at GEMM speed.
import { EinsumError } from '@groundup/kernels';
import { fmt } from './shape.ts';
import { Tensor } from './tensor.ts';
import { matmul } from './matmul.ts';
import { sum } from './reduce.ts';
import { diagonal, expand, permute, reshape } from './views.ts';

interface Term { t: Tensor; labels: string[] }

const ELL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ'.split('').map((c) => `…${c}`); // labels for ellipsis dims

function parseTerm(eq: string, term: string, which: string): { letters: string[]; ellipsis: number } {
  const t = term.trim();
  const n = t.split('...').length - 1;
  if (n > 1) throw new EinsumError(`einsum '${eq}': the ${which} term '${t}' has more than one '...'`);
  const letters: string[] = [];
  let ellipsis = -1;
  for (let i = 0; i < t.length; i++) {
    if (t.startsWith('...', i)) { ellipsis = letters.length; i += 2; continue; }
    const c = t[i]!;
    if (c === ' ') continue;
    if (!/[a-zA-Z]/.test(c)) throw new EinsumError(`einsum '${eq}': invalid character '${c}' in the ${which} term '${t}'; use letters a-z, A-Z and '...'`);
    letters.push(c);
  }
  return { letters, ellipsis };
}

/** Parses the equation into labelled operands and the output labels. */
function parse(eq: string, operands: readonly Tensor[]): { terms: Term[]; out: string[] } {
  const arrows = eq.split('->');
  if (arrows.length > 2) throw new EinsumError(`einsum '${eq}': more than one '->'`);
  const lhs = arrows[0]!.split(',');
  if (lhs.length !== operands.length)
    throw new EinsumError(`einsum '${eq}': the equation has ${lhs.length} operand term(s) but ${operands.length} operand(s) were given`);
  const parsed = lhs.map((s, i) => parseTerm(eq, s, `operand ${i}`));
  let maxEll = 0;
  const terms = parsed.map((p, i) => {
    const t = operands[i]!;
    const nEll = t.ndim - p.letters.length;
    if (p.ellipsis < 0 ? nEll !== 0 : nEll < 0)
      throw new EinsumError(`einsum '${eq}': operand ${i} has shape ${fmt(t.shape)} (${t.ndim} dims) but its term '${lhs[i]!.trim()}' has ${p.letters.length} letters${p.ellipsis < 0 ? '' : " plus '...'"}`);
    maxEll = Math.max(maxEll, p.ellipsis < 0 ? 0 : nEll);
    return { p, nEll, t };
  });
  const ell = (k: number): string[] => ELL.slice(maxEll - k, maxEll);
  const result: Term[] = terms.map(({ p, nEll, t }) => ({
    t,
    labels: p.ellipsis < 0 ? p.letters : [...p.letters.slice(0, p.ellipsis), ...ell(nEll), ...p.letters.slice(p.ellipsis)],
  }));
  let out: string[];
  if (arrows.length === 2) {
    const o = parseTerm(eq, arrows[1]!, 'output');
    out = o.ellipsis < 0 ? o.letters : [...o.letters.slice(0, o.ellipsis), ...ell(maxEll), ...o.letters.slice(o.ellipsis)];
    const seen = new Set<string>();
    for (const l of o.letters) {
      if (seen.has(l)) throw new EinsumError(`einsum '${eq}': the output letter '${l}' appears more than once`);
      seen.add(l);
      if (!result.some((r) => r.labels.includes(l))) throw new EinsumError(`einsum '${eq}': the output letter '${l}' does not appear in any operand`);
    }
  } else {
    const counts = new Map<string, number>();
    for (const r of result) for (const l of r.labels) if (!l.startsWith('…')) counts.set(l, (counts.get(l) ?? 0) + 1);
    out = [...ell(maxEll), ...[...counts].filter(([, c]) => c === 1).map(([l]) => l).sort()];
  }
  return { terms: result, out };
}

/** Takes diagonals for letters repeated within one operand ('ii->i', 'ii'). */
function dedupe(eq: string, term: Term): Term {
  let { t, labels } = term;
  for (;;) {
    const p = labels.findIndex((l, i) => labels.indexOf(l) !== i);
    if (p < 0) return { t, labels };
    const first = labels.indexOf(labels[p]!);
    if (t.shape[first] !== t.shape[p])
      throw new EinsumError(`einsum '${eq}': the repeated letter '${labels[p]}' spans dims of sizes ${t.shape[first]} and ${t.shape[p]} in an operand of shape ${fmt(t.shape)}`);
    t = diagonal(t, 0, first, p);
    labels = [...labels.filter((_, i) => i !== first && i !== p), labels[p]!];
  }
}

function sumOut(term: Term, keep: (l: string) => boolean): Term {
  const dims = term.labels.flatMap((l, i) => (keep(l) ? [] : [i]));
  if (dims.length === 0) return term;
  return { t: sum(term.t, dims), labels: term.labels.filter((l) => keep(l)) };
}

/** Contracts two operands: batch letters stay, shared letters not needed later are summed by GEMM. */
function contract(eq: string, a: Term, b: Term, needed: Set<string>): Term {
  const size = new Map<string, number>();
  for (const x of [a, b]) x.labels.forEach((l, i) => {
    const n = x.t.shape[i]!, have = size.get(l);
    if (have !== undefined && have !== n && have !== 1 && n !== 1)
      throw new EinsumError(`einsum '${eq}': letter '${l.replace('…', '...')}' has size ${have} in one operand and ${n} in another`);
    size.set(l, have === undefined || have === 1 ? n : have);
  });
  const batch = a.labels.filter((l) => b.labels.includes(l) && needed.has(l));
  const inner = a.labels.filter((l) => b.labels.includes(l) && !needed.has(l));
  const aOnly = a.labels.filter((l) => !b.labels.includes(l));
  const bOnly = b.labels.filter((l) => !a.labels.includes(l));
  const sz = (ls: string[]): number[] => ls.map((l) => size.get(l)!);
  const prod = (ls: string[]): number => sz(ls).reduce((x, y) => x * y, 1);
  const arrange = (x: Term, order: string[]): Tensor => expand(permute(x.t, order.map((l) => x.labels.indexOf(l))), sz(order));
  const A = reshape(arrange(a, [...batch, ...aOnly, ...inner]), [prod(batch), prod(aOnly), prod(inner)]);
  const B = reshape(arrange(b, [...batch, ...inner, ...bOnly]), [prod(batch), prod(inner), prod(bOnly)]);
  const C = matmul(A, B);
  return { t: reshape(C, sz([...batch, ...aOnly, ...bOnly])), labels: [...batch, ...aOnly, ...bOnly] };
}

export function einsum(equation: string, ...operands: Tensor[]): Tensor {
  if (operands.length === 0) throw new EinsumError(`einsum '${equation}': needs at least one operand`);
  const eq = equation.replace(/\s+/g, '');
  const { terms, out } = parse(eq, operands);
  const outSet = new Set(out);
  let ts = terms.map((t) => dedupe(eq, t));
  // A letter that appears in one operand only, and not in the output, is summed right away.
  ts = ts.map((t, i) => sumOut(t, (l) => outSet.has(l) || ts.some((o, j) => j !== i && o.labels.includes(l))));
  let acc = ts[0]!;
  for (let i = 1; i < ts.length; i++) {
    const later = new Set([...out, ...ts.slice(i + 1).flatMap((t) => t.labels)]);
    acc = sumOut(acc, (l) => later.has(l) || ts[i]!.labels.includes(l));
    acc = contract(eq, acc, ts[i]!, later);
  }
  acc = sumOut(acc, (l) => outSet.has(l));
  const res = permute(acc.t, out.map((l) => acc.labels.indexOf(l)));
  return ts.length === 1 && res.storage === operands[0]!.storage ? res : res.contiguous();
}

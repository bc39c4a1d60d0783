// fastai's learning-rate suggestions from an LR-finder sweep (lrs rising exponentially, losses
// smoothed), each returning the suggested lr and the point to mark on the plot.
//   valley:  the longest run of decreasing losses; a point 1/2 of the way along it (fastai's default)
//   steep:   where the loss falls fastest per log-lr step
//   minimum: the lr of the lowest loss, divided by 10
export interface Suggestion { lr: number; point: [lr: number, loss: number] }

export function valley(lrs: readonly number[], losses: readonly number[]): Suggestion {
  const n = losses.length;
  let maxStart = 0, maxEnd = 0;
  const lds = new Array<number>(n).fill(1);
  for (let i = 1; i < n; i++) {
    for (let j = 0; j < i; j++) {
      if (losses[i]! < losses[j]! && lds[i]! < lds[j]! + 1) lds[i] = lds[j]! + 1;
      if (lds[maxEnd]! < lds[i]!) { maxEnd = i; maxStart = maxEnd - lds[maxEnd]!; }
    }
  }
  const sections = (maxEnd - maxStart) / 3;
  const idx = maxStart + Math.trunc(sections) + Math.trunc(sections / 2);
  return { lr: lrs[idx]!, point: [lrs[idx]!, losses[idx]!] };
}

export function steep(lrs: readonly number[], losses: readonly number[]): Suggestion {
  let best = 0, bestGrad = Infinity;
  for (let i = 0; i + 1 < losses.length; i++) {
    const g = (losses[i + 1]! - losses[i]!) / (Math.log(lrs[i + 1]!) - Math.log(lrs[i]!));
    if (g < bestGrad) { bestGrad = g; best = i; }
  }
  return { lr: lrs[best]!, point: [lrs[best]!, losses[best]!] };
}

export function minimum(lrs: readonly number[], losses: readonly number[]): Suggestion {
  let i = 0;
  losses.forEach((l, k) => { if (l < losses[i]!) i = k; });
  return { lr: lrs[i]! / 10, point: [lrs[i]!, losses[i]!] };
}

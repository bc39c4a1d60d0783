// F.batch_norm as one op over [N, C, *]: per channel, normalise by the batch mean and biased
// variance in training (and update the running stats in place: mean, and the unbiased variance,
// with momentum), or by the running stats in eval; then scale by weight and shift by bias.
// The backward is the closed form (dx = invstd/n · (n·dx̂ − Σdx̂ − x̂·Σ(dx̂·x̂)), dx̂ = g·w).
import { DTypeError, ShapeError } from '@groundup/kernels';
import { attachPure } from './autograd/node.ts';
import { requireFloating } from './dtype.ts';
import { Tensor } from './tensor.ts';
import { noGrad } from './autograd/grad-mode.ts';
import { resultDevice } from './device/cuda.ts';

export interface BatchNormOptions {
  /** Batch statistics (and running-stat updates) when true; running statistics when false. Default false, as in PyTorch. */
  training?: boolean;
  /** Weight of the new batch statistic in the running average (default 0.1). */
  momentum?: number;
  eps?: number;
}

type F = Float32Array | Float64Array;

function checkVec(name: string, t: Tensor | null, C: number, dtype: string): void {
  if (!t) return;
  if (t.ndim !== 1 || t.shape[0] !== C) throw new ShapeError(`batchNorm: ${name} must have shape [${C}] (one per channel), got [${t.shape}]`);
  if (t.dtype !== dtype) throw new DTypeError(`batchNorm: ${name} is ${t.dtype} but the input is ${dtype}; convert one of them (e.g. model.double())`);
}
const vals = (t: Tensor): F => t.contiguous().dataSync() as F;

export function batchNorm(input: Tensor, runningMean: Tensor | null, runningVar: Tensor | null, weight: Tensor | null = null,
  bias: Tensor | null = null, opts: BatchNormOptions = {}): Tensor {
  const { training = false, momentum = 0.1, eps = 1e-5 } = opts;
  requireFloating('batchNorm', input.dtype);
  if (input.ndim < 2) throw new ShapeError(`batchNorm: expects input [N, C, ...], got [${input.shape}]`);
  const N = input.shape[0]!, C = input.shape[1]!, S = input.numel() / Math.max(N * C, 1), n = N * S;
  for (const [name, t] of [['weight', weight], ['bias', bias], ['runningMean', runningMean], ['runningVar', runningVar]] as const) checkVec(name, t, C, input.dtype);
  if (!training && (!runningMean || !runningVar)) throw new ShapeError('batchNorm: eval mode needs runningMean and runningVar (or pass training: true to use batch statistics)');
  if (training && n <= 1) throw new ShapeError(`batchNorm: expected more than 1 value per channel when training, got input [${input.shape}]; use a larger batch or eval()`);

  if (resultDevice('batchNorm', [input, runningMean, runningVar, weight, bias]) === 'cuda')
    return cudaBatchNorm(input, runningMean, runningVar, weight, bias, training, momentum, eps, n);
  const c = input.contiguous(), x = c.data, off = c.offset;
  const mean = new Float64Array(C), invstd = new Float64Array(C);
  if (training) {
    for (let ch = 0; ch < C; ch++) {
      let s = 0;
      for (let b = 0; b < N; b++) { const o = off + (b * C + ch) * S; for (let k = 0; k < S; k++) s += x[o + k]!; }
      const m = s / n;
      let v = 0;
      for (let b = 0; b < N; b++) { const o = off + (b * C + ch) * S; for (let k = 0; k < S; k++) v += (x[o + k]! - m) ** 2; }
      mean[ch] = m;
      invstd[ch] = 1 / Math.sqrt(v / n + eps);
      // Running stats: a blend of the old values and this batch (unbiased variance), in place.
      if (runningMean) updateRunning(runningMean, ch, m, momentum);
      if (runningVar) updateRunning(runningVar, ch, (v / n) * (n / (n - 1)), momentum);
    }
    runningMean?.markDirty();
    runningVar?.markDirty();
  } else {
    const rm = vals(runningMean!), rv = vals(runningVar!);
    for (let ch = 0; ch < C; ch++) { mean[ch] = rm[ch]!; invstd[ch] = 1 / Math.sqrt(rv[ch]! + eps); }
  }
  const w = weight ? vals(weight) : null, bb = bias ? vals(bias) : null;
  const out = input.dtype === 'float64' ? new Float64Array(input.numel()) : new Float32Array(input.numel());
  for (let b = 0; b < N; b++)
    for (let ch = 0; ch < C; ch++) {
      const o = (b * C + ch) * S, scale = invstd[ch]! * (w ? w[ch]! : 1), shift = bb ? bb[ch]! : 0, m = mean[ch]!;
      for (let k = 0; k < S; k++) out[o + k] = (x[off + o + k]! - m) * scale + shift;
    }
  const y = Tensor.fromData(out, [...input.shape]);
  return attachPure(y, 'NativeBatchNormBackward0', [input, weight, bias], (g) => {
    const gc = g.contiguous(), gd = gc.data, go = gc.offset;
    const sumG = new Float64Array(C), sumGX = new Float64Array(C);
    for (let b = 0; b < N; b++)
      for (let ch = 0; ch < C; ch++) {
        const o = (b * C + ch) * S, m = mean[ch]!, is = invstd[ch]!;
        let sg = 0, sgx = 0;
        for (let k = 0; k < S; k++) { const gv = gd[go + o + k]!; sg += gv; sgx += gv * (x[off + o + k]! - m) * is; }
        sumG[ch]! += sg;
        sumGX[ch]! += sgx;
      }
    let gx: Tensor | null = null;
    if (input.requiresGrad) {
      const d = input.dtype === 'float64' ? new Float64Array(input.numel()) : new Float32Array(input.numel());
      for (let b = 0; b < N; b++)
        for (let ch = 0; ch < C; ch++) {
          const o = (b * C + ch) * S, m = mean[ch]!, is = invstd[ch]!, wc = w ? w[ch]! : 1;
          if (training) {
            const a = sumG[ch]! / n, bq = sumGX[ch]! / n;
            for (let k = 0; k < S; k++) d[o + k] = wc * is * (gd[go + o + k]! - a - (x[off + o + k]! - m) * is * bq);
          } else for (let k = 0; k < S; k++) d[o + k] = wc * is * gd[go + o + k]!;
        }
      gx = Tensor.fromData(d, [...input.shape]);
    }
    const vec = (a: Float64Array): Tensor => Tensor.fromData(input.dtype === 'float64' ? Float64Array.from(a) : Float32Array.from(a), [C]);
    return [gx, weight?.requiresGrad ? vec(sumGX) : null, bias?.requiresGrad ? vec(sumG) : null];
  }, [input, ...(weight ? [weight] : [])]);
}

function updateRunning(t: Tensor, ch: number, value: number, momentum: number): void {
  const i = t.offset + ch * (t.strides[0] ?? 1);
  t.data[i] = (1 - momentum) * t.data[i]! + momentum * value;
}

/**
 * batchNorm on the device, from device ops (their gradients compose to the closed form above):
 * (x − mean)·rsqrt(var + eps)·w + b, the running stats updated in place without history.
 */
function cudaBatchNorm(input: Tensor, runningMean: Tensor | null, runningVar: Tensor | null, weight: Tensor | null, bias: Tensor | null,
  training: boolean, momentum: number, eps: number, n: number): Tensor {
  const C = input.shape[1]!, dims = input.shape.map((_, i) => i).filter((i) => i !== 1);
  const vec = input.shape.map((s, i) => (i === 1 ? C : 1));
  let mean: Tensor, variance: Tensor;
  if (training) {
    mean = input.mean(dims, true);
    variance = input.sub(mean).square().mean(dims, true);
    noGrad(() => {
      runningMean?.mul_(1 - momentum).add_(mean.detach().reshape([C]), momentum);
      runningVar?.mul_(1 - momentum).add_(variance.detach().reshape([C]), momentum * (n / (n - 1)));
    });
  } else {
    mean = runningMean!.reshape(vec);
    variance = runningVar!.reshape(vec);
  }
  let y = input.sub(mean).mul(variance.add(eps).rsqrt());
  if (weight) y = y.mul(weight.reshape(vec));
  if (bias) y = y.add(bias.reshape(vec));
  return y;
}

// Weidman ch5's loop-based 2-D convolutions: single channel with a batch ([B, H, W] images, a [K, K]
// kernel), then multichannel with a batch ([B, C_in, H, W] images, the book's [C_in, C_out, K, K]
// parameter). "Same" padding, stride 1, cross-correlation, no bias. The loops read flat float64
// arrays; they are the reference the im2col versions are tested against, not fast code.
import { ShapeError, Tensor } from '@groundup/tensor';

const flat = (t: Tensor): Float64Array => t.contiguous().double().data as Float64Array;
const out = (shape: number[]): [Float64Array, Tensor] => {
  const d = new Float64Array(shape.reduce((a, b) => a * b, 1));
  return [d, Tensor.fromData(d, shape)];
};

function check(op: string, inp: Tensor, rank: number, param: Tensor, pRank: number): void {
  if (inp.ndim !== rank || param.ndim !== pRank || param.shape.at(-1) !== param.shape.at(-2) || param.shape.at(-1)! % 2 !== 1)
    throw new ShapeError(`${op}: expects a rank-${rank} input and a rank-${pRank} parameter with an odd square kernel, got [${inp.shape}] and [${param.shape}]`);
}

/** Single channel: out[b, i, j] = Σ_{p,q} param[p, q]·inp_pad[b, i + p, j + q]. */
export function computeOutput2d(imgBatch: Tensor, param: Tensor): Tensor {
  check('computeOutput2d', imgBatch, 3, param, 2);
  return output(imgBatch.unsqueeze(1), param.view(1, 1, ...param.shape)).squeeze(1);
}

/** Single channel input gradient: Σ_{p,q} outgrad_pad[b, i + K − 1 − p, j + K − 1 − q]·param[p, q]. */
export function computeGrads2d(inp: Tensor, outputGrad: Tensor, param: Tensor): Tensor {
  check('computeGrads2d', inp, 3, param, 2);
  return inputGrad(inp.unsqueeze(1), outputGrad.unsqueeze(1), param.view(1, 1, ...param.shape)).squeeze(1);
}

/** Single channel parameter gradient: Σ_{b,i,j} inp_pad[b, i + p, j + q]·outgrad[b, i, j]. */
export function paramGrad2d(inp: Tensor, outputGrad: Tensor, param: Tensor): Tensor {
  check('paramGrad2d', inp, 3, param, 2);
  return paramGrad(inp.unsqueeze(1), outputGrad.unsqueeze(1), param.view(1, 1, ...param.shape)).view(...param.shape);
}

/** Multichannel: out[b, co, i, j] = Σ_{ci,p,q} param[ci, co, p, q]·inp_pad[b, ci, i + p, j + q]. */
export function output(inp: Tensor, param: Tensor): Tensor {
  check('output', inp, 4, param, 4);
  const [B, C, H, W] = inp.shape as [number, number, number, number];
  const [pc, O, K] = param.shape as [number, number, number];
  if (pc !== C) throw new ShapeError(`output: the input has ${C} channels but the parameter [${param.shape}] expects ${pc}`);
  const x = flat(inp), w = flat(param), P = K >> 1;
  const [y, result] = out([B, O, H, W]);
  for (let b = 0; b < B; b++) for (let ci = 0; ci < C; ci++) for (let co = 0; co < O; co++)
    for (let i = 0; i < H; i++) for (let j = 0; j < W; j++) {
      let acc = 0;
      for (let p = 0; p < K; p++) for (let q = 0; q < K; q++) {
        const r = i + p - P, c = j + q - P; // the padded index i + p, unpadded
        if (r >= 0 && r < H && c >= 0 && c < W) acc += w[((ci * O + co) * K + p) * K + q]! * x[((b * C + ci) * H + r) * W + c]!;
      }
      y[((b * O + co) * H + i) * W + j]! += acc;
    }
  return result;
}

/** Multichannel input gradient: Σ_{co,p,q} outgrad_pad[b, co, i + K − 1 − p, j + K − 1 − q]·param[ci, co, p, q]. */
export function inputGrad(inp: Tensor, outputGrad: Tensor, param: Tensor): Tensor {
  check('inputGrad', inp, 4, param, 4);
  const [B, C, H, W] = inp.shape as [number, number, number, number];
  const [, O, K] = param.shape as [number, number, number];
  const g = flat(outputGrad), w = flat(param), P = K >> 1;
  const [gi, result] = out([B, C, H, W]);
  for (let b = 0; b < B; b++) for (let ci = 0; ci < C; ci++) for (let co = 0; co < O; co++)
    for (let i = 0; i < H; i++) for (let j = 0; j < W; j++) {
      let acc = 0;
      for (let p = 0; p < K; p++) for (let q = 0; q < K; q++) {
        const r = i + K - 1 - p - P, c = j + K - 1 - q - P;
        if (r >= 0 && r < H && c >= 0 && c < W) acc += g[((b * O + co) * H + r) * W + c]! * w[((ci * O + co) * K + p) * K + q]!;
      }
      gi[((b * C + ci) * H + i) * W + j]! += acc;
    }
  return result;
}

/** Multichannel parameter gradient: Σ_{b,i,j} inp_pad[b, ci, i + p, j + q]·outgrad[b, co, i, j]. */
export function paramGrad(inp: Tensor, outputGrad: Tensor, param: Tensor): Tensor {
  check('paramGrad', inp, 4, param, 4);
  const [B, C, H, W] = inp.shape as [number, number, number, number];
  const [, O, K] = param.shape as [number, number, number];
  const x = flat(inp), g = flat(outputGrad), P = K >> 1;
  const [gw, result] = out([C, O, K, K]);
  for (let b = 0; b < B; b++) for (let ci = 0; ci < C; ci++) for (let co = 0; co < O; co++)
    for (let p = 0; p < K; p++) for (let q = 0; q < K; q++) {
      let acc = 0;
      for (let i = 0; i < H; i++) for (let j = 0; j < W; j++) {
        const r = i + p - P, c = j + q - P;
        if (r >= 0 && r < H && c >= 0 && c < W) acc += x[((b * C + ci) * H + r) * W + c]! * g[((b * O + co) * H + i) * W + j]!;
      }
      gw[((ci * O + co) * K + p) * K + q]! += acc;
    }
  return result;
}

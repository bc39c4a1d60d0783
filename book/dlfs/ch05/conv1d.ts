// Weidman ch5's loop-based 1-D convolutions, the chapter's teaching code: "same" padding (K//2 zeros
// each side), stride 1, cross-correlation (no kernel flip in the forward), no bias. Plain arrays, as
// small as the book's examples; the loss used to check gradients is the sum of the outputs.
import { ShapeError } from '@groundup/tensor';

const ones = (n: number): number[] => new Array<number>(n).fill(1);
const zeros = (n: number): number[] => new Array<number>(n).fill(0);

function sameLength(op: string, a: number[], b: number[], what: [string, string]): void {
  if (a.length !== b.length) throw new ShapeError(`${op}: the ${what[0]} has length ${a.length} but the ${what[1]} has length ${b.length}; they must match`);
}

/** `num` zeros on each side. */
export function pad1d(inp: number[], num: number): number[] {
  return [...zeros(num), ...inp, ...zeros(num)];
}

/** out[o] = Σ_p param[p]·inp_pad[o + p]. */
export function conv1d(inp: number[], param: number[]): number[] {
  const inpPad = pad1d(inp, param.length >> 1);
  const out = zeros(inp.length);
  for (let o = 0; o < out.length; o++)
    for (let p = 0; p < param.length; p++) out[o]! += param[p]! * inpPad[o + p]!;
  sameLength('conv1d', out, inp, ['output', 'input']);
  return out;
}

export const conv1dSum = (inp: number[], param: number[]): number => conv1d(inp, param).reduce((a, b) => a + b, 0);

/** param_grad[p] = Σ_o inp_pad[o + p]·output_grad[o] (output_grad defaults to ones: the gradient of the sum). */
export function paramGrad1d(inp: number[], param: number[], outputGrad: number[] = ones(inp.length)): number[] {
  sameLength('paramGrad1d', outputGrad, inp, ['output gradient', 'input']);
  const inpPad = pad1d(inp, param.length >> 1);
  const grad = zeros(param.length);
  for (let o = 0; o < inp.length; o++)
    for (let p = 0; p < param.length; p++) grad[p]! += inpPad[o + p]! * outputGrad[o]!;
  return grad;
}

/** input_grad[o] = Σ_f output_pad[o + K − 1 − f]·param[f]: the kernel, flipped, slides over the padded output gradient. */
export function inputGrad1d(inp: number[], param: number[], outputGrad: number[] = ones(inp.length)): number[] {
  sameLength('inputGrad1d', outputGrad, inp, ['output gradient', 'input']);
  const K = param.length, outPad = pad1d(outputGrad, K >> 1);
  const grad = zeros(inp.length);
  for (let o = 0; o < inp.length; o++)
    for (let f = 0; f < K; f++) grad[o]! += outPad[o + K - 1 - f]! * param[f]!;
  return grad;
}

// Batches: one row per observation; parameter gradients add up over the batch.
export const conv1dBatch = (inp: number[][], param: number[]): number[][] => inp.map((obs) => conv1d(obs, param));
export const conv1dBatchSum = (inp: number[][], param: number[]): number => conv1dBatch(inp, param).flat().reduce((a, b) => a + b, 0);
export const inputGrad1dBatch = (inp: number[][], param: number[]): number[][] => inp.map((obs) => inputGrad1d(obs, param));
export function paramGrad1dBatch(inp: number[][], param: number[]): number[] {
  return inp.map((obs) => paramGrad1d(obs, param)).reduce((acc, g) => acc.map((v, i) => v + g[i]!));
}

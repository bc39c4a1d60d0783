// conv2d through the kernel registry (float32) or the js kernels on float64 (gradcheck).
// unfold is im2col: the ch17 route to convolution by matmul.
import { conv2dBackwardDataWith, conv2dBackwardWeightWith, conv2dForwardWith, conv2dGeometry, DTypeError, jsBackend, kernel, ShapeError,
  type Conv2dGeometry, type Conv2dOptions, type FloatArray } from '@groundup/kernels';
import { allocate, isFloating } from './dtype.ts';
import { fmt } from './shape.ts';
import { Storage } from './storage.ts';
import { attachPure } from './autograd/node.ts';
import { elementwiseOp } from './ops/define.ts';
import { Tensor } from './tensor.ts';
import { emptyLike, resultDevice } from './device/cuda.ts';
import { cudaConv } from './device/gemm.ts';


export type { Conv2dOptions };

const raw = (t: Tensor): FloatArray => {
  const c = t.contiguous();
  return (c.offset === 0 && c.data.length === c.numel() ? c.data : c.data.subarray(c.offset, c.offset + c.numel())) as FloatArray;
};

function checkTypes(op: string, ...ts: (Tensor | null | undefined)[]): void {
  const d = ts[0]!.dtype;
  if (!isFloating(d)) throw new DTypeError(`${op}: expected float32 or float64 tensors, got ${d}; call .float() first`);
  for (const t of ts) if (t && t.dtype !== d) throw new DTypeError(`${op}: all tensors must share a dtype, got ${d} and ${t.dtype}`);
}

export function conv2dGeom(input: Tensor, weight: Tensor, opts: Conv2dOptions = {}): Conv2dGeometry {
  return conv2dGeometry(input.shape, weight.shape, opts);
}

/** Options of conv2d: stride and padding, and a ReLU applied to the output in the same op (nn's Sequential fuses Conv2d + ReLU so). */
export interface Conv2dOpOptions extends Conv2dOptions { activation?: 'relu' | null }

/** input [N,C,H,W] (or [C,H,W]) ⋆ weight [O,C,kh,kw] + bias [O], then ReLU with activation: 'relu'. */
export function conv2d(input: Tensor, weight: Tensor, bias: Tensor | null = null, opts: Conv2dOpOptions = {}): Tensor {
  if (input.ndim === 3) return conv2d(input.unsqueeze(0), weight, bias, opts).squeeze(0);
  checkTypes('conv2d', input, weight, bias);
  const g = conv2dGeom(input, weight, opts);
  if (bias && (bias.ndim !== 1 || bias.shape[0] !== g.o)) throw new ShapeError(`conv2d: bias must have shape [${g.o}], got ${fmt(bias.shape)}`);
  const out = emptyLike(input, [g.n, g.o, g.outH, g.outW]); // the kernel overwrites it entirely (a pooled buffer need not be zeroed)
  if (resultDevice('conv2d', [input, weight, bias]) === 'cuda') cudaConv('conv2d', 'forward', g, input.contiguous(), weight.contiguous(), bias?.contiguous() ?? null, out);
  else if (input.dtype === 'float32')
    kernel('conv2dForward')(g, raw(input) as Float32Array, raw(weight) as Float32Array, bias ? (raw(bias) as Float32Array) : null, out.data as Float32Array);
  else conv2dForwardWith(kernel('gemmF64'), g, raw(input) as Float64Array, raw(weight) as Float64Array, bias ? (raw(bias) as Float64Array) : null, out.data as Float64Array);
  const saved = [...(weight.requiresGrad ? [input] : []), ...(input.requiresGrad ? [weight] : [])];
  // The backward kernels come from the registry too, so backends accelerate training.
  const backward = (gy: Tensor): Tensor[] | (Tensor | null)[] => [
    input.requiresGrad ? conv2dBackwardInput(g, gy, weight) : null,
    weight.requiresGrad ? conv2dBackwardWeight(g, input, gy) : null,
    bias?.requiresGrad ? gy.sum([0, 2, 3]) : null,
  ];
  if (opts.activation !== 'relu') return attachPure(out, 'ConvolutionBackward0', [input, weight, bias], backward, saved);
  // The ReLU in place on the conv's output (no second buffer); backward masks the gradient (in place when it owns it).
  const relu = elementwiseOp('relu')!;
  relu.inPlace(out, [], [], 'conv2d');
  return attachPure(out, 'ReluBackward0', [input, weight, bias], (gy, owned) => backward(relu.backward(gy, [out], out, [], owned)[0]!), [...saved, out]);
}

/** The gradient of conv2d with respect to its input. */
export function conv2dBackwardInput(g: Conv2dGeometry, gradOut: Tensor, weight: Tensor): Tensor {
  const gi = emptyLike(gradOut, [g.n, g.c, g.h, g.w]);
  if (resultDevice('conv2d backward', [gradOut, weight]) === 'cuda') cudaConv('conv2d backward', 'backwardData', g, gradOut.contiguous(), weight.contiguous(), null, gi);
  else if (gradOut.dtype === 'float32') kernel('conv2dBackwardData')(g, raw(gradOut) as Float32Array, raw(weight) as Float32Array, gi.data as Float32Array);
  else conv2dBackwardDataWith(kernel('gemmF64'), g, raw(gradOut) as Float64Array, raw(weight) as Float64Array, gi.data as Float64Array);
  return gi;
}

/** The gradient of conv2d with respect to its weight. */
export function conv2dBackwardWeight(g: Conv2dGeometry, input: Tensor, gradOut: Tensor): Tensor {
  const gw = emptyLike(gradOut, [g.o, g.c, g.kh, g.kw]);
  if (resultDevice('conv2d backward', [input, gradOut]) === 'cuda') cudaConv('conv2d backward', 'backwardWeight', g, input.contiguous(), gradOut.contiguous(), null, gw);
  else if (gradOut.dtype === 'float32') kernel('conv2dBackwardWeight')(g, raw(input) as Float32Array, raw(gradOut) as Float32Array, gw.data as Float32Array);
  else conv2dBackwardWeightWith(kernel('gemmF64'), g, raw(input) as Float64Array, raw(gradOut) as Float64Array, gw.data as Float64Array);
  return gw;
}

/** F.unfold: input [N,C,H,W] → [N, C·kh·kw, L], the im2col matrix of each image. */
export function unfold(input: Tensor, kernelSize: number | [number, number], opts: Conv2dOptions = {}): Tensor {
  checkTypes('unfold', input);
  if (input.ndim !== 4) throw new ShapeError(`unfold: expects input [N,C,H,W], got ${fmt(input.shape)}`);
  const [kh, kw] = typeof kernelSize === 'number' ? [kernelSize, kernelSize] : kernelSize;
  const g = conv2dGeometry(input.shape, [1, input.shape[1]!, kh, kw], opts);
  const K = g.c * kh * kw, L = g.outH * g.outW, img = g.c * g.h * g.w;
  const out = emptyLike(input, [g.n, K, L]);
  const x = raw(input);
  // Other backends' im2col is float32-only; float64 stays on js.
  const im2col = (input.dtype === 'float64' ? jsBackend.kernels.im2col! : kernel('im2col')) as (g: Conv2dGeometry, image: FloatArray, cols: FloatArray) => void;
  for (let i = 0; i < g.n; i++) im2col(g, x.subarray(i * img, (i + 1) * img), (out.data as FloatArray).subarray(i * K * L, (i + 1) * K * L));
  return attachPure(out, 'Im2ColBackward0', [input], (gy) => [fold(g, gy)]);
}

/** F.fold for unfold's geometry: adds each column back into its image (col2im). */
function fold(g: Conv2dGeometry, cols: Tensor): Tensor {
  const K = g.c * g.kh * g.kw, L = g.outH * g.outW, img = g.c * g.h * g.w;
  // col2im adds into the image: it must start zeroed.
  const out = new Tensor(new Storage(allocate(cols.dtype, g.n * g.c * g.h * g.w)), [g.n, g.c, g.h, g.w], undefined, 0, cols.dtype);
  const c = raw(cols);
  const col2im = (cols.dtype === 'float64' ? jsBackend.kernels.col2im! : kernel('col2im')) as (g: Conv2dGeometry, cols: FloatArray, image: FloatArray) => void;
  for (let i = 0; i < g.n; i++) col2im(g, c.subarray(i * K * L, (i + 1) * K * L), (out.data as FloatArray).subarray(i * img, (i + 1) * img));
  return out;
}

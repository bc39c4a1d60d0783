// Weight initialisation, exported as the namespace init (PyTorch's torch.nn.init):
//   init.kaimingNormal_(conv.weight, {mode: 'fan_out', nonlinearity: 'relu'}); init.zeros_(conv.bias).
// Each fills the tensor in place without recording a graph and returns it. Fans and gains follow
// torch.nn.init: fan_in = size(1)·receptive field, fan_out = size(0)·receptive field.
import { ShapeError } from '@groundup/kernels';
import { defaultGenerator, noGrad, type Generator, type Tensor } from '@groundup/tensor';

export type Nonlinearity = 'linear' | 'conv1d' | 'conv2d' | 'conv3d' | 'sigmoid' | 'tanh' | 'relu' | 'leaky_relu' | 'leakyRelu' | 'selu';
export type FanMode = 'fan_in' | 'fan_out' | 'fanIn' | 'fanOut';
export interface KaimingOptions {
  /** The negative slope of the leaky ReLU after this layer (0 for ReLU). */
  a?: number;
  mode?: FanMode;
  nonlinearity?: Nonlinearity;
  generator?: Generator;
}
export interface XavierOptions { gain?: number; generator?: Generator }

/** The recommended gain for a nonlinearity: √2 for relu, 5/3 for tanh, √(2/(1+a²)) for leaky_relu, 1 for linear. */
export function calculateGain(nonlinearity: Nonlinearity, param?: number): number {
  switch (nonlinearity) {
    case 'linear': case 'conv1d': case 'conv2d': case 'conv3d': case 'sigmoid': return 1;
    case 'tanh': return 5 / 3;
    case 'relu': return Math.SQRT2;
    case 'leaky_relu': case 'leakyRelu': {
      const slope = param ?? 0.01;
      return Math.sqrt(2 / (1 + slope * slope));
    }
    case 'selu': return 3 / 4;
    default: throw new RangeError(`calculateGain: unsupported nonlinearity ${JSON.stringify(nonlinearity)}`);
  }
}

/** [fanIn, fanOut] of a weight [out, in, ...kernel]. */
export function calculateFanInAndFanOut(t: Tensor): [number, number] {
  if (t.ndim < 2) throw new ShapeError(`init: fan in and fan out cannot be computed for a tensor with fewer than 2 dims, got [${t.shape}]`);
  const receptive = t.shape.slice(2).reduce((a, b) => a * b, 1);
  return [t.shape[1]! * receptive, t.shape[0]! * receptive];
}

function fan(t: Tensor, mode: FanMode): number {
  const [fi, fo] = calculateFanInAndFanOut(t);
  if (mode === 'fan_in' || mode === 'fanIn') return fi;
  if (mode === 'fan_out' || mode === 'fanOut') return fo;
  throw new RangeError(`init: mode must be 'fan_in' or 'fan_out', got ${JSON.stringify(mode)}`);
}

const inPlace = (t: Tensor, f: () => Tensor): Tensor => noGrad(() => { f(); return t; });

export const uniform_ = (t: Tensor, a = 0, b = 1, generator: Generator = defaultGenerator): Tensor => inPlace(t, () => t.uniform_(a, b, generator));
export const normal_ = (t: Tensor, mean = 0, std = 1, generator: Generator = defaultGenerator): Tensor => inPlace(t, () => t.normal_(mean, std, generator));
export const constant_ = (t: Tensor, value: number): Tensor => inPlace(t, () => t.fill_(value));
export const zeros_ = (t: Tensor): Tensor => constant_(t, 0);
export const ones_ = (t: Tensor): Tensor => constant_(t, 1);

/** U(−b, b) with b = gain·√(3/fan); PyTorch's default a = 0, mode fan_in, leaky_relu (so gain √2). */
export function kaimingUniform_(t: Tensor, opts: KaimingOptions = {}): Tensor {
  const { a = 0, mode = 'fan_in', nonlinearity = 'leaky_relu', generator } = opts;
  const bound = calculateGain(nonlinearity, a) * Math.sqrt(3 / fan(t, mode));
  return uniform_(t, -bound, bound, generator);
}

/** N(0, std²) with std = gain/√fan (ch17: √(2/fan_in) for ReLU layers). */
export function kaimingNormal_(t: Tensor, opts: KaimingOptions = {}): Tensor {
  const { a = 0, mode = 'fan_in', nonlinearity = 'leaky_relu', generator } = opts;
  return normal_(t, 0, calculateGain(nonlinearity, a) / Math.sqrt(fan(t, mode)), generator);
}

/** U(−b, b) with b = gain·√(6/(fan_in + fan_out)). */
export function xavierUniform_(t: Tensor, opts: XavierOptions = {}): Tensor {
  const [fi, fo] = calculateFanInAndFanOut(t);
  const bound = (opts.gain ?? 1) * Math.sqrt(6 / (fi + fo));
  return uniform_(t, -bound, bound, opts.generator);
}

/** N(0, std²) with std = gain·√(2/(fan_in + fan_out)). */
export function xavierNormal_(t: Tensor, opts: XavierOptions = {}): Tensor {
  const [fi, fo] = calculateFanInAndFanOut(t);
  return normal_(t, 0, (opts.gain ?? 1) * Math.sqrt(2 / (fi + fo)), opts.generator);
}

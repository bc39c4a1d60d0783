import { DeviceError, type DeviceBlock } from '@groundup/kernels';
import type { DType, TypedArray } from './dtype.ts';

/**
 * The flat buffer behind one or more tensor views: a typed array on the CPU, or a device block on
 * the GPU (a CUDA tensor). `version` counts in-place writes (autograd checks it).
 */
export class Storage {
  private static nextId = 0;
  /** Increasing with creation order: backward knows which gradient buffers it made itself. */
  readonly id = Storage.nextId++;
  version = 0;
  private readonly host: TypedArray | null;
  /** The device block of a CUDA storage (null on the CPU). */
  readonly block: DeviceBlock | null;
  /** Elements (CUDA storage). */
  private readonly count: number;
  constructor(data: TypedArray | null, block: DeviceBlock | null = null, count = 0) {
    this.host = data;
    this.block = block;
    this.count = data ? data.length : count;
  }
  /** A CUDA storage of `count` elements in `block`. */
  static cuda(block: DeviceBlock, count: number): Storage { return new Storage(null, block, count); }
  /** The id the next storage will get. */
  static peekId(): number { return Storage.nextId; }
  get length(): number { return this.count; }
  /** The values on the CPU. A CUDA storage has none here: an op without a CUDA kernel that reads them says so. */
  get data(): TypedArray {
    const d = this.host;
    if (d === null) throw new DeviceError(cudaHostRead);
    return d;
  }
}

const cudaHostRead = "an op without a CUDA kernel tried to read a cuda tensor's values on the CPU; move its inputs with .cpu() first "
  + '(or the model with model.cpu()), or see "What runs where" in the README for the ops that run on the device';


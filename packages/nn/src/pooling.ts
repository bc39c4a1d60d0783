// Pooling layers: MaxPool2d, AvgPool2d (stride defaults to the kernel size), AdaptiveAvgPool2d and
// AdaptiveMaxPool2d (the output size is given: AdaptiveAvgPool2d(1) is the mean over H and W).
import type { Tensor } from '@groundup/tensor';
import {
  adaptiveAvgPool2d, adaptiveMaxPool2d, avgPool2d, maxPool2d, type AdaptiveSize, type AvgPool2dOptions, type MaxPool2dOptions, type Size2,
} from './functional/pool.ts';
import { Module } from './module.ts';

const py = (v: Size2 | null | undefined): string => (v == null ? 'None' : typeof v === 'number' ? String(v) : `(${v[0]}, ${v[1]})`);
const bool = (b: boolean): string => (b ? 'True' : 'False');

export class MaxPool2d extends Module<[Tensor], Tensor> {
  readonly stride: Size2;
  readonly padding: Size2;
  readonly ceilMode: boolean;
  constructor(readonly kernelSize: Size2, opts: MaxPool2dOptions = {}) {
    super();
    this.stride = opts.stride ?? kernelSize;
    this.padding = opts.padding ?? 0;
    this.ceilMode = opts.ceilMode ?? false;
  }
  override forward(x: Tensor): Tensor {
    return maxPool2d(x, this.kernelSize, { stride: this.stride, padding: this.padding, ceilMode: this.ceilMode });
  }
  override extraRepr(): string {
    return `kernel_size=${py(this.kernelSize)}, stride=${py(this.stride)}, padding=${py(this.padding)}, dilation=1, ceil_mode=${bool(this.ceilMode)}`;
  }
}

export class AvgPool2d extends Module<[Tensor], Tensor> {
  readonly stride: Size2;
  readonly padding: Size2;
  readonly ceilMode: boolean;
  readonly countIncludePad: boolean;
  readonly divisorOverride: number | null;
  constructor(readonly kernelSize: Size2, opts: AvgPool2dOptions = {}) {
    super();
    this.stride = opts.stride ?? kernelSize;
    this.padding = opts.padding ?? 0;
    this.ceilMode = opts.ceilMode ?? false;
    this.countIncludePad = opts.countIncludePad ?? true;
    this.divisorOverride = opts.divisorOverride ?? null;
  }
  override forward(x: Tensor): Tensor {
    return avgPool2d(x, this.kernelSize, {
      stride: this.stride, padding: this.padding, ceilMode: this.ceilMode, countIncludePad: this.countIncludePad, divisorOverride: this.divisorOverride,
    });
  }
  override extraRepr(): string {
    return `kernel_size=${py(this.kernelSize)}, stride=${py(this.stride)}, padding=${py(this.padding)}`;
  }
}

const adaptiveRepr = (s: AdaptiveSize): string => `output_size=${typeof s === 'number' ? s : `(${s[0] ?? 'None'}, ${s[1] ?? 'None'})`}`;

export class AdaptiveAvgPool2d extends Module<[Tensor], Tensor> {
  constructor(readonly outputSize: AdaptiveSize) { super(); }
  override forward(x: Tensor): Tensor { return adaptiveAvgPool2d(x, this.outputSize); }
  override extraRepr(): string { return adaptiveRepr(this.outputSize); }
}

export class AdaptiveMaxPool2d extends Module<[Tensor], Tensor> {
  constructor(readonly outputSize: AdaptiveSize) { super(); }
  override forward(x: Tensor): Tensor { return adaptiveMaxPool2d(x, this.outputSize); }
  override extraRepr(): string { return adaptiveRepr(this.outputSize); }
}

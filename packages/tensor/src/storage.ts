import type { TypedArray } from './dtype.ts';

/** The flat buffer behind one or more tensor views. `version` counts in-place writes (autograd checks it). */
export class Storage {
  version = 0;
  constructor(readonly data: TypedArray) {}
  get length(): number { return this.data.length; }
}

import type { TypedArray } from './dtype.ts';

/** The flat buffer behind one or more tensor views. `version` counts in-place writes (autograd checks it). */
export class Storage {
  private static nextId = 0;
  /** Increasing with creation order: backward knows which gradient buffers it made itself. */
  readonly id = Storage.nextId++;
  version = 0;
  constructor(readonly data: TypedArray) {}
  /** The id the next storage will get. */
  static peekId(): number { return Storage.nextId; }
  get length(): number { return this.data.length; }
}

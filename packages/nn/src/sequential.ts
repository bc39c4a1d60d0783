// Sequential(...layers): children named '0', '1', ...; call(x) runs them in order (each through
// its own call(), so hooks fire). Indexing as PyTorch: seq.at(0), seq.at(-1), seq.slice(0, 2),
// seq.length, for (const m of seq). A record gives named children: new Sequential({conv: ..., act: ...}).
import { IndexError } from '@groundup/kernels';
import type { Tensor } from '@groundup/tensor';
import { ReLU } from './activation.ts';
import { Conv2d } from './conv2d.ts';
import { Module, type AnyModule } from './module.ts';

type Layer = AnyModule;
type Step = { call(x: Tensor): Tensor };

export class Sequential extends Module<[Tensor], Tensor> {
  constructor(...layers: Layer[] | [Record<string, Layer>]) {
    super();
    const first = layers[0];
    if (layers.length === 1 && first !== undefined && !(first instanceof Module)) {
      for (const [name, m] of Object.entries(first)) this.registerModule(name, m as AnyModule);
    } else {
      (layers as Layer[]).forEach((m, i) => {
        if (!(m instanceof Module)) throw new TypeError(`Sequential: argument ${i} is not a Module (got ${typeof m})`);
        this.registerModule(String(i), m as AnyModule);
      });
    }
  }

  get length(): number { return this.registeredModules().length; }

  /** The layer at position i (negative counts from the end). */
  at(i: number): AnyModule {
    const all = this.registeredModules();
    const j = i < 0 ? i + all.length : i;
    if (!Number.isInteger(i) || j < 0 || j >= all.length) throw new IndexError(`Sequential.at: index ${i} is out of range for ${all.length} layers`);
    return all[j]![1];
  }

  /** A new Sequential over layers [start, end), sharing them (seq[start:end]). */
  slice(start = 0, end?: number): Sequential {
    return new Sequential(...this.registeredModules().slice(start, end).map(([, m]) => m));
  }

  /** Adds a layer at the end, named by its position. */
  append(module: Layer): this {
    this.registerModule(String(this.length), module as AnyModule);
    return this;
  }

  [Symbol.iterator](): Iterator<AnyModule> {
    return this.registeredModules().map(([, m]) => m)[Symbol.iterator]();
  }

  /**
   * Runs the layers in order. A Conv2d directly followed by a ReLU (exactly those classes, with no
   * hooks on either) runs as one fused op: the same values and gradients, one buffer and one pass fewer.
   */
  override forward(x: Tensor): Tensor {
    const mods = this.registeredModules();
    for (let i = 0; i < mods.length; i++) {
      const m = mods[i]![1], next = mods[i + 1]?.[1];
      if (next && fusible(m, next)) {
        x = (m as Conv2d).forwardRelu(x);
        i++;
      } else x = (m as unknown as Step).call(x);
    }
    return x;
  }
}

/** Exactly Conv2d then exactly ReLU (a subclass may override forward), neither watched by a hook. */
const fusible = (m: AnyModule, next: AnyModule): boolean =>
  Object.getPrototypeOf(m) === Conv2d.prototype && Object.getPrototypeOf(next) === ReLU.prototype && !m.hooked && !next.hooked;

// fastai ch19, "Module and Parameter": the chapter's own small module system, as the book writes
// it. Python's __setattr__ registers a Parameter or a Module the moment it is assigned; in
// JavaScript a Proxy returned from the constructor plays that part, so `this.w = new Parameter(...)`
// (or a class field) inside a subclass registers w. A module keeps one hook, called after forward with (result, args).
import { conv2d, noGrad, Tensor, zeros } from 'groundup';
import { init } from '@groundup/nn';

/** A tensor that a Module collects: the same storage, a leaf that requires grad. */
export class Parameter extends Tensor {
  constructor(t: Tensor) {
    super(t.storage, t.shape, t.strides, t.offset, t.dtype);
    this.requiresGrad_();
  }
}

export type Hook = (out: Tensor, args: Tensor[]) => void;

export class Module {
  hook: Hook | null = null;
  params: Parameter[] = [];
  children: Module[] = [];
  // Not a #private field: those live on the target, and `this` is the Proxy.
  private _training = false;

  constructor() {
    // The counterpart of the book's __setattr__: every later property definition on this module,
    // a plain assignment (`this.w = ...`) or a class field (`lin = new Linear(2, 3)`), passes
    // through defineProperty.
    return new Proxy(this, {
      defineProperty(target, key, desc): boolean {
        const ok = Reflect.defineProperty(target, key, desc);
        if (desc.value instanceof Parameter) target.params.push(desc.value);
        if (desc.value instanceof Module) target.children.push(desc.value);
        return ok;
      },
    });
  }

  get training(): boolean { return this._training; }
  set training(v: boolean) {
    this._training = v;
    for (const m of this.children) m.training = v;
  }

  parameters(): Parameter[] {
    return [...this.params, ...this.children.flatMap((m) => m.parameters())];
  }

  forward(..._args: Tensor[]): Tensor { throw new Error(`${this.constructor.name}.forward is not defined`); }

  /** The book's __call__: forward, then the hook with (result, args). */
  call(...args: Tensor[]): Tensor {
    const res = this.forward(...args);
    if (this.hook) this.hook(res, args);
    return res;
  }
}

/** A 3×3 convolution (padding 1) with an optional ReLU; Kaiming-normal init before a ReLU, Xavier-normal otherwise. */
export class ConvLayer extends Module {
  w: Parameter;
  b: Parameter | null;
  constructor(ni: number, nf: number, readonly stride = 1, bias = true, readonly act = true) {
    super();
    this.w = new Parameter(zeros(nf, ni, 3, 3));
    this.b = bias ? new Parameter(zeros(nf)) : null;
    noGrad(() => (act ? init.kaimingNormal_(this.w) : init.xavierNormal_(this.w)));
  }
  override forward(x: Tensor): Tensor {
    const out = conv2d(x, this.w, this.b, { stride: this.stride, padding: 1 });
    return this.act ? out.relu() : out;
  }
}

/** x @ wᵀ + b with w [nf, ni], Xavier-normal. */
export class Linear extends Module {
  w: Parameter;
  b: Parameter;
  constructor(ni: number, nf: number) {
    super();
    this.w = new Parameter(zeros(nf, ni));
    this.b = new Parameter(zeros(nf));
    noGrad(() => init.xavierNormal_(this.w));
  }
  override forward(x: Tensor): Tensor { return x.matmul(this.w.t()).add(this.b); }
}

export class Sequential extends Module {
  readonly layers: Module[];
  constructor(...layers: Module[]) {
    super();
    this.layers = layers;
    this.children.push(...layers); // registered explicitly, as the book's register_modules(*layers)
  }
  override forward(x: Tensor): Tensor {
    for (const l of this.layers) x = l.call(x);
    return x;
  }
}

/** Mean over the spatial dims: [bs, c, h, w] → [bs, c]. */
export class AdaptivePool extends Module {
  override forward(x: Tensor): Tensor { return x.mean([2, 3]); }
}

/** The chapter's CNN: four stride-2 ConvLayers (3 → 16 → 32 → 64 → 128), pooling, Linear(128, 10). */
export function simpleCnn(inChannels = 3): Sequential {
  return new Sequential(
    new ConvLayer(inChannels, 16, 2), // 32 (on the book's 64-pixel images; 14 on 28)
    new ConvLayer(16, 32, 2),         // 16
    new ConvLayer(32, 64, 2),         //  8
    new ConvLayer(64, 128, 2),        //  4
    new AdaptivePool(),
    new Linear(128, 10),
  );
}

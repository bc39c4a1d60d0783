// fastai ch18's hooks, as the book writes them: Hook stores a detached copy of a module's output,
// HookBwd the gradient of its output. Both register in the constructor and are disposable, the
// book's context managers:
//   { using hook = new Hook(body); model.call(x); act = hook.stored; }   // removed at the brace
import type { AnyModule, RemovableHandle } from '@groundup/nn';
import { Tensor } from 'groundup';

const first = (o: unknown): Tensor => {
  const t = Array.isArray(o) ? o[0] : o;
  if (!(t instanceof Tensor)) throw new TypeError(`hook: expected the module to output a Tensor, got ${typeof t}`);
  return t;
};

/** A forward hook storing a detached clone of the output (hook_func(m, i, o): self.stored = o.detach().clone()). */
export class Hook {
  stored: Tensor | null = null;
  readonly hook: RemovableHandle;
  constructor(m: AnyModule) {
    this.hook = m.registerForwardHook((_m, _i, o) => { this.stored = first(o).detach().clone(); });
  }
  remove(): void { this.hook.remove(); }
  [Symbol.dispose](): void { this.remove(); }
}

/** A backward hook storing the gradient of the module's output (grad_output[0]). */
export class HookBwd {
  stored: Tensor | null = null;
  readonly hook: RemovableHandle;
  constructor(m: AnyModule) {
    this.hook = m.registerFullBackwardHook((_m, _gi, go) => { this.stored = go[0]!.detach().clone(); });
  }
  remove(): void { this.hook.remove(); }
  [Symbol.dispose](): void { this.remove(); }
}

// ModuleDict: named child modules in insertion order, as PyTorch's nn.ModuleDict. Each entry is a
// registered child (its parameters appear as `name.param` in the state dict); setting an existing
// name replaces the module in place; a popped name added again goes last. It has no forward: look modules up in the parent's forward.
import { IndexError } from '@groundup/kernels';
import { Module, type AnyModule } from './module.ts';

export class ModuleDict extends Module<unknown[], never> {
  constructor(modules: Iterable<readonly [string, AnyModule]> | Record<string, AnyModule> = {}) {
    super();
    this.update(modules);
  }
  get length(): number { return this.registeredModules().length; }
  has(key: string): boolean { return this.registeredModules().some(([k]) => k === key); }
  get(key: string): AnyModule {
    const hit = this.registeredModules().find(([k]) => k === key);
    if (!hit) throw new IndexError(`ModuleDict.get: no module named ${JSON.stringify(key)}; the keys are [${this.keys().join(', ')}]`);
    return hit[1];
  }
  set(key: string, module: AnyModule): this {
    if (!(module instanceof Module)) throw new TypeError(`ModuleDict.set: '${key}' must be a Module, got ${typeof module}`);
    this.registerModule(key, module);
    return this;
  }
  /** Removes the module under key and returns it (PyTorch's pop). */
  pop(key: string): AnyModule {
    const m = this.get(key);
    this.unregisterModule(key);
    return m;
  }
  clear(): void { for (const k of this.keys()) this.unregisterModule(k); }
  keys(): string[] { return this.registeredModules().map(([k]) => k); }
  values(): AnyModule[] { return this.registeredModules().map(([, m]) => m); }
  items(): [string, AnyModule][] { return this.registeredModules(); }
  update(modules: Iterable<readonly [string, AnyModule]> | Record<string, AnyModule>): this {
    const entries = Symbol.iterator in modules ? [...(modules as Iterable<readonly [string, AnyModule]>)] : Object.entries(modules);
    for (const [k, m] of entries) this.set(k, m);
    return this;
  }
  /** Iterates the keys, as iterating a PyTorch ModuleDict does. */
  [Symbol.iterator](): Iterator<string> { return this.keys()[Symbol.iterator](); }
}

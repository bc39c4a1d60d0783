// ModuleList: a list of modules that registers them as children '0', '1', ... (a plain array
// attribute is not scanned, as in PyTorch). It has no forward: iterate it in the parent's forward.
import { IndexError } from '@groundup/kernels';
import { Module, type AnyModule } from './module.ts';

export class ModuleList extends Module<unknown[], never> {
  constructor(modules: Iterable<AnyModule> = []) {
    super();
    for (const m of modules) this.append(m);
  }
  get length(): number { return this.registeredModules().length; }
  at(i: number): AnyModule {
    const all = this.registeredModules();
    const j = i < 0 ? i + all.length : i;
    if (!Number.isInteger(i) || j < 0 || j >= all.length) throw new IndexError(`ModuleList.at: index ${i} is out of range for ${all.length} modules`);
    return all[j]![1];
  }
  append(module: AnyModule): this {
    if (!(module instanceof Module)) throw new TypeError(`ModuleList.append: expected a Module, got ${typeof module}`);
    this.registerModule(String(this.length), module);
    return this;
  }
  extend(modules: Iterable<AnyModule>): this {
    for (const m of modules) this.append(m);
    return this;
  }
  [Symbol.iterator](): Iterator<AnyModule> {
    return this.registeredModules().map(([, m]) => m)[Symbol.iterator]();
  }
}

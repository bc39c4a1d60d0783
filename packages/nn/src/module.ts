// Module: the base of every layer, as in ch19. Child modules and Parameters are registered two ways:
//  - explicitly: registerModule(name, m), registerParameter(name, p), registerBuffer(name, t);
//  - by plain assignment in a subclass constructor: `this.lin = new Linear(2, 3)`. Before any
//    query (parameters(), children(), stateDict(), toString() ...) a module scans its own
//    enumerable properties and registers every Module and Parameter it finds, in assignment order.
// A plain Tensor attribute is not a parameter (ch8 shows zero params for one); a tensor that
// must be saved but not trained is a buffer (registerBuffer). Reassigning an attribute replaces
// what is registered under that name; assigning null removes it from the queries.
//
// PyTorch calls a module as model(x). A TS object cannot be called, so model.call(x) runs the
// hooks around forward(x) (use it in training code), while model.forward(x) runs forward alone.
import { DTypeError, IndexError, SerializationError } from '@groundup/kernels';
import { checkDevice, isDeviceName, isGradEnabled, noGrad, resolveDType, Tensor, type Device, type DType, type DTypeName } from '@groundup/tensor';
import { BackwardHookCall, RemovableHandle, type Grads } from './hooks.ts';
import { Parameter } from './parameter.ts';
import { loadStateDictInto, torchKey, type LoadResult, type LoadStateDictOptions, type StateDict } from './state-dict.ts';

// Hook types are declared as methods so that they compare bivariantly: a Linear, with its
// [Tensor] input, is then a Module like any other (React's "bivarianceHack").
export type ForwardPreHook<M, In> = { hook(module: M, input: In): In | void }['hook'];
export type ForwardHook<M, In, Out> = { hook(module: M, input: In, output: Out): Out | void }['hook'];
export type BackwardHook<M> = { hook(module: M, gradInput: Grads, gradOutput: Grads): Grads | void }['hook'];
/** Any module, whatever its forward signature (what children() and modules() give). */
export type AnyModule = Module<unknown[], unknown>;

type Kind = 'parameter' | 'buffer' | 'module';
type Hook = (...args: unknown[]) => unknown;
interface State {
  names: Map<string, Kind>;
  nonPersistent: Set<string>;
  preHooks: Map<number, Hook>;
  forwardHooks: Map<number, Hook>;
  backwardHooks: Map<number, Hook>;
}

const checkName = (m: object, what: string, name: string, known: boolean): void => {
  if (typeof name !== 'string' || name === '' || name.includes('.'))
    throw new TypeError(`${what}: the name must be a non-empty string without '.', got ${JSON.stringify(name)}`);
  if (!known && name in m && !Object.prototype.hasOwnProperty.call(m, name))
    throw new TypeError(`${what}: '${name}' is already a method or property of ${m.constructor.name}; choose another name`);
};
const indent = (s: string): string => s.split('\n').join('\n  ');

export class Module<In extends unknown[] = Tensor[], Out = Tensor> {
  /** True in training mode (the default), false after eval(). Set it with train()/eval(), which reach every child. */
  training = true;
  readonly #s: State = {
    names: new Map(), nonPersistent: new Set(), preHooks: new Map(), forwardHooks: new Map(), backwardHooks: new Map(),
  };

  // ---------------------------------------------------------------- registration
  #get(name: string): unknown { return (this as unknown as Record<string, unknown>)[name]; }
  #put(name: string, v: unknown): void { (this as unknown as Record<string, unknown>)[name] = v; }

  /** Registers every Module and Parameter assigned as an own property since the last scan. */
  #scan(): Map<string, Kind> {
    const names = this.#s.names;
    for (const k of Object.keys(this)) {
      if (names.has(k)) continue;
      const v = this.#get(k);
      if (v instanceof Parameter) names.set(k, 'parameter');
      else if (v instanceof Module) names.set(k, 'module');
    }
    return names;
  }

  /** The registered entries of a kind, in registration order; null values (e.g. bias=false) included. */
  #entries(kind: Kind): [string, unknown][] {
    const out: [string, unknown][] = [];
    for (const [name, registered] of this.#scan()) {
      const v = this.#get(name);
      const actual: Kind | null = v instanceof Parameter ? 'parameter' : v instanceof Module ? 'module'
        : v instanceof Tensor ? (registered === 'buffer' ? 'buffer' : null) : v == null ? registered : null;
      if (actual === kind) out.push([name, v ?? null]);
    }
    return out;
  }

  /** Adds a parameter (or null, a declared but absent one, as bias=False); this[name] holds it. */
  registerParameter(name: string, param: Parameter | null): void {
    checkName(this, 'registerParameter', name, this.#s.names.has(name));
    if (param !== null && !(param instanceof Parameter))
      throw new TypeError(`registerParameter: cannot register a ${(param as unknown) instanceof Tensor ? 'plain Tensor' : typeof param} as parameter '${name}'; wrap it: new Parameter(t)`);
    this.#scan().set(name, 'parameter');
    this.#put(name, param);
  }

  /** Adds a tensor that is part of the state (saved, moved by to()) but not trained, e.g. BatchNorm's running mean. */
  registerBuffer(name: string, tensor: Tensor | null, persistent = true): void {
    checkName(this, 'registerBuffer', name, this.#s.names.has(name));
    if (tensor !== null && !(tensor instanceof Tensor)) throw new TypeError(`registerBuffer: buffer '${name}' must be a Tensor or null, got ${typeof tensor}`);
    this.#scan().set(name, 'buffer');
    if (persistent) this.#s.nonPersistent.delete(name);
    else this.#s.nonPersistent.add(name);
    this.#put(name, tensor);
  }

  /** Adds a child module; this[name] holds it. */
  registerModule(name: string, module: AnyModule | null): void {
    checkName(this, 'registerModule', name, this.#s.names.has(name));
    if (module !== null && !(module instanceof Module)) throw new TypeError(`registerModule: '${name}' must be a Module or null, got ${typeof module}`);
    this.#scan().set(name, 'module');
    this.#put(name, module);
  }
  /** Alias of registerModule, as PyTorch's add_module. */
  addModule(name: string, module: AnyModule | null): void { this.registerModule(name, module); }
  /** Forgets a child module, name and place (PyTorch's `del self._modules[name]`): registered again, it goes last. */
  protected unregisterModule(name: string): void {
    if (this.#scan().get(name) !== 'module') return;
    this.#s.names.delete(name);
    delete (this as unknown as Record<string, unknown>)[name];
  }

  // ---------------------------------------------------------------- traversal
  /** Direct children with their names (each module once). */
  namedChildren(): [string, AnyModule][] {
    const seen = new Set<unknown>();
    return this.#entries('module').filter(([, m]) => m !== null && !seen.has(m) && seen.add(m)) as [string, AnyModule][];
  }
  children(): AnyModule[] { return this.namedChildren().map(([, m]) => m); }

  /** The registered child modules in order, one registered twice listed twice (PyTorch's _modules). */
  protected registeredModules(): [string, AnyModule][] {
    return this.#entries('module').filter(([, m]) => m !== null) as [string, AnyModule][];
  }

  /** This module and every descendant, depth first, with dotted names ('' for this one); each module once. */
  namedModules(prefix = '', memo = new Set<unknown>()): [string, AnyModule][] {
    if (memo.has(this)) return [];
    memo.add(this);
    const out: [string, AnyModule][] = [[prefix, this as unknown as AnyModule]];
    for (const [name, m] of this.#entries('module')) {
      if (m === null) continue;
      out.push(...(m as Module).namedModules(prefix ? `${prefix}.${name}` : name, memo));
    }
    return out;
  }
  modules(): AnyModule[] { return this.namedModules().map(([, m]) => m); }

  /** Parameters with dotted names as in PyTorch ('0.weight', 'layers.1.bias'); a shared parameter appears once. */
  namedParameters(prefix = '', recurse = true): [string, Parameter][] {
    return this.#named('parameter', prefix, recurse) as [string, Parameter][];
  }
  parameters(recurse = true): Parameter[] { return this.namedParameters('', recurse).map(([, p]) => p); }

  namedBuffers(prefix = '', recurse = true): [string, Tensor][] {
    return this.#named('buffer', prefix, recurse) as [string, Tensor][];
  }
  buffers(recurse = true): Tensor[] { return this.namedBuffers('', recurse).map(([, b]) => b); }

  #named(kind: 'parameter' | 'buffer', prefix: string, recurse: boolean): [string, Tensor][] {
    const mods: [string, AnyModule][] = recurse ? this.namedModules(prefix) : [[prefix, this as unknown as AnyModule]];
    const seen = new Set<Tensor>();
    const out: [string, Tensor][] = [];
    for (const [mp, m] of mods)
      for (const [name, t] of (m as Module).#entries(kind)) {
        if (t === null || seen.has(t as Tensor)) continue;
        seen.add(t as Tensor);
        out.push([mp ? `${mp}.${name}` : name, t as Tensor]);
      }
    return out;
  }

  /** The descendant at a dotted path, e.g. getSubmodule('layers.0'). */
  getSubmodule(target: string): AnyModule {
    let m: AnyModule = this as unknown as AnyModule;
    if (target === '') return m;
    const parts = target.split('.');
    parts.forEach((part, i) => {
      const child = new Map((m as Module).#entries('module')).get(part);
      if (!(child instanceof Module))
        throw new IndexError(`getSubmodule: ${m.constructor.name} at '${parts.slice(0, i).join('.')}' has no submodule '${part}'; it has: ${(m as Module).namedChildren().map(([n]) => n).join(', ') || 'none'}`);
      m = child as AnyModule;
    });
    return m;
  }

  /** This module's own parameters (non-null), then its persistent buffers, each in registration order: what stateDict() saves for it. */
  namedLocalState(): [string, Tensor][] {
    const params = this.#entries('parameter').filter(([, p]) => p !== null);
    const buffers = this.#entries('buffer').filter(([name, b]) => b !== null && !this.#s.nonPersistent.has(name));
    return [...params, ...buffers] as [string, Tensor][];
  }

  // ---------------------------------------------------------------- modes and bulk changes
  /** Sets training mode here and in every child (BatchNorm and Dropout read it). */
  train(mode = true): this {
    this.training = mode;
    for (const c of this.children()) c.train(mode);
    return this;
  }
  eval(): this { return this.train(false); }

  /** Turns gradient tracking of every parameter on or off (freezing). */
  requiresGrad_(requiresGrad = true): this {
    for (const p of this.parameters()) p.requiresGrad_(requiresGrad);
    return this;
  }

  /**
   * Clears the gradients, as PyTorch 1.13's model.zero_grad(set_to_none=False): each grad is
   * detached and zeroed in place. zeroGrad(true) or zeroGrad({ setToNone: true }) sets them to
   * null instead (PyTorch 2's default). Optimizer.zeroGrad takes the same arguments and default.
   */
  zeroGrad(opts: boolean | { setToNone?: boolean } = false): void {
    const setToNone = typeof opts === 'boolean' ? opts : opts.setToNone ?? false;
    for (const p of this.parameters()) {
      if (setToNone || !p.grad) { p.grad = null; continue; }
      const g = p.grad.gradFn || p.grad.requiresGrad ? p.grad.detach() : p.grad;
      noGrad(() => g.zero_());
      p.grad = g;
    }
  }

  /** Calls fn on every child (recursively), then on this module, e.g. to initialise weights. */
  apply(fn: (module: AnyModule) => void): this {
    for (const c of this.children()) c.apply(fn);
    fn(this as unknown as AnyModule);
    return this;
  }

  /**
   * to('cuda') / to('cpu') moves every parameter and buffer in place, keeping the Parameter
   * objects, so an optimizer built before the move still works (its state follows each parameter
   * when it is made). Without a GPU, to('cuda') throws a DeviceError with the reason.
   * to(dtype) converts floating parameters and buffers, as model.double() does: those are new
   * Parameter objects, so call it before creating an optimizer.
   */
  to(target: DTypeName | Device): this {
    if (isDeviceName(target)) {
      const device = checkDevice(`${this.constructor.name}.to`, target);
      for (const t of [...this.parameters(), ...this.buffers()]) t.moveTo_(device);
      return this;
    }
    const dtype = resolveDType(`${this.constructor.name}.to`, target);
    if (dtype !== 'float32' && dtype !== 'float64')
      throw new DTypeError(`${this.constructor.name}.to: a module converts only to a floating-point dtype (float32 or float64), got ${target}, as in PyTorch`);
    for (const m of this.modules()) (m as Module).#castLocal(dtype);
    return this;
  }
  /** PyTorch's model.cpu(): parameters and buffers to the CPU, in place. */
  cpu(): this { return this.to('cpu'); }
  /** PyTorch's model.cuda(): parameters and buffers to the GPU, in place (a DeviceError with the reason when there is none). */
  cuda(): this { return this.to('cuda'); }
  double(): this { return this.to('float64'); }
  float(): this { return this.to('float32'); }

  #castLocal(dtype: DType): void {
    for (const [name, kind] of this.#scan()) {
      const v = this.#get(name);
      if (!(v instanceof Tensor) || v.dtype === dtype || (v.dtype !== 'float32' && v.dtype !== 'float64')) continue;
      if (v instanceof Parameter) this.#put(name, new Parameter(v.detach().to(dtype), v.requiresGrad));
      else if (kind === 'buffer') this.#put(name, v.detach().to(dtype));
    }
  }

  // ---------------------------------------------------------------- calling
  /** The computation; subclasses define it. Call it through call() to run the hooks. */
  forward(..._input: In): Out {
    throw new TypeError(`${this.constructor.name}.forward is not implemented; define forward(...) in the subclass`);
  }

  /** Does any forward pre-hook, forward hook or backward hook watch this module? */
  get hooked(): boolean {
    const s = this.#s;
    return s.preHooks.size > 0 || s.forwardHooks.size > 0 || s.backwardHooks.size > 0;
  }

  /** PyTorch's model(x): forward pre-hooks, forward, forward hooks, with backward hooks attached. */
  call(...input: In): Out {
    const s = this.#s;
    for (const h of [...s.preHooks.values()]) {
      const r = h(this, input);
      if (r !== undefined) input = (Array.isArray(r) ? r : [r]) as In;
    }
    const bw = s.backwardHooks.size > 0 && isGradEnabled()
      ? new BackwardHookCall((gi, go) => {
        let cur: Grads | void = undefined;
        for (const h of [...s.backwardHooks.values()]) {
          const r = h(this, cur ?? gi, go) as Grads | void;
          if (r) cur = r;
        }
        return cur;
      }, this.constructor.name)
      : null;
    if (bw) input = bw.wrapInputs(input);
    let out = this.forward(...input);
    for (const h of [...s.forwardHooks.values()]) {
      const r = h(this, input, out);
      if (r !== undefined) out = r as Out;
    }
    return bw ? bw.wrapOutputs(out) : out;
  }

  /** hook(module, input) runs before forward; it may return replacement inputs. */
  registerForwardPreHook(hook: ForwardPreHook<this, In>): RemovableHandle {
    return this.#addHook(this.#s.preHooks, hook);
  }
  /** hook(module, input, output) runs after forward; it may return a replacement output. */
  registerForwardHook(hook: ForwardHook<this, In, Out>): RemovableHandle {
    return this.#addHook(this.#s.forwardHooks, hook);
  }
  /**
   * hook(module, gradInput, gradOutput) runs in backward once the gradients with respect to this
   * call's inputs are known (gradInput has one entry per input, null for those without a
   * gradient; gradOutput one per output tensor). It may return replacement gradInput.
   */
  registerFullBackwardHook(hook: BackwardHook<this>): RemovableHandle {
    return this.#addHook(this.#s.backwardHooks, hook);
  }
  #addHook(map: Map<number, Hook>, hook: unknown): RemovableHandle {
    if (typeof hook !== 'function') throw new TypeError(`register hook: expected a function, got ${typeof hook}`);
    const h = new RemovableHandle(map);
    map.set(h.id, hook as Hook);
    return h;
  }

  // ---------------------------------------------------------------- state
  /**
   * Parameters and persistent buffers by key, as tensors that share memory with the model. Keys are
   * PyTorch's: the dotted path with each camelCase segment in snake_case ('bn.runningMean' →
   * 'bn.running_mean'), so state dicts and files interchange with PyTorch models.
   */
  stateDict(): StateDict {
    const out: StateDict = Object.create(null) as StateDict; // any key, even '__proto__', is a plain entry
    const from = new Map<string, string>();
    const walk = (m: Module, prefix: string, stack: Set<Module>): void => {
      if (stack.has(m)) return;
      stack.add(m);
      for (const [name, t] of m.namedLocalState()) {
        const path = prefix + name, key = torchKey(path);
        if (from.has(key))
          throw new SerializationError(`stateDict: '${path}' and '${from.get(key)}' both give the key '${key}'; rename one of the attributes`);
        from.set(key, path);
        out[key] = t.detach();
      }
      for (const [name, c] of m.#entries('module')) if (c) walk(c as Module, `${prefix}${name}.`, stack);
      stack.delete(m);
    };
    walk(this as unknown as Module, '', new Set());
    return out;
  }

  /** Copies values into the parameters and buffers. A missing, unexpected or mis-shaped key throws SerializationError naming every one (strict = false allows missing and unexpected keys). */
  loadStateDict(stateDict: StateDict | Map<string, Tensor>, opts: LoadStateDictOptions = {}): LoadResult {
    return loadStateDictInto(this as unknown as Module, stateDict, opts);
  }

  // ---------------------------------------------------------------- printing
  /** The text inside the parentheses of this module's line, e.g. 'in_features=784, out_features=30, bias=True'. */
  extraRepr(): string { return ''; }

  /** The module tree, as PyTorch prints it. */
  toString(): string {
    const extra = this.extraRepr();
    const extraLines = extra ? extra.split('\n') : [];
    const childLines = this.#entries('module').map(([name, m]) => `(${name}): ${m === null ? 'None' : indent(String(m))}`);
    const lines = [...extraLines, ...childLines];
    const name = this.constructor.name;
    if (lines.length === 0) return `${name}()`;
    if (extraLines.length === 1 && childLines.length === 0) return `${name}(${extraLines[0]})`;
    return `${name}(\n  ${lines.join('\n  ')}\n)`;
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string { return this.toString(); }
}

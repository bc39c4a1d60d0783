// Grad mode: ops record a graph only while it is on (the default). noGrad(fn) turns it off for
// fn, as torch.no_grad() does; the backward pass itself runs with it off.
let enabled = true;

export const isGradEnabled = (): boolean => enabled;

export function setGradEnabled(on: boolean): void {
  enabled = on;
}

function withMode<T>(on: boolean, fn: () => T): T {
  const prev = enabled;
  enabled = on;
  try {
    return fn();
  } finally {
    enabled = prev;
  }
}

/** Runs fn without recording a graph (torch.no_grad). */
export const noGrad = <T>(fn: () => T): T => withMode(false, fn);
/** Runs fn with recording on, even inside noGrad (torch.enable_grad). */
export const enableGrad = <T>(fn: () => T): T => withMode(true, fn);

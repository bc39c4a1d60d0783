// Weight initialisation (Weidman ch4). Every scheme draws normal(0, scale) from the numpy-compatible
// RNG; they differ only in the scale (the standard deviation).
//   'standard'      scale 1 (the book's default);
//   'glorot'        the book's code: 2/(fanIn + fanOut) used as the standard deviation, although it
//                   is Glorot's *variance* (784 → 89: 0.0023 instead of 0.048). Kept under the
//                   book's name because the chapter's numbers depend on it;
//   'xavierNormal'  the correct Glorot normal, std = √(2/(fanIn + fanOut)), with the fans counted
//                   over the receptive field for a convolution (PyTorch's xavier_normal_).
export type WeightInit = 'standard' | 'glorot' | 'xavierNormal';

/** The standard deviation for a weight with fanIn inputs and fanOut outputs per receptive-field position. */
export function initScale(kind: WeightInit, fanIn: number, fanOut: number, receptiveField = 1): number {
  switch (kind) {
    case 'standard': return 1;
    case 'glorot': return 2 / (fanIn + fanOut); // ignores the receptive field, as the book's Conv2D
    case 'xavierNormal': return Math.sqrt(2 / ((fanIn + fanOut) * receptiveField));
    default: throw new RangeError(`weight init must be 'standard', 'glorot' or 'xavierNormal', got '${String(kind)}'`);
  }
}

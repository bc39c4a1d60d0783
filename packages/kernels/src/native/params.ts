// The parameter blocks passed to the addon: one reused Float64Array per call instead of a
// dozen scalar arguments, so a call costs a few N-API calls. The layouts are the manifest's
// (paramLayouts); the addon reads them through the enums generated from it (kernels_gen.h).
import { paramLayouts, type ParamLayout } from '../manifest.ts';

type Fields<L extends ParamLayout> = (typeof paramLayouts)[L][number];
/** The values a block is written from: an object with (at least) the layout's fields. */
export type ParamSource<L extends ParamLayout> = { readonly [F in Fields<L>]: number | boolean };
type Writer = (P: Float64Array, src: object) => Float64Array;

/**
 * One straight-line writer per layout, compiled once from the field list (as the tensor package
 * compiles its loops): a loop over the names costs ~30× more per call, which small GEMMs would feel.
 */
const writers = Object.fromEntries(Object.entries(paramLayouts).map(([layout, fields]) => {
  const body = fields.map((f, i) => `P[${i}] = +s.${f};`).join(' ');
  return [layout, new Function('P', 's', `${body} return P;`) as Writer];
})) as Record<ParamLayout, Writer>;

/** A block sized for the layout. */
export function paramBlock(layout: ParamLayout): Float64Array {
  return new Float64Array(paramLayouts[layout].length);
}

/** The layout's writer: src's fields into P in the layout's order (booleans as 0/1); returns P. */
export function paramWriter<L extends ParamLayout>(layout: L): (P: Float64Array, src: ParamSource<L>) => Float64Array {
  return writers[layout];
}

/** Writes src's fields into P in the layout's order (booleans as 0/1) and returns P. */
export function writeParams<L extends ParamLayout>(P: Float64Array, layout: L, src: ParamSource<L>): Float64Array {
  return writers[layout](P, src);
}

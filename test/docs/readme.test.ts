// The README must run: every ```ts block in README.md is a test, run as written (plus the setup
// line of a `<!-- readme-test setup: ... -->` comment above it, where one is given). A block
// that throws fails this suite with its section heading. See test/helpers/readme-blocks.ts.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { codeBlocks, describeFailure, runBlocks } from '../helpers/readme-blocks.ts';

const root = join(import.meta.dirname, '..', '..');
const readme = suite('README: every ts block runs');
const blocks = codeBlocks(readFileSync(join(root, 'README.md'), 'utf8'));
const results = runBlocks(root, blocks);

readme('the README has ts blocks to run', () => assert.ok(blocks.length >= 3, `found ${blocks.length}`));
blocks.forEach((b, i) => {
  readme(`README § ${b.heading} (line ${b.line})`, () => {
    const r = results[i]!;
    if (!r.ok) assert.unreachable(describeFailure('README.md', b, r.error));
  });
});
readme.run();

const machinery = suite('README blocks: extraction and failure reports');
const sample = [
  '# Title', '```sh', 'pnpm test', '```', '## Tensors', 'Some text.', '<!-- readme-test setup: const x = 2; -->', '```ts',
  'const y = x + 1;', 'if (y !== 3) throw new Error(`y is ${y}`);', '```', '### Errors', '```typescript', "throw new TypeError('broken on purpose');", '```',
  '```', 'ShapeError: not code', '```', '## Last', '```ts', "import { tensor } from 'groundup';", 'tensor([1]).add(1);', '```',
].join('\n');

machinery('ts and typescript blocks with their headings, lines and setup; other fences are skipped', () => {
  const got = codeBlocks(sample);
  assert.equal(got.map((b) => [b.heading, b.line, b.setup]), [['Tensors', 8, 'const x = 2;'], ['Errors', 13, ''], ['Last', 20, '']]);
  assert.is(got[0]!.code, 'const y = x + 1;\nif (y !== 3) throw new Error(`y is ${y}`);');
});

machinery('a failing block is reported with its heading; the others still run', () => {
  const got = codeBlocks(sample);
  const res = runBlocks(root, got);
  assert.equal(res.map((r) => r.ok), [true, false, true]);
  const bad = res[1]!;
  assert.ok(!bad.ok);
  if (!bad.ok) {
    const msg = describeFailure('README.md', got[1]!, bad.error);
    assert.match(msg, 'README.md § Errors (the block at line 13) fails');
    assert.match(msg, 'TypeError: broken on purpose');
  }
});

machinery.run();

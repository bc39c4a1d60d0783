// Re-renders latest.md and latest.svg from a results JSON without timing anything:
// `tsx bench/render.ts [bench/results/latest.json]`.
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { benchDir } from './lib/optional.ts';
import { readResults } from './report/json.ts';
import { markdownReport } from './report/markdown.ts';
import { resultsSvg } from './report/svg.ts';

const file = process.argv[2] ?? join(benchDir, 'results', 'latest.json');
const res = readResults(file);
const dir = dirname(file);
writeFileSync(join(dir, 'latest.md'), markdownReport(res));
writeFileSync(join(dir, 'latest.svg'), resultsSvg(res));
console.log(`wrote ${join(dir, 'latest.md')} and ${join(dir, 'latest.svg')} from ${file}`);

// pnpm backends: each backend, whether it is available (and why not), and the ops × backends matrix.
import { backendTable, getBackend, kernelNames, selectionNote } from '@groundup/kernels';
import 'groundup';

const rows = backendTable();
console.log('backend   available  detail');
for (const r of rows) console.log(`${r.name.padEnd(9)} ${(r.available ? 'yes' : 'no').padEnd(10)} ${r.detail}`);
console.log(`\nselected: ${getBackend().name} (GROUNDUP_BACKEND=${process.env.GROUNDUP_BACKEND ?? 'auto'})`);
const why = selectionNote();
if (why) console.log(`auto: ${why}`);
console.log('\nkernel                 ' + rows.map((r) => r.name.padEnd(8)).join(''));
for (const k of kernelNames) console.log(k.padEnd(23) + rows.map((r) => r.kernels[k].padEnd(8)).join(''));
console.log('\nown = the backend\'s kernel, js = falls back to the js kernel, tensor = none: the tensor package\'s compiled JS loops run, - = backend unavailable');

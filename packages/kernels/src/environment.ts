// The host, as far as the registry and the wasm backends need it: environment variables and a
// place for notices. Node has process.env and stderr; a browser (or a Web Worker) has neither,
// so variables read as unset there and notices go to the console.
interface HostProcess {
  env?: Record<string, string | undefined>;
  stderr?: { write(s: string): unknown };
}
const proc = (globalThis as { process?: HostProcess }).process;

/** An environment variable, or undefined where there is none (browsers). */
export function envVar(name: string): string | undefined {
  return proc?.env?.[name];
}

/** Writes one line for the user: stderr in Node, console.warn in a browser. */
export function notice(line: string): void {
  if (proc?.stderr) proc.stderr.write(`${line}\n`);
  else console.warn(line);
}

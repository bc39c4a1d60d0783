// ProgressCallback (fastai): shows training as it goes, and prints the results table, one row
// per epoch: `epoch  train_loss  valid_loss  <metrics>  time`.
//   - On a terminal: cli-progress bars, one for the epochs and one for the batches of the current
//     phase, with the live smoothed loss; the table rows print above them.
//   - Anywhere else (a pipe, a file, CI=true): plain lines only, never an escape code. A run whose
//     epochs are long gets a plain progress line at most every `every` seconds.
import { cliProgress, defaultProgressStream, inCI } from '#learner-host';
import { Callback } from '../callback.ts';
import type { LogRow } from '../types.ts';

export interface ProgressStream { write(s: string): unknown; isTTY?: boolean }
export interface ProgressOptions {
  /** where to write (default process.stdout; the console in a browser) */
  stream?: ProgressStream;
  /** bars (true) or plain lines (false); default: bars when the stream is a TTY and CI is not set */
  tty?: boolean;
  /** seconds between plain progress lines (default 10) */
  every?: number;
}

/** The table's text: each column as wide as its header (8 for numbers), two spaces apart. */
export function formatRow(names: readonly string[], row: LogRow): string {
  return row.map((v, i) => {
    const name = names[i] ?? '';
    const s = v === null ? '' : typeof v === 'number' ? (name === 'epoch' ? String(v) : v.toFixed(6)) : v;
    return s.padEnd(Math.max(name.length, name === 'epoch' || name === 'time' ? 5 : 8));
  }).join('  ').trimEnd();
}

export class ProgressCallback extends Callback {
  override order = 60;
  readonly stream: ProgressStream;
  readonly tty: boolean;
  readonly every: number;
  /** every line written (header, rows, progress lines), without bars: handy in tests and notebooks */
  lines: string[] = [];
  #multi: cliProgress.MultiBar | null = null;
  #epochBar: cliProgress.SingleBar | null = null;
  #bar: cliProgress.SingleBar | null = null;
  #oldLogger: ((row: LogRow) => void) | null = null;
  #lastLine = 0;
  #lastDraw = 0;
  #active = false;

  constructor(opts: ProgressOptions = {}) {
    super();
    this.stream = opts.stream ?? defaultProgressStream();
    this.tty = opts.tty ?? (!!this.stream.isTTY && !inCI());
    this.every = opts.every ?? 10;
  }

  #write(line: string): void {
    this.lines.push(line);
    if (this.#multi) { this.#multi.log(`${line}\n`); this.#render(true); } else this.stream.write(`${line}\n`);
  }

  // Training runs synchronously, so cli-progress's redraw timer never fires: redraw by hand, at
  // most every 100 ms (or now, to flush a table row).
  #render(now = false): void {
    if (!this.#multi) return;
    const t = performance.now();
    if (!now && t - this.#lastDraw < 100) return;
    this.#lastDraw = t;
    this.#multi.update();
  }

  override beforeFit(): void {
    const l = this.learn;
    this.#active = l.mode === 'fit';
    if (!this.#active) return;
    if (this.tty) {
      this.#multi = new cliProgress.MultiBar({
        stream: this.stream as NodeJS.WritableStream, clearOnComplete: true, hideCursor: false, autopadding: true, forceRedraw: true,
        format: '{label} |{bar}| {value}/{total} {extra}', barCompleteChar: '█', barIncompleteChar: '░', fps: 10,
      });
      this.#epochBar = this.#multi.create(l.nEpoch, 0, { label: 'epoch', extra: '' });
      this.#bar = this.#multi.create(1, 0, { label: 'train', extra: '' });
    }
    if (l.logging) {
      this.#oldLogger = l.logger;
      const names = l.recorder.metricNames;
      l.logger = (row) => this.#write(formatRow(names, row));
      this.#write(formatRow(names, names));
    }
    this.#lastLine = performance.now();
  }

  #launch(phase: string): void {
    if (!this.#active || !this.#bar) return;
    this.#bar.setTotal(this.learn.dl?.length ?? 0);
    this.#bar.update(0, { label: phase, extra: '' });
    this.#render(true);
  }
  override beforeTrain(): void { this.#launch('train'); }
  override beforeValidate(): void { this.#launch('valid'); }

  override afterBatch(): void {
    if (!this.#active) return;
    const l = this.learn;
    const loss = l.training && l.smoothLoss !== null ? `loss ${l.smoothLoss.toFixed(4)}` : '';
    if (this.#bar) {
      this.#bar.update(l.iter + 1, { extra: loss });
      this.#render();
    } else if (l.logging && performance.now() - this.#lastLine >= this.every * 1000) {
      this.#lastLine = performance.now();
      const line = `  epoch ${l.epoch + 1}/${l.nEpoch} ${l.training ? 'train' : 'valid'} ${l.iter + 1}/${l.nIter}${loss ? ` ${loss}` : ''}`;
      this.lines.push(line);
      this.stream.write(`${line}\n`);
    }
  }

  override afterEpoch(): void {
    this.#epochBar?.increment(1);
    this.#render(true);
  }

  override cleanup(): void {
    this.#multi?.stop();
    this.#multi = this.#epochBar = this.#bar = null;
    if (this.#oldLogger) { this.learn.logger = this.#oldLogger; this.#oldLogger = null; }
    this.#active = false;
  }

  override afterFit(): void {
    if (!this.#active) return;
    this.#render(true);
    this.#multi?.stop();
    this.#multi = this.#epochBar = this.#bar = null;
    if (this.#oldLogger) { this.learn.logger = this.#oldLogger; this.#oldLogger = null; }
    this.#active = false;
  }
}

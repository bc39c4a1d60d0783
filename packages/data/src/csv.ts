// A small reader for numeric tables (CSV or whitespace-separated): one row per line, every
// field a finite number, every row the same width. Errors name the file, line and field.
import { DataError } from '@groundup/kernels';

export interface NumericTableOptions {
  /** ',' (default) or 'whitespace' */
  delimiter?: ',' | 'whitespace';
  /** lines to skip at the top (headers), default 0 */
  skip?: number;
  /** the number of fields each row must have (default: the first row's) */
  width?: number;
  /** for error messages */
  name?: string;
}

/** Splits one CSV line, honouring double quotes (headers such as "CRIM","ZN"). */
export function splitCsvLine(line: string): string[] {
  const out: string[] = [];
  let cur = '', quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') { cur += '"'; i++; }
      else if (c === '"') quoted = false;
      else cur += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { out.push(cur); cur = ''; }
    else cur += c;
  }
  out.push(cur);
  return out.map((s) => s.trim());
}

/** The rows of a numeric table; blank lines (such as a final newline) are ignored. */
export function parseNumericTable(text: string, { delimiter = ',', skip = 0, width, name = 'table' }: NumericTableOptions = {}): number[][] {
  const lines = text.split(/\r?\n/);
  const rows: number[][] = [];
  for (let ln = skip; ln < lines.length; ln++) {
    const line = lines[ln]!.trim();
    if (line === '') continue;
    const fields = delimiter === ',' ? splitCsvLine(line) : line.split(/\s+/);
    const w = width ?? rows[0]?.length ?? fields.length;
    if (fields.length !== w) throw new DataError(`${name}: line ${ln + 1} has ${fields.length} fields, expected ${w}; the file is corrupt or truncated`);
    rows.push(fields.map((f, j) => {
      const v = f === '' ? NaN : Number(f);
      if (!Number.isFinite(v)) throw new DataError(`${name}: line ${ln + 1}, field ${j + 1} is ${JSON.stringify(f)}, not a number`);
      return v;
    }));
  }
  return rows;
}

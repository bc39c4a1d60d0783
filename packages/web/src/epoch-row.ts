// One row of fastai's per-epoch table, as fit_one_cycle prints it:
//   epoch  train_loss  valid_loss  accuracy  time
//   0      0.228393    0.101542    0.970500  00:05
export const EPOCH_COLUMNS = ['epoch', 'train_loss', 'valid_loss', 'accuracy', 'time'] as const;

const mmss = (s: number): string => `${String(Math.floor(s / 60)).padStart(2, '0')}:${String(Math.round(s % 60)).padStart(2, '0')}`;

export function epochCells(e: { epoch: number; trainLoss: number; validLoss: number; accuracy: number; seconds: number }): string[] {
  return [String(e.epoch), e.trainLoss.toFixed(6), e.validLoss.toFixed(6), e.accuracy.toFixed(6), mmss(e.seconds)];
}

/** The table as plain text (Node), columns padded as fastai's console output. */
export function epochLine(cells: readonly string[]): string {
  return cells.map((c, i) => c.padEnd(Math.max(EPOCH_COLUMNS[i]!.length, 8) + 2)).join('').trimEnd();
}

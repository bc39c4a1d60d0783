// The live loss curve: each batch's loss (faint), its smoothed value as fastai's Recorder keeps it
// (a debiased exponential moving average; fastai's β = 0.98 averages ~50 batches, which lags far
// behind a short run, so β shrinks to 1 − 10/steps below 500 steps), the validation loss after
// each epoch, and dashed lines at epoch boundaries. Redrawn at most once per animation frame.
export class LossChart {
  private readonly raw: number[] = [];
  private readonly smooth: number[] = [];
  private readonly valid: { step: number; loss: number }[] = [];
  private readonly epochEnds: number[] = [];
  private avg = 0;
  private totalSteps = 1;
  private beta = 0.98;
  private pending = false;

  constructor(private readonly canvas: HTMLCanvasElement) {
    this.draw();
  }

  reset(totalSteps: number): void {
    this.raw.length = 0; this.smooth.length = 0; this.valid.length = 0; this.epochEnds.length = 0;
    this.avg = 0;
    this.totalSteps = Math.max(1, totalSteps);
    this.beta = Math.max(0.5, Math.min(0.98, 1 - 10 / this.totalSteps));
    this.schedule();
  }

  addBatch(loss: number): void {
    this.raw.push(loss);
    this.avg = this.beta * this.avg + (1 - this.beta) * loss;
    this.smooth.push(this.avg / (1 - this.beta ** this.raw.length));
    this.schedule();
  }

  addEpoch(validLoss: number): void {
    this.epochEnds.push(this.raw.length);
    this.valid.push({ step: this.raw.length, loss: validLoss });
    this.schedule();
  }

  private schedule(): void {
    if (this.pending) return;
    this.pending = true;
    requestAnimationFrame(() => { this.pending = false; this.draw(); });
  }

  private draw(): void {
    const c = this.canvas.getContext('2d');
    if (!c) return;
    const { width: W, height: H } = this.canvas;
    const L = 44, R = 12, T = 12, B = 28;
    c.clearRect(0, 0, W, H);
    c.fillStyle = '#fff';
    c.fillRect(0, 0, W, H);
    const top = Math.max(0.5, ...this.smooth.slice(Math.min(3, this.smooth.length - 1)), ...this.valid.map((v) => v.loss)) * 1.1;
    const x = (s: number): number => L + ((W - L - R) * s) / this.totalSteps;
    const y = (v: number): number => T + (H - T - B) * (1 - Math.min(v, top) / top);
    // axes and ticks
    c.strokeStyle = '#999'; c.fillStyle = '#444'; c.lineWidth = 1; c.font = '11px system-ui, sans-serif';
    c.beginPath(); c.moveTo(L, T); c.lineTo(L, H - B); c.lineTo(W - R, H - B); c.stroke();
    for (let k = 0; k <= 4; k++) {
      const v = (top * k) / 4;
      c.fillText(v.toFixed(2), 4, y(v) + 4);
    }
    c.fillText('0', L - 3, H - B + 14);
    c.fillText(`${this.totalSteps} batches`, W - R - 70, H - B + 14);
    c.setLineDash([4, 4]);
    for (const e of this.epochEnds) { c.beginPath(); c.moveTo(x(e), T); c.lineTo(x(e), H - B); c.stroke(); }
    c.setLineDash([]);
    const line = (vals: number[], color: string, width: number): void => {
      if (vals.length < 2) return;
      c.strokeStyle = color; c.lineWidth = width;
      c.beginPath();
      vals.forEach((v, i) => (i ? c.lineTo(x(i + 1), y(v)) : c.moveTo(x(i + 1), y(v))));
      c.stroke();
    };
    line(this.raw, '#a9c4e4', 1);
    line(this.smooth, '#1f77b4', 2);
    c.fillStyle = '#ff7f0e';
    for (const v of this.valid) { c.beginPath(); c.arc(x(v.step), y(v.loss), 4, 0, 2 * Math.PI); c.fill(); }
    // legend
    c.font = '12px system-ui, sans-serif';
    c.fillStyle = '#1f77b4'; c.fillText(`train loss (EMA β ${this.beta.toFixed(2)})`, W - R - 250, T + 12);
    c.fillStyle = '#ff7f0e'; c.fillText('valid loss', W - R - 100, T + 12);
  }
}

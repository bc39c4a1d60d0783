// The canvas a reader draws a digit on: white ink on black, as MNIST stores digits, with a round
// brush. After each stroke it hands the ink (one value per canvas pixel, 0..1) to onInk.
export class DrawPad {
  private readonly ctx: CanvasRenderingContext2D;
  private drawing = false;
  private last: { x: number; y: number } | null = null;
  private inked = false;

  constructor(readonly canvas: HTMLCanvasElement, private readonly onInk: (ink: Float32Array | null, size: number) => void, readonly brush = 20) {
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    if (!ctx) throw new Error('DrawPad: no 2d context');
    this.ctx = ctx;
    this.clear();
    canvas.addEventListener('pointerdown', (e) => this.down(e));
    canvas.addEventListener('pointermove', (e) => this.move(e));
    for (const type of ['pointerup', 'pointerleave', 'pointercancel'] as const) canvas.addEventListener(type, () => this.up());
  }

  clear(): void {
    this.ctx.fillStyle = '#000';
    this.ctx.fillRect(0, 0, this.canvas.width, this.canvas.height);
    this.inked = false;
    this.onInk(null, this.canvas.width);
  }

  private point(e: PointerEvent): { x: number; y: number } {
    const r = this.canvas.getBoundingClientRect();
    return { x: ((e.clientX - r.left) * this.canvas.width) / r.width, y: ((e.clientY - r.top) * this.canvas.height) / r.height };
  }

  private down(e: PointerEvent): void {
    this.drawing = true;
    this.canvas.setPointerCapture?.(e.pointerId);
    this.last = this.point(e);
    this.segment(this.last, this.last);
  }

  private move(e: PointerEvent): void {
    if (!this.drawing || !this.last) return;
    const p = this.point(e);
    this.segment(this.last, p);
    this.last = p;
  }

  private up(): void {
    if (!this.drawing) return;
    this.drawing = false;
    this.last = null;
    if (this.inked) this.onInk(this.ink(), this.canvas.width);
  }

  private segment(a: { x: number; y: number }, b: { x: number; y: number }): void {
    const c = this.ctx;
    c.strokeStyle = '#fff';
    c.lineWidth = this.brush;
    c.lineCap = 'round';
    c.lineJoin = 'round';
    c.beginPath();
    c.moveTo(a.x, a.y);
    c.lineTo(b.x, b.y);
    c.stroke();
    this.inked = true;
  }

  /** The canvas as ink in 0..1 (the red channel of white on black). */
  ink(): Float32Array {
    const { width: w, height: h } = this.canvas;
    const px = this.ctx.getImageData(0, 0, w, h).data;
    const out = new Float32Array(w * h);
    for (let i = 0; i < out.length; i++) out[i] = px[4 * i]! / 255;
    return out;
  }
}

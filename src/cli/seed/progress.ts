// Progress of a long operator command on stderr: a bar redrawn in place on a terminal,
// otherwise (a log file, CI) one line per tenth of the work.

export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(text: string): unknown;
}

function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '--:--';
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${rest}` : `${m}:${rest}`;
}

export class Progress {
  #done = 0;
  #started = performance.now();
  #lastDraw = 0;
  #lastTenth = 0;

  constructor(
    readonly total: number,
    readonly unit: string,
    private readonly stream: ProgressStream = process.stderr,
    /** Already done before this run (a resumed seed): shown, but not counted in the rate. */
    private readonly offset = 0,
  ) {}

  advance(n = 1): void {
    this.#done += n;
    const now = performance.now();
    if (this.stream.isTTY) {
      if (now - this.#lastDraw >= 200 || this.#done + this.offset >= this.total) {
        this.#lastDraw = now;
        this.stream.write(`\r${this.#line(now, true)}\u001b[K`);
      }
      return;
    }
    const tenth = Math.floor(((this.#done + this.offset) * 10) / Math.max(1, this.total));
    if (tenth > this.#lastTenth) {
      this.#lastTenth = tenth;
      this.stream.write(`${this.#line(now, false)}\n`);
    }
  }

  /** Ends the bar's line (a terminal), so what follows starts on a line of its own. */
  finish(): void {
    if (this.stream.isTTY) this.stream.write(`\r${this.#line(performance.now(), true)}\u001b[K\n`);
  }

  #line(now: number, bar: boolean): string {
    const at = this.#done + this.offset;
    const fraction = this.total > 0 ? Math.min(1, at / this.total) : 1;
    const seconds = (now - this.#started) / 1000;
    const rate = seconds > 0 ? this.#done / seconds : 0;
    const eta = rate > 0 ? (this.total - at) / rate : Number.POSITIVE_INFINITY;
    const text = `${(fraction * 100).toFixed(0).padStart(3)}% ${at.toLocaleString('en')}/${this.total.toLocaleString('en')} ${this.unit}  ${Math.round(rate).toLocaleString('en')}/s  elapsed ${duration(seconds)}  eta ${duration(eta)}`;
    if (!bar) return text;
    const width = Math.max(10, Math.min(40, (this.stream.columns ?? 80) - text.length - 4));
    const filled = Math.round(fraction * width);
    return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${text}`;
  }
}

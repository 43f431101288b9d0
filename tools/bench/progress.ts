// Progress output while the bench runs: stage lines, and a status line that
// climbs in place on a terminal. Piped to a file (a long full run polled from
// elsewhere), the status is printed as whole lines, at most every few seconds.

export class Progress {
  private lastPrinted = 0;
  private open = false;

  constructor(
    private readonly out: NodeJS.WriteStream = process.stdout,
    private readonly pipedEveryMs = 3000,
  ) {}

  /** A headline: `[3/8] pipeline: ...`. */
  stage(n: number, total: number, title: string): void {
    this.line(`\n[${n}/${total}] ${title}`);
  }

  /** A finished fact, on its own line. */
  line(text: string): void {
    this.closeStatus();
    this.out.write(`${text}\n`);
  }

  /** The current status of a long step (counts as they climb). */
  status(text: string): void {
    if (this.out.isTTY) {
      this.out.write(`\r      ${text}\x1b[K`);
      this.open = true;
      return;
    }
    const now = Date.now();
    if (now - this.lastPrinted < this.pipedEveryMs) return;
    this.lastPrinted = now;
    this.out.write(`      ${text}\n`);
  }

  private closeStatus(): void {
    if (this.open) this.out.write('\n');
    this.open = false;
    this.lastPrinted = 0;
  }
}

/** `12,345/100,000` */
export const ofTotal = (done: number, total: number) => `${done.toLocaleString('en-US')}/${total.toLocaleString('en-US')}`;

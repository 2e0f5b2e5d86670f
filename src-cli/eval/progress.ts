import cliProgress from 'cli-progress';

/**
 * The progress bar of `payrule eval`, on standard error, only when standard error is a terminal
 * and only for long batches: it appears once a run has taken a second (PAYRULE_PROGRESS_DELAY_MS)
 * and is cleared when the run ends, so pipelines and logs never see it.
 */
export class EvalProgress {
    private bar: cliProgress.SingleBar | undefined;
    private readonly timer: NodeJS.Timeout | undefined;
    private bytes = 0;
    private claims = 0;

    constructor(
        private readonly totalBytes: number | undefined,
        enabled: boolean,
    ) {
        if (!enabled) return;
        const delay = Number(process.env.PAYRULE_PROGRESS_DELAY_MS ?? 1000);
        this.timer = setTimeout(() => this.start(), Number.isFinite(delay) ? delay : 1000);
        this.timer.unref();
    }

    /** Whether a bar may be shown: standard error is a terminal and --no-progress was not given. */
    static wanted(option: boolean | undefined): boolean {
        return option !== false && process.stderr.isTTY === true;
    }

    read(bytes: number): void {
        this.bytes += bytes;
        this.bar?.update(this.known ? this.bytes : 0, this.payload());
    }

    written(claims: number): void {
        this.claims = claims;
    }

    stop(): void {
        if (this.timer) clearTimeout(this.timer);
        this.bar?.stop();
        this.bar = undefined;
    }

    private get known(): boolean {
        return this.totalBytes !== undefined && this.totalBytes > 0;
    }

    private start(): void {
        this.bar = new cliProgress.SingleBar({
            stream: process.stderr,
            format: this.known
                ? 'payrule eval [{bar}] {percentage}% | {read} of {total_mb} MB | {claims} claims | ETA {eta_formatted}'
                : 'payrule eval | {read} MB read | {claims} claims',
            hideCursor: true,
            clearOnComplete: true,
            fps: 5,
            etaBuffer: 50,
        });
        this.bar.start(this.known ? this.totalBytes! : 0, this.known ? this.bytes : 0, this.payload());
    }

    private payload(): Record<string, string> {
        const mb = (bytes: number) => (bytes / 1048576).toFixed(1);
        return { read: mb(this.bytes), total_mb: mb(this.totalBytes ?? 0), claims: String(this.claims) };
    }
}

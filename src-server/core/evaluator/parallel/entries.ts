import type { ClaimOutput, EvaluationSummary } from '../index.js';
import type { OutputFormat } from './format.js';
import type { Sink } from './pipeline.js';

/** Text gathered before a write to the sink. */
const BATCH_CHARS = 1 << 20;

/**
 * Writes output entries one at a time, in the given format, to a sink: the header before the first,
 * the format's separator between them, the footer with the summary at the end. Entries are gathered
 * into writes of about a megabyte; `add` returns a promise only when it wrote (to be awaited for
 * backpressure).
 */
export function entryBatcher(
    sink: Sink,
    format: OutputFormat,
): {
    add(entry: ClaimOutput): Promise<void> | undefined;
    end(summary: EvaluationSummary, unreadable: number): Promise<void>;
} {
    let text = format.header;
    let entries = 0;
    return {
        add(entry) {
            if (entries++ > 0) text += format.separator;
            text += format.entry(entry);
            if (text.length < BATCH_CHARS) return undefined;
            const batch = text;
            text = '';
            return sink.write(batch);
        },
        async end(summary, unreadable) {
            text += format.footer(summary, unreadable);
            await sink.write(text);
            text = '';
        },
    };
}

import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { judgeLayout, readClaimsText, readNdjsonLine } from './read.js';
import type { ClaimRecord } from './types.js';

/**
 * Claims from an NDJSON file or stream, one line at a time, so memory stays bounded however large
 * the input. A file that is one JSON document instead (an array, a pretty-printed object) cannot be
 * split by lines and is read whole. Never throws for bad claims; an unreadable file still rejects.
 * `source` names the input in error entries (`claims.ndjson:4:72: …`); a path names itself.
 */
export async function* streamClaims(
    input: string | Readable,
    source = typeof input === 'string' ? input : undefined,
): AsyncGenerator<ClaimRecord> {
    const stream = typeof input === 'string' ? createReadStream(input, { encoding: 'utf8' }) : input;
    const lines = createInterface({ input: stream, crlfDelay: Infinity });
    // Lines are held back only until the layout is known: a few lines at most for NDJSON.
    let layout: 'ndjson' | 'document' | undefined;
    const held: string[] = [];
    let lineNumber = 0;
    for await (const raw of lines) {
        lineNumber++;
        const line = lineNumber === 1 && raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw;
        if (layout === 'ndjson') {
            yield* readNdjsonLine(line, lineNumber, source);
            continue;
        }
        held.push(line);
        if (layout === 'document') continue;
        layout = judgeLayout(
            held.filter(l => l.trim() !== ''),
            false,
        );
        if (layout === 'ndjson') {
            for (let i = 0; i < held.length; i++) yield* readNdjsonLine(held[i], i + 1, source);
            held.length = 0;
        }
    }
    if (held.length === 0) return;
    if (
        judgeLayout(
            held.filter(l => l.trim() !== ''),
            true,
        ) === 'ndjson'
    ) {
        for (let i = 0; i < held.length; i++) yield* readNdjsonLine(held[i], i + 1, source);
    } else {
        yield* readClaimsText(held.join('\n'), source);
    }
}

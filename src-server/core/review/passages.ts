import type { SourceMark } from './model.js';

/** A run of one line of a source text, inside or outside cited passages. */
export interface Segment {
    text: string;
    marked: boolean;
    /** Fragment ids of the passages that start here. */
    anchors: string[];
}

export interface MarkedLine {
    /** 1-based. */
    number: number;
    segments: Segment[];
}

/**
 * Split a source text into lines, each cut into runs at the edges of cited passages, so renderers
 * can mark passages line by line (a passage may span lines, and passages may overlap).
 */
export function markedLines(text: string, marks: SourceMark[]): MarkedLine[] {
    const lines: MarkedLine[] = [];
    let lineStart = 0;
    text.split('\n').forEach((rawLine, i) => {
        const line = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
        const lineEnd = lineStart + line.length;
        const cuts = new Set([lineStart, lineEnd]);
        for (const mark of marks) {
            if (mark.start > lineStart && mark.start < lineEnd) cuts.add(mark.start);
            if (mark.end > lineStart && mark.end < lineEnd) cuts.add(mark.end);
        }
        const points = [...cuts].sort((a, b) => a - b);
        const segments: Segment[] = [];
        for (let k = 0; k + 1 < points.length || (k === 0 && points.length === 1); k++) {
            const from = points[k];
            const to = points[k + 1] ?? from;
            segments.push({
                text: text.slice(from, to),
                marked: marks.some(mark => mark.start <= from && mark.end >= to && mark.end > from),
                anchors: marks.filter(mark => mark.start === from && from < lineEnd).map(mark => mark.anchor),
            });
        }
        lines.push({ number: i + 1, segments: segments.filter(s => s.text.length > 0 || s.anchors.length > 0) });
        lineStart += rawLine.length + 1;
    });
    return lines;
}

/** Leading whitespace, the rest, trailing whitespace: marks are drawn around the words only. */
export function splitEdges(text: string): [string, string, string] {
    const match = /^(\s*)([\s\S]*?)(\s*)$/.exec(text)!;
    return [match[1], match[2], match[3]];
}

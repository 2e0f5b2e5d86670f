import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ServerUnderTest } from '../lsp/lsp-client.js';
import { SHAPES } from '../../bench/lib/hostile-shapes.mjs';

/**
 * Issue 19 through the bundled language server over stdio, as an editor drives it: each input here
 * once crashed, froze or silenced the server.
 */
let server: ServerUnderTest | undefined;

afterEach(async () => {
    await server?.stop().catch(() => undefined);
    server = undefined;
});

function workspace(): string {
    return fs.mkdtempSync(path.join(os.tmpdir(), 'payrule-hard-lsp-'));
}

const VALID = 'policy p "P"\n  effective 2025-01-01\n\nrule R "r"\n  97110 denied above 2 units per day\n';

describe('the language server under hostile input', () => {
    it('survives rapid open and close of never-saved documents (no ENOENT crash during a build)', async () => {
        ({ server } = await ServerUnderTest.start(workspace()));
        for (let round = 0; round < 40; round++) {
            const uri = server.open(`unsaved-${round % 4}.payrule`, VALID.replace('"r"', `"r${round}"`), round + 1);
            void server.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
        }
        // Still answering, and still checking: a document opened now gets its diagnostics.
        const uri = server.open('after.payrule', VALID.replace('97110', '9711'));
        const published = await server.diagnosticsFor(uri, params => params.diagnostics.length > 0);
        expect(published.diagnostics.map(d => d.code)).toContain('payrule/invalid-code');
        expect(server.stderr).not.toMatch(/ENOENT|Unhandled|at .*\.js:\d+/);
    }, 60_000);

    it('publishes the errors of a file with more findings than the cap, ending with a count (never zero)', async () => {
        ({ server } = await ServerUnderTest.start(workspace()));
        const uri = server.open('many.payrule', SHAPES['invalid rules'](3000));
        const published = await server.diagnosticsFor(uri, params => params.diagnostics.length > 0, 60_000);
        expect(published.diagnostics.length).toBe(1001);
        const last = published.diagnostics.find(d => d.code === 'payrule/too-many-problems')!;
        expect(last.severity).toBe(1);
        expect(last.message).toMatch(/more problems in this file/);
        expect(published.diagnostics.filter(d => d.code === 'payrule/invalid-code').length).toBeGreaterThan(900);
    }, 90_000);

    it('shows a real error beside 400 identical rules (one duplicate finding for the group)', async () => {
        ({ server } = await ServerUnderTest.start(workspace()));
        const text = SHAPES['identical rules'](400) + 'rule broken "b"\n  9711 denied\n';
        const uri = server.open('dupes.payrule', text);
        const published = await server.diagnosticsFor(uri, params => params.diagnostics.length > 0, 60_000);
        const codes = published.diagnostics.map(d => d.code);
        expect(codes).toContain('payrule/invalid-code');
        expect(codes.filter(code => code === 'payrule/duplicate-rule')).toHaveLength(1);
        const duplicate = published.diagnostics.find(d => d.code === 'payrule/duplicate-rule')!;
        expect(duplicate.message).toMatch(/399 identical rules 'rule_1' \(line \d+\)/);
        expect(duplicate.relatedInformation).toHaveLength(399);
    }, 60_000);

    it('answers after 75,000 comment lines, a doubling codeset chain and an 8,000-deep codeset chain', async () => {
        ({ server } = await ServerUnderTest.start(workspace()));
        const inputs: Array<[string, string]> = [
            ['comments.payrule', SHAPES['comment lines'](75_000)],
            ['doubling.payrule', SHAPES['doubling codesets'](24)],
            // Each codeset's dependencies once listed every codeset below it (quadratic: 8,000 deep
            // took 31 s of wall time and 70 s of CPU to the first diagnostics); one stamp per codeset now.
            ['chain.payrule', SHAPES['codeset chain'](8000)],
        ];
        for (const [name, text] of inputs) {
            const uri = server.open(name, text.replace('policy hostile', `policy ${name.replace('.payrule', '')}`));
            // Each ends with a rule without a citation: its warning shows the file was checked through.
            const published = await server.diagnosticsFor(
                uri,
                params => params.diagnostics.some(d => d.code === 'payrule/missing-citation'),
                30_000,
            );
            expect(
                published.diagnostics.filter(d => d.severity === 1).map(d => d.message),
                name,
            ).toEqual([]);
        }
    }, 120_000);

    it('follows an edit at the bottom of an 8,000-deep codeset chain up to the rule at its top', async () => {
        // Whether a declaration's findings are current is judged from one stamp per codeset it names,
        // standing for every codeset below it: an edit 8,000 levels down must still reach the rule.
        ({ server } = await ServerUnderTest.start(workspace()));
        const chain = SHAPES['codeset chain'](8000).replace('policy hostile', 'policy deep');
        const text = (bottom: string) =>
            chain.replace('codeset link0 = 97110', `codeset link0 = ${bottom}`) + 'rule other "o"\n  97110 denied above 3 units per day\n';
        const contradicts = (params: { diagnostics: Array<{ code?: unknown }> }) =>
            params.diagnostics.some(d => d.code === 'payrule/contradiction');
        const uri = server.open('deep.payrule', text('97110'));
        await server.diagnosticsFor(uri, contradicts, 30_000);
        server.change(uri, text('97112'), 2);
        const apart = await server.diagnosticsFor(uri, params => params.diagnostics.length > 0, 30_000);
        expect(apart.diagnostics.map(d => d.code)).not.toContain('payrule/contradiction');
        server.change(uri, text('97110'), 3);
        await server.diagnosticsFor(uri, contradicts, 30_000);
    }, 120_000);

    it('answers requests on a document opened while a build is under way, instead of "No document found"', async () => {
        // Found by the standing fuzz (seed 1798549849): a request sent right after didOpen, while the
        // builder was busy, reached the server before the document's first update and was refused
        // with ServerCancelled "No document found for URI". Deterministic here: the workspace's own
        // files keep the first build busy while an editor opens a buffer and asks for its outline.
        const root = workspace();
        fs.writeFileSync(path.join(root, 'big.payrule'), SHAPES['identical rules'](3000));
        ({ server } = await ServerUnderTest.start(root));
        const text = VALID.replace('policy p', 'policy buffer');
        const uri = server.open('buffer.payrule', text);
        const [symbols, folding] = await Promise.all([
            server.request<Array<{ name: string }>>('textDocument/documentSymbol', { textDocument: { uri } }),
            server.request<unknown[]>('textDocument/foldingRange', { textDocument: { uri } }),
        ]);
        expect(symbols.map(symbol => symbol.name)).toContain('buffer');
        expect(Array.isArray(folding)).toBe(true);
        // The same while an edit of another open buffer keeps the builder busy.
        const other = server.open('other.payrule', SHAPES['identical rules'](2000).replace('policy hostile', 'policy other'));
        const late = server.open('late.payrule', VALID.replace('policy p', 'policy late'));
        void server.connection.sendNotification('textDocument/didClose', { textDocument: { uri: other } });
        const lateSymbols = await server.request<Array<{ name: string }>>('textDocument/documentSymbol', { textDocument: { uri: late } });
        expect(lateSymbols.map(symbol => symbol.name)).toContain('late');
        expect(server.stderr).not.toMatch(/No document found/);
    }, 90_000);

    it('answers every request and publishes diagnostics when an edit cancels a build between its phases', async () => {
        // Found by the standing fuzz (seed 20261207, run 9, PAYRULE_FUZZ_NO_SHRINK=1): a completion
        // request sent while its document was being built waited for the document to be linked; when
        // the next edit cancelled that build just after the document was linked, Langium skipped the
        // remaining listeners of that phase, so the request was never answered (and, the same way,
        // diagnostics of a document validated just before a cancellation were never published).
        // Each round here edits one buffer, asks for completion in it and opens another buffer at once.
        ({ server } = await ServerUnderTest.start(workspace()));
        // Linking this file takes long enough for the builder to yield to the next message right
        // after it: 90 rules naming 100 codesets each, fewer declarations than the linker's own
        // yield interval (identical rules: one duplicate finding, no conflicts between them).
        const names = Array.from({ length: 100 }, (_, i) => `c${i}`).join(', ');
        const text = (round: number) =>
            `policy edited "Edited ${round}"\n  effective 2025-01-01\n\n` +
            Array.from({ length: 100 }, (_, i) => `codeset c${i} = ${20000 + i}\n`).join('') +
            Array.from({ length: 90 }, (_, i) => `\nrule R-${i} "r${round}"\n  ${names} denied above 2 units per day\n`).join('');
        const edited = server.open('edited.payrule', text(0));
        const answers: Array<Promise<string>> = [];
        for (let round = 1; round <= 8; round++) {
            server.change(edited, text(round), round + 1);
            const asked = server.request('textDocument/completion', {
                textDocument: { uri: edited },
                position: { line: 105, character: 2 },
            });
            answers.push(
                Promise.race([
                    asked.then(
                        () => 'answered',
                        (error: Error) => (/cancel|content modified/i.test(error.message) ? 'answered' : error.message),
                    ),
                    new Promise<string>(resolve => setTimeout(() => resolve(`round ${round}: no answer`), 20_000)),
                ]),
            );
            server.open(`other-${round}.payrule`, VALID.replace('policy p', `policy other_${round}`));
        }
        expect(await Promise.all(answers)).toEqual(answers.map(() => 'answered'));
        // The last version's diagnostics are published (its rules cite no source).
        const published = await server.diagnosticsFor(edited, params => params.diagnostics.length > 0, 20_000);
        expect(published.diagnostics.map(d => d.code)).toContain('payrule/missing-citation');
    }, 90_000);

    it('answers a request on a buffer closed while the request waits for the buffer to be built, or opened again', async () => {
        // Found by a long run of the standing fuzz (seed -1229233116, run 17): a completion asked in a
        // buffer being built waited for it to be linked; the buffer was closed before that, its
        // document left the workspace, and the request was never answered. Each round opens a buffer
        // whose parse keeps the builder busy, then asks for completion in it and closes it at once.
        ({ server } = await ServerUnderTest.start(workspace()));
        const answers: Array<Promise<string>> = [];
        for (let round = 0; round < 6; round++) {
            const uri = server.open(`closed-${round}.payrule`, SHAPES['codeset chain'](3000 + round));
            await new Promise(resolve => setTimeout(resolve, 50 + 40 * round));
            const asked = server.request('textDocument/completion', { textDocument: { uri }, position: { line: 3, character: 0 } });
            void server.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
            answers.push(
                Promise.race([
                    // An answer, or an error saying the request was cancelled (the buffer is gone).
                    asked.then(
                        () => 'answered',
                        (error: Error & { code?: number }) =>
                            error.code === -32802 || /cancel/i.test(error.message) ? 'answered' : error.message,
                    ),
                    new Promise<string>(resolve => setTimeout(() => resolve(`round ${round}: no answer`), 30_000)),
                ]),
            );
        }
        expect(await Promise.all(answers)).toEqual(answers.map(() => 'answered'));
        // A buffer closed and opened again at once (seed -1229233116, run 10): a request asked after
        // it was opened again is answered, not refused as on a closed buffer. Another buffer's
        // build keeps the builder busy meanwhile, so that the close is handled after the request.
        for (let round = 0; round < 3; round++) {
            server.open(`busy-${round}.payrule`, SHAPES['identical rules'](2000).replace('policy hostile', `policy busy_${round}`));
            const name = `reopened-${round}.payrule`;
            const uri = server.open(name, VALID.replace('policy p', `policy reopened_${round}`));
            void server.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
            server.open(name, VALID.replace('policy p', `policy reopened_${round}`), 2);
            const completion = await server.request<unknown>('textDocument/completion', {
                textDocument: { uri },
                position: { line: 4, character: 2 },
            });
            expect(completion).toBeTruthy();
        }
    }, 120_000);

    it('forgets a never-saved buffer once it is closed: its policy id is no longer a duplicate elsewhere', async () => {
        // Found by the standing fuzz (seed 20261207): the closed buffer stayed in the workspace, so
        // the incremental session reported a duplicate policy id that a fresh open does not.
        ({ server } = await ServerUnderTest.start(workspace()));
        const closed = server.open('closed.payrule', VALID);
        const kept = server.open('kept.payrule', VALID.replace('"r"', '"kept"'));
        await server.diagnosticsFor(kept, params => params.diagnostics.some(d => d.code === 'payrule/duplicate-id'), 30_000);
        void server.connection.sendNotification('textDocument/didClose', { textDocument: { uri: closed } });
        const after = await server.diagnosticsFor(kept, params => !params.diagnostics.some(d => d.code === 'payrule/duplicate-id'), 30_000);
        expect(after.diagnostics.map(d => d.code)).not.toContain('payrule/duplicate-id');
    }, 60_000);

    it('refuses a request after shutdown with an error, not a null result', async () => {
        ({ server } = await ServerUnderTest.start(workspace()));
        await server.connection.sendRequest('shutdown');
        await expect(server.request('textDocument/documentSymbol', { textDocument: { uri: server.uri('x.payrule') } })).rejects.toThrow(
            /shut ?down/i,
        );
        await server.connection.sendNotification('exit');
        server = undefined;
    }, 30_000);

    it('keeps a source path with backticks inside its code span in hover markdown', async () => {
        ({ server } = await ServerUnderTest.start(workspace()));
        const hostile = 'a`<img src=x onerror=alert(1)>`[run](command:workbench.action.terminal.new).txt';
        const text = `policy p "P"\n  effective 2025-01-01\n\nsource guide "${hostile}" title "Guide"\n\nrule R "r"\n  97110 denied above 2 units per day\n  cite guide "x"\n`;
        const uri = server.open('hover.payrule', text);
        await server.diagnosticsFor(uri, params => params.diagnostics.length > 0);
        const hover = await server.request<{ contents: { value: string } }>('textDocument/hover', {
            textDocument: { uri },
            position: { line: 3, character: 8 },
        });
        const value = hover.contents.value;
        expect(value).toContain(`(\`\`${hostile}\`\`)`);
        // Outside the code span nothing of the path is left to render.
        expect(value.replace(`\`\`${hostile}\`\``, '')).not.toMatch(/<img|command:/);
    }, 60_000);
});

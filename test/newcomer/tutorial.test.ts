import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT, runCli, tempWorkspace } from '../helpers/cli.js';

/**
 * docs/tutorial.md cannot rot: every `npx payrule …` command it shows is run from the repository
 * folder, with the exit code it states (`# exit N`, else 0), and every line of the output it quotes
 * after the command must be a line of the real output. The files it shows are the files in examples/.
 */

const TUTORIAL = fs.readFileSync(path.join(PROJECT, 'docs/tutorial.md'), 'utf8');

interface Step {
    command: string;
    args: string[];
    exit: number;
    quoted: string[];
}

function steps(): Step[] {
    const found: Step[] = [];
    for (const match of TUTORIAL.matchAll(/```sh\n(.*?)\n```\s*\n(?:```text\n([\s\S]*?)```)?/g)) {
        const [line, comment] = match[1].split(/\s+#\s*/);
        expect(line, 'one command per block').toMatch(/^npx payrule /);
        const exit = comment ? Number(/^exit (\d)$/.exec(comment)![1]) : 0;
        const quoted = (match[2] ?? '').split('\n').filter(l => l.trim() !== '');
        found.push({ command: match[1], args: line.trim().split(/\s+/).slice(2), exit, quoted });
    }
    return found;
}

describe('docs/tutorial.md', () => {
    const all = steps();

    it('shows the walkthrough: check, test, compile, docs and eval', () => {
        expect(all.map(step => step.args[0])).toEqual(['check', 'test', 'compile', 'docs', 'eval', 'eval']);
    });

    it('shows the policy and its source exactly as they are in examples/tutorial', () => {
        const policy = fs.readFileSync(path.join(PROJECT, 'examples/tutorial/acme-chiro.payrule'), 'utf8');
        const source = fs.readFileSync(path.join(PROJECT, 'examples/tutorial/sources/acme-chiropractic-policy.txt'), 'utf8');
        expect(TUTORIAL).toContain(`\`\`\`payrule\n${policy}\`\`\``);
        expect(TUTORIAL).toContain(`\`\`\`text\n${source}\`\`\``);
    });

    // The steps run in order: eval reads the pack that compile wrote.
    it.each(all.map(step => [step.command, step] as const))('%s', (_, step) => {
        const result = runCli(step.args);
        const output = `${result.stdout}\n${result.stderr}`.split('\n').map(line => line.trimEnd());
        expect(result.status, output.join('\n')).toBe(step.exit);
        for (const line of step.quoted) expect(output, `the quoted line:\n${line}\nin:\n${output.join('\n')}`).toContain(line.trimEnd());
    });

    it('the mistake it shows gives the message it quotes', () => {
        const quoted = /```text\n(acme-chiro\.payrule:\d+:\d+: error payrule\/syntax-error: .*)\n```/.exec(TUTORIAL)![1];
        const policy = fs.readFileSync(path.join(PROJECT, 'examples/tutorial/acme-chiro.payrule'), 'utf8');
        const source = fs.readFileSync(path.join(PROJECT, 'examples/tutorial/sources/acme-chiropractic-policy.txt'), 'utf8');
        const root = tempWorkspace({
            'acme-chiro.payrule': policy.replace('98940..98942', '98940-98942'),
            'sources/acme-chiropractic-policy.txt': source,
        });
        const result = runCli(['check', 'acme-chiro.payrule'], root);
        expect(result.status).toBe(1);
        expect(result.stdout.split('\n').map(line => line.replace(/ \(see .*\)$/, ''))).toContain(quoted);
    });
});

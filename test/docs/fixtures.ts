import { tempWorkspace } from '../helpers/cli.js';

/** A source with paragraphs, a passage that holds markup, and text on either side of each passage. */
export const GUIDE = [
    'Massage billing guide',
    '',
    'Units. CMS currently allows 4 units of procedure code 97124 per date of service, with more',
    'units needing documented justification. Keep the time logs.',
    '',
    'Security note: the text <script>alert("pwned")</script> must never run, & neither must <img src=x onerror=alert(1)>.',
    '',
].join('\n');

export function policyText(options: { units?: number; title?: string; extraRule?: string; version?: string } = {}): string {
    return [
        'policy guide_pm "Guide <b>policy</b>"',
        '  payer "Example Health"',
        `  version "${options.version ?? '1'}"`,
        '  effective 2025-01-01',
        '',
        'source guide "sources/guide.txt" title "Billing guide <i>2025</i>"',
        '',
        `rule NCCI-97140 "${options.title ?? 'Four units a day'}"`,
        `  97124 denied above ${options.units ?? 4} units per day`,
        '  reason CO-151',
        '  note "Note with <script>alert(2)</script> in it"',
        '  document "Time logs <u>signed</u>"',
        '  cite guide "allows 4 units of procedure code 97124 per date of service"',
        '',
        'rule SCRIPTED "Quote with markup"',
        '  97140 review with 97530..97542 same day unless modifier 59',
        '  cite guide "the text <script>alert(\\"pwned\\")</script> must never run"',
        options.extraRule ?? '',
    ].join('\n');
}

export function reviewWorkspace(files: Record<string, string> = {}): string {
    return tempWorkspace({ 'sources/guide.txt': GUIDE, 'guide.payrule': policyText(), ...files });
}

/**
 * The claim checker page: a claim typed into the form (or pasted as JSON, NDJSON, FHIR R4 or an
 * X12 837P interchange) is judged by the project's evaluator against the site's packs, or against
 * the playground's edited policy when the playground opened this page. The claim is kept in the URL (`#claim=…`) so that
 * a result can be shared.
 */
import { describeRule } from '../../src-server/core/review/english.js';
import { readClaimsText, readClaimValue } from '../../src-server/core/claims/read.js';
import { looksLikeX12, readX12Text } from '../../src-server/core/claims/x12-837.js';
import type { ClaimOutput, Finding, LineResult } from '../../src-server/core/evaluator/index.js';
// The library's evaluator: its findings carry the cited passage and the what-would-pay hint, as payrule eval writes them.
import { Evaluator } from '../../src-server/core/evaluator/explained.js';
import type { PackRule, RulePack } from '../../src-server/core/pack/types.js';
import { receiveEditedPack } from './edited-pack.js';
import { element, site } from './site-loader.js';

interface FormLine {
    code: string;
    modifiers: string[];
    units: number;
    minutes: number | null;
    diagnosisPointers: number[];
}
interface FormClaim {
    id: string;
    patient: string;
    payer?: string;
    date: string;
    provider?: { type: string };
    diagnoses: string[];
    lines: FormLine[];
}

/** A finding with its what-would-pay hint (evaluator/explain.ts). */
type ExplainedFinding = Finding & { hint?: string };

let packs: RulePack[] = [];
let evaluator: Evaluator;
const rules = new Map<string, { pack: RulePack; rule: PackRule }>();
const slugs = new Map<string, string>();

function usePacks(chosen: RulePack[], label: string): void {
    packs = chosen;
    evaluator = new Evaluator(packs);
    rules.clear();
    for (const pack of packs) for (const rule of pack.rules) rules.set(`${pack.policy.id}\u0000${rule.id}`, { pack, rule });
    element('cc-packs').textContent = label;
}

function list(text: string): string[] {
    return text
        .split(/[\s,]+/)
        .map(item => item.trim())
        .filter(Boolean);
}

function numberOrNull(text: string): number | null {
    return text.trim() === '' ? null : Number(text);
}

// ---- the form --------------------------------------------------------------------------------

function addLine(line?: Partial<FormLine>): void {
    const row = (element<HTMLTemplateElement>('cc-line-template').content.firstElementChild as HTMLElement).cloneNode(
        true,
    ) as HTMLTableRowElement;
    const field = (name: string) => row.querySelector<HTMLInputElement>(`[name="${name}"]`)!;
    field('code').value = line?.code ?? '';
    field('modifiers').value = (line?.modifiers ?? []).join(', ');
    field('units').value = String(line?.units ?? 1);
    field('minutes').value = line?.minutes === null || line?.minutes === undefined ? '' : String(line.minutes);
    field('pointers').value = (line?.diagnosisPointers ?? []).join(', ');
    row.querySelector('button')!.addEventListener('click', () => {
        row.remove();
        numberLines();
    });
    element('cc-lines').append(row);
    numberLines();
}

function numberLines(): void {
    element('cc-lines')
        .querySelectorAll('tr')
        .forEach((row, i) => {
            row.querySelector('th')!.textContent = String(i + 1);
            row.querySelectorAll('input').forEach(input =>
                input.setAttribute('aria-label', `Line ${i + 1} ${input.dataset.label ?? input.name}`),
            );
        });
}

function readForm(): FormClaim {
    const value = (id: string) => element<HTMLInputElement>(id).value.trim();
    const claim: FormClaim = { id: 'C1', patient: 'P1', date: value('cc-date'), diagnoses: list(value('cc-diagnoses')), lines: [] };
    if (value('cc-payer')) claim.payer = value('cc-payer');
    if (value('cc-provider')) claim.provider = { type: value('cc-provider') };
    element('cc-lines')
        .querySelectorAll('tr')
        .forEach(row => {
            const field = (name: string) => row.querySelector<HTMLInputElement>(`[name="${name}"]`)!.value;
            claim.lines.push({
                code: field('code').trim(),
                modifiers: list(field('modifiers')),
                units: numberOrNull(field('units')) ?? 1,
                minutes: numberOrNull(field('minutes')),
                diagnosisPointers: list(field('pointers')).map(Number),
            });
        });
    return claim;
}

function fillForm(claim: Partial<FormClaim>): void {
    element<HTMLInputElement>('cc-date').value = claim.date ?? '';
    element<HTMLSelectElement>('cc-payer').value = claim.payer ?? '';
    element<HTMLInputElement>('cc-provider').value = claim.provider?.type ?? '';
    element<HTMLInputElement>('cc-diagnoses').value = (claim.diagnoses ?? []).join(', ');
    element('cc-lines').replaceChildren();
    for (const line of claim.lines ?? []) addLine(line);
    if ((claim.lines ?? []).length === 0) addLine();
}

// ---- judging and showing ---------------------------------------------------------------------

/** Pasted text is read as `payrule eval` reads a file: an X12 837P when it starts `ISA`, else JSON, NDJSON or FHIR. */
function readPasted(text: string) {
    return looksLikeX12(text) ? readX12Text(text) : readClaimsText(text, 'pasted claims');
}

function check(input: unknown, fromText?: string): void {
    const records = fromText === undefined ? readClaimValue(input) : readPasted(fromText);
    const output = evaluator.evaluate(records).claims;
    showResults(output);
}

function showResults(outputs: ClaimOutput[]): void {
    const results = element('cc-results');
    results.replaceChildren();
    if (outputs.length === 0) results.append(paragraph('No claim to check: the input is empty.'));
    for (const output of outputs) {
        const section = document.createElement('section');
        section.className = 'cc-claim';
        const heading = document.createElement('h3');
        heading.textContent = `Claim ${output.id ?? '(no id)'}`;
        section.append(heading);
        if ('error' in output) {
            const error = paragraph(`This claim cannot be read: ${output.error}`);
            error.className = 'cc-error';
            error.setAttribute('role', 'alert');
            section.append(error);
        } else {
            section.append(linesTable(output.lines));
        }
        results.append(section);
    }
}

function linesTable(lines: LineResult[]): HTMLTableElement {
    const table = document.createElement('table');
    table.className = 'index-table cc-result';
    table.innerHTML =
        '<thead><tr><th scope="col">Line</th><th scope="col">Code</th><th scope="col">Status</th><th scope="col">Units allowed</th><th scope="col">Why</th></tr></thead>';
    const body = document.createElement('tbody');
    for (const line of lines) {
        const row = document.createElement('tr');
        row.dataset.code = line.code;
        row.dataset.status = line.status;
        const cells = [String(line.line), line.code, line.status, `${line.allowedUnits} of ${line.billedUnits}`];
        cells.forEach((text, i) => {
            const cell = document.createElement(i === 0 ? 'th' : 'td');
            if (i === 0) cell.setAttribute('scope', 'row');
            if (i === 2) {
                const badge = document.createElement('span');
                badge.className = `cc-status cc-status-${line.status}`;
                badge.textContent = text;
                cell.append(badge);
            } else {
                cell.textContent = text;
            }
            row.append(cell);
        });
        const why = document.createElement('td');
        if (line.findings.length === 0) why.textContent = 'No rule applies: pays as billed.';
        for (const finding of line.findings as ExplainedFinding[]) why.append(findingBlock(finding));
        row.append(why);
        body.append(row);
    }
    table.append(body);
    return table;
}

function findingBlock(finding: ExplainedFinding): HTMLElement {
    const block = document.createElement('div');
    block.className = 'cc-finding';
    const found = rules.get(`${finding.policy}\u0000${finding.rule}`);
    const title = document.createElement('p');
    const id = document.createElement(found && slugs.has(finding.policy) ? 'a' : 'span');
    id.className = 'rule-id';
    id.textContent = finding.rule;
    if (id instanceof HTMLAnchorElement) id.href = `policies/${slugs.get(finding.policy)}.html#rule-${finding.rule}`;
    title.append(
        id,
        ` ${finding.message} (${finding.policy}, ${finding.reason}, ${finding.units} unit${finding.units === 1 ? '' : 's'} ${finding.action})`,
    );
    block.append(title);
    if (found) {
        const english = paragraph(describeRule(found.rule));
        english.className = 'english';
        block.append(english);
        for (const citation of found.rule.citations) {
            const figure = document.createElement('figure');
            figure.className = 'citation';
            const quote = document.createElement('blockquote');
            quote.textContent = citation.quote;
            const caption = document.createElement('figcaption');
            const source = found.pack.sources.find(s => s.id === citation.source);
            caption.textContent = `${source?.title ?? source?.path ?? citation.source}${citation.line === null ? '' : `, line ${citation.line}`}`;
            figure.append(quote, caption);
            block.append(figure);
        }
    }
    if (finding.hint) {
        const hint = paragraph(`What would pay: ${finding.hint}`);
        hint.className = 'cc-hint';
        block.append(hint);
    }
    return block;
}

function paragraph(text: string): HTMLParagraphElement {
    const p = document.createElement('p');
    p.textContent = text;
    return p;
}

// ---- the shareable URL -----------------------------------------------------------------------

/** `#policy=<id>&claim=<JSON>`: the claim as the form sends it, undefined when absent, null when not JSON. */
function claimFromUrl(): { policy: string; claim: unknown } {
    const params = new URLSearchParams(location.hash.slice(1));
    const text = params.get('claim');
    let claim: unknown;
    try {
        claim = text === null ? undefined : JSON.parse(text);
    } catch {
        claim = null;
    }
    return { policy: params.get('policy') ?? '', claim };
}

function shareUrl(claim: unknown): void {
    const params = new URLSearchParams();
    const policy = element<HTMLSelectElement>('cc-policy').value;
    if (policy) params.set('policy', policy);
    params.set('claim', JSON.stringify(claim));
    history.replaceState(null, '', `#${params.toString()}`);
    element<HTMLAnchorElement>('cc-share').href = location.href;
}

// ---- start -----------------------------------------------------------------------------------

async function main(): Promise<void> {
    for (const policy of site.payruleSite?.policies ?? []) slugs.set(policy.id, policy.slug);
    const sitePacks = site.payrulePacks ?? [];
    const picker = element<HTMLSelectElement>('cc-policy');
    const pickPacks = () => {
        const chosen = sitePacks.filter(pack => picker.value === '' || pack.policy.id === picker.value);
        usePacks(
            chosen,
            picker.value === ''
                ? `Judged against the ${sitePacks.length} policies of this site.`
                : `Judged against ${chosen[0]?.policy.title ?? picker.value} only.`,
        );
    };
    picker.addEventListener('change', pickPacks);
    const { policy, claim: fromUrl } = claimFromUrl();
    if ([...picker.options].some(option => option.value === policy)) picker.value = policy;
    pickPacks();
    element('cc-add-line').addEventListener('click', () => addLine());
    element('cc-form').addEventListener('submit', event => {
        event.preventDefault();
        const claim = readForm();
        shareUrl(claim);
        check(claim);
    });
    element('cc-paste-check').addEventListener('click', () => check(undefined, element<HTMLTextAreaElement>('cc-paste').value));

    if (fromUrl && typeof fromUrl === 'object' && Array.isArray((fromUrl as FormClaim).lines)) {
        fillForm(fromUrl as FormClaim);
        check(fromUrl);
    } else {
        fillForm({ date: new Date().toISOString().slice(0, 10), lines: [] });
        if (fromUrl === null) showResults([{ id: null, error: 'the claim in this link is not valid JSON' }]);
    }
    const edited = await receiveEditedPack();
    if (edited) {
        usePacks([edited], `Judged against the policy being edited in the playground: ${edited.policy.title} (unsaved).`);
        picker.disabled = true;
        picker.replaceChildren(new Option(`${edited.policy.title} (being edited)`, ''));
        slugs.delete(edited.policy.id);
    }
    document.body.dataset.checker = 'ready';
}

main().catch(error => {
    element('cc-results').textContent = `The claim checker could not start: ${error instanceof Error ? error.message : String(error)}`;
});

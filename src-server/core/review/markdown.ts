import type { CitationDoc, DocsModel, PolicyDoc, RuleDoc, SourceDoc } from './model.js';
import { mdAnchor, mdCode, mdFence, mdLink, mdText } from './md.js';
import { markedLines, splitEdges } from './passages.js';
import { compareText } from './sorting.js';
import { ACTION_LABELS, payerName, payerWithIds, plural, rangeText, reasonCode, ruleRangeText } from './wording.js';

/**
 * The docs as Markdown for pull-request review (GitHub renders the links and anchors): the same
 * pages as the site, index.md first. Marked passages use <strong>, which GitHub keeps, because
 * `**` does not work beside punctuation. Returns file contents by path, sorted by path.
 */
export function renderMarkdown(model: DocsModel): Map<string, string> {
    const files = new Map<string, string>();
    files.set('index.md', indexPage(model));
    files.set('codes.md', codesPage(model));
    files.set('warnings.md', warningsPage(model));
    for (const policy of model.policies) files.set(`policies/${policy.slug}.md`, policyPage(model, policy));
    for (const source of model.sources) files.set(`sources/${source.slug}.md`, sourcePage(source));
    return new Map([...files].sort(([a], [b]) => compareText(a, b)));
}

/** Paragraphs separated by blank lines, with a final newline. */
function blocks(...parts: Array<string | false | null | undefined>): string {
    return `${parts.filter((part): part is string => typeof part === 'string' && part.length > 0).join('\n\n')}\n`;
}

function indexPage(model: DocsModel): string {
    const rules = model.policies.reduce((sum, policy) => sum + policy.rules.length, 0);
    return blocks(
        '# Payrule policies',
        `${plural(model.policies.length, 'policy', 'policies')} of ${plural(model.payers.length, 'payer')}, ${plural(rules, 'rule')}, ${plural(model.sources.length, 'source document')}; ${mdLink(plural(model.findings.length, 'open warning'), 'warnings.md')}. See also the ${mdLink('code index', 'codes.md')}.`,
        ...model.payers.flatMap(group => [
            `## ${mdText(payerName(group.name))}`,
            [
                '| Policy | Id | Version | Effective | Rules |',
                '| --- | --- | --- | --- | --- |',
                ...group.policies.map(
                    policy =>
                        `| ${mdLink(mdText(policy.title), `policies/${policy.slug}.md`)} | ${mdCode(policy.id)} | ${mdText(policy.version ?? 'none')} | ${rangeText(policy.effective)} | ${policy.rules.length} |`,
                ),
            ].join('\n'),
        ]),
        '## Source documents',
        model.sources
            .map(
                source =>
                    `- ${mdLink(mdText(source.titles[0] ?? source.file), `sources/${source.slug}.md`)} (${mdCode(source.file)}, ${plural(source.marks.length, 'cited passage')})`,
            )
            .join('\n'),
    );
}

function policyPage(model: DocsModel, policy: PolicyDoc): string {
    const findings = model.findings.filter(finding => finding.file === policy.file);
    return blocks(
        `${mdLink('Policies', '../index.md')} › ${mdText(payerName(policy.payer))}`,
        `# ${mdText(policy.title)}`,
        [
            `- **Policy id:** ${mdCode(policy.id)}`,
            `- **Payer:** ${mdText(payerWithIds(policy.payer, policy.payerIds))}`,
            `- **Version:** ${mdText(policy.version ?? 'none')}`,
            `- **Effective:** ${rangeText(policy.effective)}`,
            `- **File:** ${mdCode(policy.file)}`,
            `- **Open warnings:** ${findings.length === 0 ? 'none' : plural(findings.length, 'warning')}`,
        ].join('\n'),
        '## Rules',
        ...policy.rules.map(rule => ruleSection(policy, rule)),
        '## Sources',
        policy.sources
            .map(
                source =>
                    `- ${mdCode(source.id)}: ${
                        source.slug
                            ? mdLink(mdText(source.title ?? source.file), `../sources/${source.slug}.md`)
                            : mdText(source.title ?? source.file)
                    } (${mdCode(source.file)})`,
            )
            .join('\n'),
        findings.length > 0 && '## Open warnings',
        findings.length > 0 &&
            findings
                .map(finding => `- line ${finding.line}: ${finding.severity} ${mdCode(finding.code)}: ${mdText(finding.message)}`)
                .join('\n'),
        '## Policy source',
        mdFence(policy.text),
    );
}

function ruleSection(policy: PolicyDoc, rule: RuleDoc): string {
    return blocks(
        `${mdAnchor(rule.anchor)}\n### ${mdCode(rule.id)} ${mdText(rule.title)}`,
        `**In plain English:** ${mdText(rule.english)}`,
        [
            `- **Action:** ${ACTION_LABELS[rule.action]}`,
            `- **Reason:** ${reasonCode(rule.reason)}`,
            `- **What would pay:** ${mdText(rule.hint)}`,
            `- **Effective:** ${ruleRangeText(rule.effective, policy.effective)}`,
            `- **Written at:** line ${rule.line} of ${mdCode(policy.file)}`,
        ].join('\n'),
        rule.documentation.length > 0 && `**Documentation required:**\n\n${rule.documentation.map(item => `- ${mdText(item)}`).join('\n')}`,
        rule.note !== null && `**Note:** ${mdText(rule.note)}`,
        '**Citations:**',
        rule.citations.length === 0 ? 'This rule cites no source.' : rule.citations.map(citationQuote).join('\n\n'),
    ).trimEnd();
}

function citationQuote(citation: CitationDoc): string {
    const { source, context } = citation;
    const title = `${mdText(source.title ?? source.file)} (${mdCode(source.id)})`;
    const quote = context
        ? `${context.cutBefore ? '… ' : ''}${mdText(context.before)}<strong>${mdText(context.passage)}</strong>${mdText(context.after)}${context.cutAfter ? ' …' : ''}`
        : `<strong>${mdText(citation.quote)}</strong>`;
    const page = source.slug ? `../sources/${source.slug}.md` : null;
    const where =
        page && citation.anchor
            ? `${mdLink(`line ${citation.line}`, `${page}#${citation.anchor}`)} · ${mdLink('full source text', page)}`
            : 'passage not found in the source';
    return `> ${quote}\n>\n> — ${title}, ${where}`;
}

function sourcePage(source: SourceDoc): string {
    const lines = markedLines(source.text, source.marks).map(line => {
        const text = line.segments
            .map(segment => {
                const anchors = segment.anchors.map(mdAnchor).join('');
                if (!segment.marked) return anchors + mdText(segment.text);
                const [lead, core, trail] = splitEdges(segment.text);
                return `${mdText(lead)}${anchors}${core ? `<strong>${mdText(core)}</strong>` : ''}${mdText(trail)}`;
            })
            .join('')
            .trim();
        return { number: line.number, text };
    });
    // Each line keeps its number and anchor; a blank source line stays a paragraph break.
    const fullText = lines
        .map((line, i) => {
            if (line.text === '') return '';
            const next = lines[i + 1];
            const hardBreak = next !== undefined && next.text !== '' ? '\\' : '';
            return `${mdAnchor(`L${line.number}`)}${mdCode(String(line.number))} ${line.text}${hardBreak}`;
        })
        .join('\n')
        .replace(/\n{3,}/g, '\n\n');
    return blocks(
        `${mdLink('Policies', '../index.md')} › Sources`,
        `# ${mdText(source.titles[0] ?? source.file)}`,
        [
            `- **File:** ${mdCode(source.file)}`,
            source.titles.length > 1 ? `- **Also titled:** ${mdText(source.titles.slice(1).join('; '))}` : '',
            `- **Cited passages:** ${source.marks.length}`,
        ]
            .filter(Boolean)
            .join('\n'),
        '## Cited passages',
        source.marks.length === 0
            ? 'No rule cites this source.'
            : source.marks
                  .map(
                      (mark, i) =>
                          `${i + 1}. ${mdLink(`Line ${mark.line}`, `#${mark.anchor}`)}: cited by ${mark.citedBy
                              .map(
                                  cite =>
                                      `${mdLink(mdCode(cite.rule.id), `../policies/${cite.policy.slug}.md#${cite.rule.anchor}`)} (${mdCode(cite.policy.id)})`,
                              )
                              .join(', ')}`,
                  )
                  .join('\n'),
        '## Full text',
        fullText.trim(),
    );
}

function codesPage(model: DocsModel): string {
    return blocks(
        `${mdLink('Policies', 'index.md')} › Code index`,
        '# Code index',
        'Every procedure code and code range the policies name, with each rule that applies to it (subject) or pairs it with its subject (partner). Ranges are listed as the policies write them; a code also lists the ranges that contain it.',
        [
            '| Code | Rules |',
            '| --- | --- |',
            ...model.codes.map(entry => {
                const uses = entry.uses.map(
                    use =>
                        `${mdLink(mdCode(use.rule.id), `policies/${use.policy.slug}.md#${use.rule.anchor}`)} (${mdCode(use.policy.id)}) ${mdText(use.rule.title)} *as ${use.role}*`,
                );
                if (entry.withinRanges.length > 0) {
                    uses.push(`Also within ${entry.withinRanges.map(range => mdLink(range.label, `#${range.anchor}`)).join(', ')}`);
                }
                return `| ${mdAnchor(entry.anchor)}${mdCode(entry.label)} | ${uses.join('<br>')} |`;
            }),
        ].join('\n'),
    );
}

function warningsPage(model: DocsModel): string {
    const files = [...new Set(model.findings.map(finding => finding.file))];
    return blocks(
        `${mdLink('Policies', 'index.md')} › Open warnings`,
        '# Open warnings',
        'What `payrule check` reports for these policies: the docs are only made when there are no errors, so these are warnings for a reviewer to judge.',
        files.length === 0 && 'None: the checker has nothing to report.',
        ...files.flatMap(file => {
            const policy = model.policies.find(p => p.file === file);
            return [
                `## ${mdCode(file)}${policy ? ` (${mdLink(mdCode(policy.id), `policies/${policy.slug}.md`)})` : ''}`,
                model.findings
                    .filter(finding => finding.file === file)
                    .map(
                        finding =>
                            `- line ${finding.line}, column ${finding.column}: ${finding.severity} ${mdCode(finding.code)}: ${mdText(finding.message)}`,
                    )
                    .join('\n'),
            ];
        }),
    );
}

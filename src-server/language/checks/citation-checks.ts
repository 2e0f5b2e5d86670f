import type { ValidationAcceptor, ValidationChecks } from 'langium';
import { URI } from 'langium';
import type { CiteClause, PayruleAstType, Source } from '../grammar/generated/ast.js';
import type { PolicySources } from '../workspace/policy-sources.js';
import { report } from './report.js';

/**
 * Sources and citations: a source must stay inside the workspace (it is never read otherwise) and
 * exist; a quote must be found in its source after collapsing whitespace, straightening quotes
 * and ignoring case. A near miss gets the closest passage as a suggestion (and a quick fix).
 */
export class CitationChecks {
    constructor(private readonly sources: PolicySources) {}

    register(): ValidationChecks<PayruleAstType> {
        return {
            Source: this.checkSource,
            CiteClause: this.checkQuote,
        };
    }

    checkSource(source: Source, accept: ValidationAcceptor): void {
        if (source.path === undefined) return; // a syntax error
        const found = this.sources.lookupDeclared(source);
        if (found.status === 'outside') {
            report(
                accept,
                'source-outside-workspace',
                `Source path '${source.path}' leaves the workspace (${found.root}); it is not read. Keep sources inside the workspace, for example under sources/.`,
                { node: source, property: 'path' },
            );
        } else if (found.status === 'missing') {
            report(accept, 'source-not-found', `Source file '${source.path}' cannot be read (${found.reason}): looked for ${found.file}.`, {
                node: source,
                property: 'path',
            });
        }
    }

    checkQuote(cite: CiteClause, accept: ValidationAcceptor): void {
        const source = cite.source?.ref;
        if (!source || cite.quote === undefined) return; // reported as an unknown source or a syntax error
        if (cite.quote.trim() === '') {
            report(accept, 'citation-not-found', 'The quote is empty: cite the passage of the source that states the rule.', {
                node: cite,
                property: 'quote',
            });
            return;
        }
        const found = this.sources.lookupDeclared(source);
        if (found.status !== 'ok') return; // reported on the source declaration
        if (found.text.find(cite.quote)) return;
        const closest = found.text.closestPassage(cite.quote);
        const near = closest && closest.score >= 0.5 ? closest : undefined;
        const suggestion = near ? ` The closest passage, on line ${near.line}, reads: "${near.text}".` : '';
        const sourceFile = URI.file(found.file).toString();
        const fileStart = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
        report(accept, 'citation-not-found', `The quote is not in source '${source.name}' (${source.path}).${suggestion}`, {
            node: cite,
            property: 'quote',
            data: near ? { replacement: near.text } : undefined,
            // Where to look: the passage of the source that comes closest, else the source file.
            relatedInformation: [
                near
                    ? {
                          location: {
                              uri: sourceFile,
                              range: { start: found.text.positionOf(near.start), end: found.text.positionOf(near.end) },
                          },
                          message: `closest passage in ${source.title ?? source.path}, line ${near.line}`,
                      }
                    : {
                          location: { uri: sourceFile, range: fileStart },
                          message: `the source ${source.title ?? source.path}: no passage comes close`,
                      },
            ],
        });
    }
}

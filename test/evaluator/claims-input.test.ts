import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import {
    Claim,
    readClaimsText,
    readClaimValue,
    readFhirClaim,
    readPlainClaim,
    streamClaims,
    UnreadableClaim,
    type ClaimRecord,
} from '../../src-server/core/claims/index.js';
import { evaluate, evaluateStream, type ClaimOutput } from '../../src-server/core/evaluator/index.js';
import { loadPackSync } from '../../src-server/core/pack/index.js';

const examples = new URL('../fixtures/spec-examples', import.meta.url).pathname;
const pack = loadPackSync(new URL('../fixtures/packs/sample_plan.json', import.meta.url).pathname);
const plainClaims = JSON.parse(readFileSync(`${examples}/claims.json`, 'utf8')) as Array<Record<string, any>>;
const expected = JSON.parse(readFileSync(`${examples}/expected-output.json`, 'utf8'));
const bundle = JSON.parse(readFileSync(new URL('./fixtures/fhir-sample-bundle.json', import.meta.url), 'utf8'));
const fhirClaims = (bundle.entry as Array<{ resource: Record<string, any> }>).map(e => e.resource).filter(r => r.resourceType === 'Claim');
const readable = plainClaims.slice(0, 5);

/** A deep copy of the first FHIR claim of the fixture, changed by `edit`. */
function fhirClaim(edit: (claim: Record<string, any>) => void = () => {}): Record<string, any> {
    const copy = structuredClone(fhirClaims[0]);
    edit(copy);
    return copy;
}

function asClaim(record: ClaimRecord): Claim {
    if (!(record instanceof Claim)) throw new Error(`unreadable: ${record.error}`);
    return record;
}

function errorOf(record: ClaimRecord | undefined): string {
    if (!(record instanceof UnreadableClaim)) throw new Error('the claim was read');
    return record.error;
}

describe('FHIR R4 and plain JSON give identical results', () => {
    const plainOutput = evaluate([pack], readable);

    it('for a Bundle of Claims', () => {
        expect(evaluate([pack], [bundle])).toEqual(plainOutput);
        expect(plainOutput.claims).toEqual(expected.claims.slice(0, 5));
    });

    it('for Claim resources one by one, and as NDJSON (bulk-data style)', () => {
        expect(evaluate([pack], fhirClaims)).toEqual(plainOutput);
        expect(evaluate([pack], readClaimsText(fhirClaims.map(c => JSON.stringify(c)).join('\n')))).toEqual(plainOutput);
    });

    it('for a mix of FHIR and plain claims of one patient', () => {
        const mixed = [fhirClaims[0], { ...readable[0], id: 'S1-again', lines: [{ line: 1, code: '97110', units: 1, minutes: 10 }] }];
        const asPlain = [readable[0], mixed[1]];
        expect(evaluate([pack], mixed)).toEqual(evaluate([pack], asPlain));
    });

    it('maps every field to the same claim as its plain twin', () => {
        const plainTwin = { ...readable[0], lines: readable[0].lines.map((l: object) => ({ ...l, diagnosisPointers: [1] })) };
        expect(asClaim(readFhirClaim(fhirClaims[0]))).toEqual(asClaim(readPlainClaim(plainTwin)));
    });
});

describe('FHIR mapping details', () => {
    it('reads servicedPeriod.start, billablePeriod.start as a fallback, and date-times as dates', () => {
        const claim = asClaim(
            readFhirClaim(
                fhirClaim(c => {
                    delete c.item[0].servicedDate;
                    c.item[0].servicedPeriod = { start: '2025-02-05T09:30:00-05:00', end: '2025-02-05T10:30:00-05:00' };
                    delete c.item[1].servicedDate;
                }),
            ),
        );
        expect(claim.lines.map(l => l.date)).toEqual(['2025-02-05', '2025-02-03']);
    });

    it('turns diagnosisSequence into positions of the diagnoses sorted by sequence', () => {
        const claim = asClaim(
            readFhirClaim(
                fhirClaim(c => {
                    c.diagnosis = [
                        {
                            sequence: 3,
                            diagnosisCodeableConcept: { coding: [{ system: 'http://hl7.org/fhir/sid/icd-10-cm', code: 'M62.830' }] },
                        },
                        {
                            sequence: 1,
                            diagnosisCodeableConcept: {
                                coding: [
                                    { system: 'http://snomed.info/sct', code: '279039007' },
                                    { system: 'http://hl7.org/fhir/sid/icd-10-cm', code: 'M54.50' },
                                ],
                            },
                        },
                    ];
                    c.item[0].diagnosisSequence = [3];
                    c.item[1].diagnosisSequence = [1, 3];
                }),
            ),
        );
        expect(claim.diagnoses).toEqual(['M54.50', 'M62.830']);
        expect(claim.lines.map(l => l.diagnosisPointers)).toEqual([[2], [1, 2]]);
    });

    it('defaults quantity to 1 and reads minutes from valueInteger too', () => {
        const claim = asClaim(
            readFhirClaim(
                fhirClaim(c => {
                    delete c.item[0].quantity;
                    c.item[0].extension = [{ url: 'https://payrule.dev/fhir/StructureDefinition/minutes', valueInteger: 12 }];
                    delete c.item[1].extension;
                }),
            ),
        );
        expect(claim.lines.map(l => [l.units, l.minutes])).toEqual([
            [1, 12],
            [1, null],
        ]);
    });

    it('picks the primary care-team member as rendering provider and maps its qualification', () => {
        const claim = asClaim(
            readFhirClaim(
                fhirClaim(c => {
                    c.careTeam = [
                        { sequence: 1, provider: { reference: 'Practitioner/assist' }, role: { coding: [{ code: 'assist' }] } },
                        {
                            sequence: 2,
                            provider: { reference: 'Practitioner/dc-9' },
                            role: { coding: [{ code: 'primary' }] },
                            qualification: { coding: [{ system: 'http://nucc.org/provider-taxonomy', code: '111N00000X' }] },
                        },
                    ];
                }),
            ),
        );
        expect(claim.provider).toEqual({ id: 'dc-9', type: 'chiropractor' });
        const physician = asClaim(
            readFhirClaim(
                fhirClaim(c => {
                    c.careTeam[0].qualification = { coding: [{ code: '207Q00000X' }] };
                }),
            ),
        );
        expect(physician.provider.type).toBe('physician');
        const byText = asClaim(
            readFhirClaim(
                fhirClaim(c => {
                    c.careTeam[0].qualification = { text: 'Massage Therapist' };
                }),
            ),
        );
        expect(byText.provider.type).toBe('massage-therapist');
    });

    it('falls back to the billing provider, type unknown, without a care team', () => {
        const claim = asClaim(
            readFhirClaim(
                fhirClaim(c => {
                    delete c.careTeam;
                }),
            ),
        );
        expect(claim.provider).toEqual({ id: 'sample-clinic', type: null });
    });

    it('takes the patient id from absolute references and identifiers', () => {
        expect(
            asClaim(
                readFhirClaim(
                    fhirClaim(c => {
                        c.patient = { reference: 'https://ehr.example/fhir/Patient/A/_history/2' };
                    }),
                ),
            ).patient,
        ).toBe('A');
        expect(
            asClaim(
                readFhirClaim(
                    fhirClaim(c => {
                        c.patient = { identifier: { system: 'urn:mrn', value: 'MRN-7' } };
                    }),
                ),
            ).patient,
        ).toBe('MRN-7');
    });

    it('skips non-Claim entries of a Bundle', () => {
        expect(readClaimValue(bundle).map(r => r.id)).toEqual(['S1', 'S2', 'S3', 'S4', 'S5']);
    });
});

describe('unreadable FHIR claims become error records saying where', () => {
    const cases: Array<[string, (c: Record<string, any>) => void, RegExp]> = [
        [
            'no items',
            c => {
                delete c.item;
            },
            /Claim has no readable "item" list/,
        ],
        [
            'an item without a code',
            c => {
                c.item[1].productOrService = { text: 'exercise' };
            },
            /Claim\.item\[1\]\.productOrService has no coding/,
        ],
        [
            'a diagnosis by reference',
            c => {
                c.diagnosis = [{ sequence: 1, diagnosisReference: { reference: 'Condition/1' } }];
            },
            /Claim\.diagnosis\[0\] uses diagnosisReference/,
        ],
        [
            'a quantity in minutes',
            c => {
                c.item[0].quantity = { value: 30, unit: 'min', code: 'min' };
            },
            /Claim\.item\[0\]\.quantity is in minutes/,
        ],
        [
            'an unknown diagnosis sequence',
            c => {
                c.item[0].diagnosisSequence = [4];
            },
            /Claim\.item\[0\]\.diagnosisSequence\[0\] refers to diagnosis sequence 4/,
        ],
        [
            'no patient',
            c => {
                delete c.patient;
            },
            /Claim\.patient must be a Reference/,
        ],
        [
            'an impossible date',
            c => {
                c.item[0].servicedDate = '2025-02-30';
            },
            /Claim\.item\[0\]\.servicedDate: '2025-02-30' is not a real date/,
        ],
        [
            'fractional units',
            c => {
                c.item[0].quantity = { value: 1.5 };
            },
            /Claim\.item\[0\]\.quantity\.value must be a whole number/,
        ],
    ];
    for (const [what, edit, message] of cases) {
        it(what, () => {
            const [record] = readClaimValue(fhirClaim(edit));
            expect(record.id).toBe('S1');
            expect(errorOf(record)).toMatch(message);
        });
    }

    it('other resource types and empty Bundle entries', () => {
        expect(errorOf(readClaimValue({ resourceType: 'Patient', id: 'A' })[0])).toMatch(/FHIR Patient resource is not a Claim/);
        expect(errorOf(readClaimValue({ resourceType: 'Bundle', entry: [{ fullUrl: 'x' }] })[0])).toMatch(
            /Bundle entry\[0\]: has no "resource"/,
        );
    });
});

describe('plain JSON and NDJSON', () => {
    it('one claim object, an array, or NDJSON read the same', () => {
        const fromArray = readClaimsText(JSON.stringify(readable));
        expect(fromArray).toHaveLength(5);
        expect(readClaimsText(readable.map(c => JSON.stringify(c)).join('\r\n') + '\r\n\r\n')).toEqual(fromArray);
        expect(readClaimsText(JSON.stringify(readable[0], null, 2))).toEqual(fromArray.slice(0, 1));
        expect(readClaimsText('  \n')).toEqual([]);
    });

    it('a broken NDJSON line becomes an error naming file, line and column; the others go on', () => {
        const text = [JSON.stringify(readable[0]), '{"id": "S9", "patient": "Z", "lines": [}', JSON.stringify(readable[1])].join('\n');
        const records = readClaimsText(text, 'claims.ndjson');
        expect(records.map(r => r.id)).toEqual(['S1', 'S9', 'S2']);
        expect(errorOf(records[1])).toBe('claims.ndjson:2:40: not valid JSON: expected a value but found "}"');
        expect(errorOf(readClaimsText(text)[1])).toMatch(/^<input>:2:40: /);
    });

    it('a broken first NDJSON line does not sink the file', () => {
        const records = readClaimsText(['{"id": "S0", "lines": [', JSON.stringify(readable[0])].join('\n'));
        expect(records.map(r => r.constructor.name)).toEqual(['UnreadableClaim', 'Claim']);
    });

    it('a broken JSON document is one error with line and column', () => {
        const records = readClaimsText('[\n  {"id": "S1", "lines": []},\n  {"id": "S2",, "lines": []}\n]');
        expect(records).toHaveLength(1);
        expect(errorOf(records[0])).toBe(
            '<input>:3:15: the input is not valid JSON: expected a property name in double quotes but found ","',
        );
    });

    it('lowercase codes, defaults and claim-level dates are normalised', () => {
        const claim = asClaim(
            readPlainClaim({
                id: 7,
                patient: 'P',
                date: '2025-01-02',
                provider: { id: 1, type: 'Physical Therapist' },
                lines: [{ code: ' g0283 ', modifiers: ['gp'] }],
            }),
        );
        expect(claim).toEqual(
            new Claim(
                '7',
                'P',
                { id: '1', type: 'physical-therapist' },
                [],
                [
                    {
                        line: 1,
                        date: '2025-01-02',
                        code: 'G0283',
                        modifiers: ['GP'],
                        units: 1,
                        minutes: null,
                        diagnosisPointers: [],
                        charge: null,
                    },
                ],
            ),
        );
    });
});

describe('streaming NDJSON', () => {
    const dir = mkdtempSync(join(tmpdir(), 'payrule-claims-'));
    const collect = async (source: AsyncIterable<ClaimRecord>) => {
        const records: ClaimRecord[] = [];
        for await (const record of source) records.push(record);
        return records;
    };

    it('reads a file line by line: plain, FHIR and broken lines alike', async () => {
        const path = join(dir, 'claims.ndjson');
        writeFileSync(
            path,
            [JSON.stringify(readable[0]), '', 'not json', JSON.stringify(bundle), JSON.stringify(plainClaims[5])].join('\n'),
        );
        const records = await collect(streamClaims(path));
        expect(records.map(r => r.id)).toEqual(['S1', null, 'S1', 'S2', 'S3', 'S4', 'S5', 'S6']);
        expect(errorOf(records[1])).toBe(`${path}:3:1: not valid JSON: expected a value but found "n"`);
    });

    it('yields each claim as soon as its line arrives', async () => {
        const input = new PassThrough();
        const iterator = streamClaims(input);
        input.write(`${JSON.stringify(readable[0])}\n`);
        const first = await iterator.next();
        expect(first.value?.id).toBe('S1');
        input.end(`${JSON.stringify(readable[1])}\n`);
        expect((await iterator.next()).value?.id).toBe('S2');
        expect((await iterator.next()).done).toBe(true);
    });

    it('reads a pretty-printed JSON document whole', async () => {
        const path = join(dir, 'claims.json');
        writeFileSync(path, JSON.stringify(plainClaims, null, 1));
        expect((await collect(streamClaims(path))).map(r => r.id)).toEqual(['S1', 'S2', 'S3', 'S4', 'S5', 'S6']);
    });

    it('evaluates a stream in order, as the batch evaluator does for claims grouped by patient', async () => {
        const path = join(dir, 'sample.ndjson');
        writeFileSync(path, plainClaims.map(c => JSON.stringify(c)).join('\n'));
        const outputs: ClaimOutput[] = [];
        for await (const output of evaluateStream([pack], streamClaims(path))) outputs.push(output);
        expect(outputs).toEqual(expected.claims);
    });
});

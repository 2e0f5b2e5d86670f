import * as fs from 'node:fs';
import * as path from 'node:path';
/**
 * A small history for the replay tests, worked by hand (the expected numbers are in
 * replay-cli.test.ts, derived from reading these claims and the contract, not from running the code).
 *
 * OLD: UNITS allows 4 units of 97110 a day; PROVIDER denies 97530 unless a physical therapist renders it.
 * NEW: UNITS allows 2; PROVIDER is gone; MASSAGE-CMT denies 97124 with 98940–98942 the same day unless modifier 59.
 */
const HEAD = `policy demo "Demo policy"
  payer "Acme" id "ACME-1"
  effective 2025-01-01
`;

export const OLD_POLICY = `${HEAD}
rule UNITS "Therapeutic exercise: at most 4 units a day"
  97110 denied above 4 units per day

rule PROVIDER "Therapeutic activities by a therapist"
  97530 requires provider physical-therapist
`;

export const NEW_POLICY = `${HEAD}
rule UNITS "Therapeutic exercise: at most 2 units a day"
  97110 denied above 2 units per day

rule MASSAGE-CMT "Massage with CMT"
  97124 denied with 98940..98942 same day unless modifier 59
`;

const PT = { id: 'NPI-A', type: 'physical-therapist' };
const CHIRO = { id: 'NPI-B', type: 'chiropractor' };

/** NDJSON: four readable claims of three patients (8 lines), one line that is not JSON. */
export const HISTORY_NDJSON = [
    {
        id: 'C1',
        patient: 'P1',
        payer: 'Acme',
        provider: PT,
        diagnoses: ['M54.50'],
        date: '2025-03-03',
        lines: [
            { line: 1, code: '97110', units: 3, charge: 150 },
            { line: 2, code: '97124', units: 1, charge: 40 },
            { line: 3, code: '98940', units: 1, charge: 60 },
        ],
    },
    {
        id: 'C2',
        patient: 'P2',
        payer: 'Acme',
        provider: CHIRO,
        diagnoses: ['M54.50'],
        date: '2025-03-03',
        lines: [
            { line: 1, code: '97530', units: 2, charge: 90 },
            { line: 2, code: '97124', units: 1, modifiers: ['59'], charge: 40 },
            { line: 3, code: '98941', units: 1 },
        ],
    },
    {
        id: 'C3',
        patient: 'P3',
        payer: 'Acme',
        provider: PT,
        diagnoses: ['M54.50'],
        date: '2025-03-04',
        lines: [{ line: 1, code: '97110', units: 5, charge: 250 }],
    },
    {
        id: 'C4',
        patient: 'P3',
        payer: 'Acme',
        provider: PT,
        diagnoses: ['M54.50'],
        date: '2025-03-05',
        lines: [{ line: 1, code: '97110', units: 3, charge: 100 }],
    },
]
    .map(claim => JSON.stringify(claim))
    .concat(['{"id": "BROKEN", "patient": '])
    .join('\n');

/** FHIR: one claim of a fourth patient, its charge in Claim.item.net. */
export const HISTORY_FHIR = JSON.stringify({
    resourceType: 'Claim',
    id: 'F1',
    status: 'active',
    type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/claim-type', code: 'professional' }] },
    use: 'claim',
    patient: { reference: 'Patient/P4' },
    created: '2025-03-06',
    insurer: { display: 'Acme' },
    provider: { reference: 'Organization/clinic' },
    priority: { coding: [{ code: 'normal' }] },
    careTeam: [{ sequence: 1, provider: { identifier: { system: 'http://hl7.org/fhir/sid/us-npi', value: 'NPI-C' } } }],
    diagnosis: [{ sequence: 1, diagnosisCodeableConcept: { coding: [{ system: 'http://hl7.org/fhir/sid/icd-10-cm', code: 'M54.50' }] } }],
    insurance: [{ sequence: 1, focal: true, coverage: { display: 'Acme coverage' } }],
    item: [
        {
            sequence: 1,
            careTeamSequence: [1],
            productOrService: { coding: [{ system: 'http://www.ama-assn.org/go/cpt', code: '97124' }] },
            servicedDate: '2025-03-06',
            quantity: { value: 1 },
            net: { value: 55, currency: 'USD' },
        },
        {
            sequence: 2,
            careTeamSequence: [1],
            productOrService: { coding: [{ system: 'http://www.ama-assn.org/go/cpt', code: '98942' }] },
            servicedDate: '2025-03-06',
            quantity: { value: 1 },
        },
    ],
});

export const REPLAY_FILES = {
    'old/demo.payrule': OLD_POLICY,
    'new/demo.payrule': NEW_POLICY,
    'history.ndjson': `${HISTORY_NDJSON}\n`,
    'history.fhir.json': HISTORY_FHIR,
};

/**
 * examples/x12/claims.837 with a Medicare policy: claim MC-1001 (Medicare, payer id 00882, rendering
 * NPI 1245319599) bills 97110 ×3 for $90 on 2025-03-03, the only 97110 of the interchange. OLD
 * allows 4 units a day, NEW 1: paid→reduced, 3 → 1 units, $90 → $30.
 */
export function x12Files(): Record<string, string | Buffer> {
    const medicare = (limit: number) =>
        `policy mc "Medicare"\n  payer "Medicare" id "00882"\n  effective 2025-01-01\n\nrule UNITS "97110 limit"\n  97110 denied above ${limit} units per day\n`;
    return {
        'old/mc.payrule': medicare(4),
        'new/mc.payrule': medicare(1),
        'claims.837': fs.readFileSync(path.join(import.meta.dirname, '../../examples/x12/claims.837')),
    };
}

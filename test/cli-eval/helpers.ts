import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CLI, PROJECT } from '../helpers/cli.js';

export const SAMPLE_PACK = path.join(PROJECT, 'test', 'fixtures', 'packs', 'sample_plan.json');
export const SAMPLE_CLAIMS = path.join(PROJECT, 'test', 'fixtures', 'spec-examples', 'claims.json');
export const SAMPLE_OUTPUT = path.join(PROJECT, 'test', 'fixtures', 'spec-examples', 'expected-output.json');

export interface EvalRun {
    status: number | null;
    stdout: string;
    stderr: string;
}

/** Run the bundled CLI with standard input and extra environment (PAYRULE_EVAL_WORKERS, ...). */
export function cli(args: string[], options: { input?: string | Buffer; env?: Record<string, string>; cwd?: string } = {}): EvalRun {
    if (!fs.existsSync(CLI)) throw new Error('dist/cli.js is missing: run `npm run build` first');
    const result = spawnSync(process.execPath, [CLI, ...args], {
        cwd: options.cwd ?? PROJECT,
        input: options.input ?? '',
        encoding: 'utf8',
        maxBuffer: 256 * 1024 * 1024,
        env: { ...process.env, ...options.env },
    });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Evaluation output with the free-text fields (message, error) left out: what must match exactly. */
export function withoutText(output: unknown): unknown {
    return JSON.parse(
        JSON.stringify(output, (key, value) =>
            key === 'message' || key === 'error' || key === 'citation' || key === 'hint' ? undefined : value,
        ),
    );
}

type Plain = Record<string, any>;

/** Every plain claim of the project's policy tests, made unique per case (ids and patients prefixed). */
export function policyTestClaims(): Plain[] {
    const folder = path.join(PROJECT, 'policies', 'tests');
    const claims: Plain[] = [];
    for (const file of fs
        .readdirSync(folder)
        .filter(name => name.endsWith('.test.json'))
        .sort()) {
        const suite = JSON.parse(fs.readFileSync(path.join(folder, file), 'utf8'));
        suite.cases.forEach((testCase: { claims: Plain[] }, i: number) => {
            const prefix = `${file.replace('.test.json', '')}-${i}-`;
            const plain = testCase.claims.filter(c => c.resourceType === undefined);
            // Each patient's claims together, as NDJSON exports sorted by patient have them.
            const order = [...new Set(plain.map(c => c.patient))];
            for (const patient of order) {
                for (const c of plain.filter(c => c.patient === patient))
                    claims.push({ ...c, id: prefix + c.id, patient: prefix + c.patient });
            }
        });
    }
    return claims;
}

const TAXONOMY: Record<string, string> = {
    'physical-therapist': '225100000X',
    'occupational-therapist': '225X00000X',
    chiropractor: '111N00000X',
    'massage-therapist': '225700000X',
    'physical-therapist-assistant': '225200000X',
    'occupational-therapy-assistant': '224Z00000X',
    physician: '207Q00000X',
};

/** The same claim as a FHIR R4 Claim resource, mapped as docs/claims-input.md reads it back. */
export function toFhirClaim(claim: Plain): Plain {
    const resource: Plain = {
        resourceType: 'Claim',
        id: claim.id,
        status: 'active',
        use: 'claim',
        patient: { reference: `Patient/${claim.patient}` },
    };
    if (claim.date) resource.billablePeriod = { start: claim.date, end: claim.date };
    // Contract v2 routes a claim by its payer: FHIR names it in Claim.insurer.
    if (claim.payer) resource.insurer = { display: claim.payer };
    if (claim.provider) {
        const type: string = claim.provider.type;
        const code = TAXONOMY[type];
        resource.careTeam = [
            {
                sequence: 1,
                provider: { identifier: { system: 'http://hl7.org/fhir/sid/us-npi', value: claim.provider.id } },
                role: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/claimcareteamrole', code: 'primary' }] },
                // A taxonomy code where there is one, else the type as display text (as "Physical Therapist").
                qualification: code ? { coding: [{ system: 'http://nucc.org/provider-taxonomy', code }] } : { text: type },
            },
        ];
    }
    resource.diagnosis = (claim.diagnoses ?? []).map((code: string, i: number) => ({
        sequence: i + 1,
        diagnosisCodeableConcept: { coding: [{ system: 'http://hl7.org/fhir/sid/icd-10-cm', code }] },
    }));
    resource.item = claim.lines.map((line: Plain, i: number) => {
        const item: Plain = {
            sequence: line.line ?? i + 1,
            productOrService: { coding: [{ system: 'http://www.ama-assn.org/go/cpt', code: line.code }] },
        };
        if (line.date) item.servicedDate = line.date;
        if (line.modifiers?.length) item.modifier = line.modifiers.map((m: string) => ({ coding: [{ code: m }] }));
        if (line.units !== undefined) item.quantity = { value: line.units };
        if (line.minutes !== undefined)
            item.extension = [{ url: 'https://payrule.dev/fhir/StructureDefinition/minutes', valueInteger: line.minutes }];
        if (line.diagnosisPointers) item.diagnosisSequence = line.diagnosisPointers;
        return item;
    });
    return resource;
}

export function ndjson(values: unknown[]): string {
    return values.map(value => JSON.stringify(value)).join('\n') + '\n';
}

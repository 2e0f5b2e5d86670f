import * as fs from 'node:fs';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { Claim, UnreadableClaim, readPlainClaim, readClaimValue, type ClaimRecord } from '../../src-server/core/claims/index.js';
import { readX12Text, streamX12Claims, looksLikeX12 } from '../../src-server/core/claims/x12-837.js';
import { PROJECT } from '../helpers/cli.js';

const SAMPLE = path.join(PROJECT, 'examples/x12/claims.837');
const TWIN = path.join(PROJECT, 'examples/x12/claims.json');

const ISA = 'ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *250301*1200*^*00501*000000001*0*P*:';

/** An interchange from segments (without terminators); returns the text and each segment's 1-based position. */
function interchange(segments: string[], terminator = '~\n'): string {
    return `${[ISA, ...segments].join(terminator)}${terminator}`;
}

const HEAD = [
    'GS*HC*S*R*20250301*1200*1*X*005010X222A1',
    'ST*837*0001*005010X222A1',
    'BHT*0019*00*B1*20250301*1200*CH',
    'HL*1**20*1',
    'PRV*BI*PXC*225100000X',
    'NM1*85*2*CLINIC*****XX*1609870145',
];
const SUBSCRIBER = ['HL*2*1*22*0', 'SBR*P*18*******MB', 'NM1*IL*1*DOE*JANE****MI*P1', 'NM1*PR*2*MEDICARE*****PI*00882'];
const claimSegments = (id: string, sv1 = 'SV1*HC:97140:59*50*UN*2***1', dtp = 'DTP*472*D8*20250115') => [
    `CLM*${id}*50***11:B:1*Y*A*Y*Y`,
    'HI*ABK:M545',
    'LX*1',
    sv1,
    dtp,
];
const TAIL = ['SE*99*0001', 'GE*1*1', 'IEA*1*000000001'];

async function streamed(text: string, chunk = 7): Promise<ClaimRecord[]> {
    const bytes = Buffer.from(text);
    const pieces: Buffer[] = [];
    for (let i = 0; i < bytes.length; i += chunk) pieces.push(bytes.subarray(i, i + chunk));
    const records: ClaimRecord[] = [];
    for await (const record of streamX12Claims(Readable.from(pieces))) records.push(record);
    return records;
}

describe('837P reader (loops of 005010X222A1 to the claim shape)', () => {
    it('reads the example interchange exactly as its hand-written JSON twin reads', async () => {
        const text = fs.readFileSync(SAMPLE, 'utf8');
        const fromX12 = readX12Text(text);
        const twin = readClaimValue(JSON.parse(fs.readFileSync(TWIN, 'utf8')));
        // The twin writes diagnoses with dots, as people do; matching ignores them.
        const undotted = (records: ClaimRecord[]) => JSON.parse(JSON.stringify(records).replace(/"([A-Z]\d\d)\.(\w+)"/g, '"$1$2"'));
        expect(undotted(fromX12)).toEqual(undotted(twin));
        expect(fromX12.map(r => r.id)).toEqual(['MC-1001', 'MC-1002', 'BC-2001', 'HN-3001']);
        expect(await streamed(text)).toEqual(fromX12);
        expect(await streamed(text, 1 << 20)).toEqual(fromX12);
    });

    it('maps every field of the documented table', () => {
        const [claim] = readX12Text(
            interchange([
                ...HEAD,
                ...SUBSCRIBER,
                'CLM*C9*150***11:B:1*Y*A*Y*Y',
                'HI*ABK:M545*ABF:M2551*BP:8',
                'NM1*82*1*SMITH*ANN****XX*1245319599',
                'PRV*PE*PXC*111N00000X',
                'LX*4',
                'SV1*HC:97112:gp:59:XS:KX*150.50*UN*3***2:1',
                'DTP*472*RD8*20250115-20250116',
                'NTE*ADD*MINUTES 38',
                ...TAIL,
            ]),
        ) as Claim[];
        expect(claim).toBeInstanceOf(Claim);
        expect(claim).toEqual(
            readPlainClaim({
                id: 'C9',
                patient: 'P1',
                payer: 'MEDICARE',
                provider: { id: '1245319599', type: 'chiropractor' },
                diagnoses: ['M545', 'M2551'],
                lines: [
                    {
                        line: 4,
                        date: '2025-01-15',
                        code: '97112',
                        modifiers: ['GP', '59', 'XS', 'KX'],
                        units: 3,
                        minutes: 38,
                        diagnosisPointers: [2, 1],
                        charge: 150.5,
                    },
                ],
            }),
        );
    });

    it('takes the billing provider when the claim names no rendering provider, and names a dependent patient within the subscriber', () => {
        const [claim] = readX12Text(
            interchange([
                ...HEAD,
                'HL*2*1*22*1',
                'SBR*P*01*******CI',
                'NM1*IL*1*DOE*JOHN****MI*M77',
                'NM1*PR*2*ACME HEALTH',
                'HL*3*2*23*0',
                'PAT*19',
                'NM1*QC*1*DOE*KIM',
                ...claimSegments('C1'),
                ...TAIL,
            ]),
        ) as Claim[];
        expect(claim.provider).toEqual({ id: '1609870145', type: 'physical-therapist' });
        expect(claim.patient).toBe('M77/DOE KIM');
        expect(claim.payer).toBe('ACME HEALTH');
        expect(claim.lines[0].minutes).toBeNull();
    });

    it('reads several GS groups and ST transactions, with any segment terminator', () => {
        const segments = [
            ...HEAD,
            ...SUBSCRIBER,
            ...claimSegments('A1'),
            'SE*9*0001',
            'ST*837*0002*005010X222A1',
            'HL*1**20*1',
            'NM1*85*2*OTHER*****XX*1386752204',
            ...SUBSCRIBER,
            ...claimSegments('A2'),
            'SE*9*0002',
            'GE*2*1',
            'GS*HC*S*R*20250301*1200*2*X*005010X222A1',
            'ST*837*0001*005010X222A1',
            'HL*1**20*1',
            ...SUBSCRIBER.map(s => s.replace('P1', 'P2')),
            ...claimSegments('B1'),
            ...TAIL,
        ];
        for (const terminator of ['~\n', '~', '~\r\n']) {
            const records = readX12Text(interchange(segments, terminator)) as Claim[];
            expect(records.map(r => [r.id, r.patient, r.provider.id])).toEqual([
                ['A1', 'P1', '1609870145'],
                ['A2', 'P1', '1386752204'],
                ['B1', 'P2', null],
            ]);
        }
    });

    it('makes each malformed segment an error entry naming its position and element, and reads on', async () => {
        const segments = [
            ...HEAD,
            ...SUBSCRIBER,
            ...claimSegments('BAD-UNITS', 'SV1*HC:97140*50*UN*two***1'),
            ...claimSegments('GOOD-1'),
            ...claimSegments('BAD-DATE', undefined, 'DTP*472*D8*2025-01-15'),
            ...claimSegments('BAD-POINTER', 'SV1*HC:97140*50*UN*1***1:13'),
            ...claimSegments('NO-DATE', undefined, 'NTE*ADD*MINUTES 20'),
            ...claimSegments('BAD-MINUTES', undefined, 'NTE*ADD*MINUTES about thirty'),
            'HL*3*1*22*0',
            'SBR*P*18',
            'NM1*IL*1*NOBODY',
            ...claimSegments('NO-MEMBER'),
            'HL*4*1*22*0',
            ...SUBSCRIBER.slice(1),
            ...claimSegments('GOOD-2'),
            ...TAIL,
        ];
        const text = interchange(segments);
        const records = readX12Text(text);
        expect(records.map(r => r.id)).toEqual([
            'BAD-UNITS',
            'GOOD-1',
            'BAD-DATE',
            'BAD-POINTER',
            'NO-DATE',
            'BAD-MINUTES',
            'NO-MEMBER',
            'GOOD-2',
        ]);
        const position = (index: number) => index + 2; // ISA is segment 1
        const errors = Object.fromEntries(records.filter(r => r instanceof UnreadableClaim).map(r => [r.id, (r as UnreadableClaim).error]));
        const sv1 = position(segments.indexOf('SV1*HC:97140*50*UN*two***1'));
        expect(errors['BAD-UNITS']).toBe(`segment ${sv1} (SV1), element SV104: the units must be a whole number ≥ 0, not "two"`);
        expect(errors['BAD-DATE']).toBe(
            `segment ${position(segments.indexOf('DTP*472*D8*2025-01-15'))} (DTP), element DTP03: the service date must be CCYYMMDD (D8) or CCYYMMDD-CCYYMMDD (RD8), not "D8*2025-01-15"`,
        );
        expect(errors['BAD-POINTER']).toMatch(/^segment \d+ \(SV1\), element SV107: diagnosis pointer "13" must be 1 to 12$/);
        expect(errors['NO-DATE']).toMatch(/^segment \d+ \(SV1\): line 1 has no service date \(DTP\*472\)$/);
        expect(errors['BAD-MINUTES']).toMatch(/element NTE02: a minutes note must read "MINUTES <number>"/);
        expect(errors['NO-MEMBER']).toBe(
            `segment ${position(segments.indexOf('NM1*IL*1*NOBODY'))} (NM1), element NM109: the subscriber's member id (NM1*IL, NM109) is missing`,
        );
        expect(records.filter(r => r instanceof Claim).map(r => r.id)).toEqual(['GOOD-1', 'GOOD-2']);
        expect(await streamed(text, 13)).toEqual(records);
    });

    it('reports a transaction that is not an 837, and an interchange cut off inside a claim', () => {
        const records = readX12Text(interchange([...HEAD.map(s => s.replace('ST*837', 'ST*835')), ...SUBSCRIBER, ...claimSegments('X1')]));
        expect(records).toEqual([
            new UnreadableClaim(
                'X1',
                'segment 3 (ST), element ST01: transaction set 835 is not an 837 claim; the interchange ends inside claim X1 (no SE segment)',
            ),
        ]);
    });

    it('never throws on input node-x12 cannot tokenize', async () => {
        const broken = 'ISA*00*short~GS*HC~';
        expect(looksLikeX12(broken)).toBe(true);
        const records = readX12Text(broken);
        expect(records).toHaveLength(1);
        expect((records[0] as UnreadableClaim).error).toMatch(/^the X12 interchange cannot be read: /);
        expect(await streamed(broken)).toEqual(records);
    });

    it('recognises X12 by content only', () => {
        expect(looksLikeX12(`\n  ${ISA}`)).toBe(true);
        expect(looksLikeX12('{"id":"ISA"}')).toBe(false);
        expect(looksLikeX12('ISAAC,1')).toBe(false);
    });
});

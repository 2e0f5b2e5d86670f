import { PROVIDER_TYPES } from '../common/vocabulary.js';
import {
    CLAIM_LIMITS,
    chargeValue,
    checkMinutesPerDate,
    codeText,
    idText,
    isObject,
    isoDate,
    optionalArray,
    optionalText,
    problem,
    shown,
    unitsValue,
    wholeNumber,
    type Json,
} from './fields.js';
import { unreadable } from './plain.js';
import { Claim, ClaimProblem, type ClaimLine, type ClaimProvider, type ClaimRecord } from './types.js';

/**
 * FHIR R4 `Claim` resources and `Bundle`s of them, mapped to the evaluator's claim shape. The
 * mapping is documented in docs/claims-input.md; keep the two in step.
 */

/** The extension carrying treatment minutes on a Claim item. */
export const MINUTES_EXTENSION = 'https://payrule.dev/fhir/StructureDefinition/minutes';

const CPT_SYSTEMS = ['http://www.ama-assn.org/go/cpt', 'urn:oid:2.16.840.1.113883.6.12'];
const HCPCS_SYSTEMS = [
    'https://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets',
    'http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets',
    'urn:oid:2.16.840.1.113883.6.285',
];
const ICD10_SYSTEMS = ['http://hl7.org/fhir/sid/icd-10-cm', 'http://hl7.org/fhir/sid/icd-10', 'urn:oid:2.16.840.1.113883.6.90'];
const NPI_SYSTEM = 'http://hl7.org/fhir/sid/us-npi';

/** NUCC Health Care Provider Taxonomy codes for the language's provider types. */
export const NUCC_TAXONOMY: Record<string, string> = {
    '225100000X': 'physical-therapist',
    '225X00000X': 'occupational-therapist',
    '111N00000X': 'chiropractor',
    '225700000X': 'massage-therapist',
    '225200000X': 'physical-therapist-assistant',
    '224Z00000X': 'occupational-therapy-assistant',
};

export function isFhirResource(value: unknown): value is Json {
    return isObject(value) && typeof value.resourceType === 'string';
}

/** Every claim in a FHIR resource: a Claim gives one, a Bundle one per Claim entry. Never throws. */
export function readFhirResource(resource: Json, where: string): ClaimRecord[] {
    if (resource.resourceType === 'Claim') return [readFhirClaim(resource, where)];
    if (resource.resourceType === 'Bundle') return readFhirBundle(resource, where);
    const what = `a FHIR ${String(resource.resourceType)} resource is not a Claim or a Bundle of Claims`;
    return [unreadable(idText(resource.id) ?? null, where, new ClaimProblem(what))];
}

/** The Claim entries of a Bundle, in entry order; other resource types are skipped. */
export function readFhirBundle(bundle: Json, where: string): ClaimRecord[] {
    const entries = Array.isArray(bundle.entry) ? bundle.entry : [];
    const claims: ClaimRecord[] = [];
    entries.forEach((entry, i) => {
        const resource = isObject(entry) ? entry.resource : undefined;
        const at = `${where ? `${where}, ` : ''}Bundle entry[${i}]`;
        if (isObject(resource) && resource.resourceType === 'Claim') claims.push(readFhirClaim(resource, at));
        else if (!isObject(resource)) claims.push(unreadable(null, at, new ClaimProblem('has no "resource" object')));
    });
    return claims;
}

/** One FHIR R4 Claim resource. Never throws. */
export function readFhirClaim(resource: Json, where = ''): ClaimRecord {
    const id = fhirClaimId(resource);
    try {
        return fhirClaim(resource, id);
    } catch (error) {
        return unreadable(id, where, error);
    }
}

function fhirClaim(resource: Json, id: string | null): Claim {
    if (id === null) problem('Claim', 'has neither an "id" nor an identifier[0].value');
    const patient = referenceId(resource.patient, 'Claim.patient', 'Patient');
    const provider = renderingProvider(resource);
    const payer = insurer(resource.insurer);
    const { diagnoses, positionOfSequence } = fhirDiagnoses(resource.diagnosis);
    const period = isObject(resource.billablePeriod) ? resource.billablePeriod.start : undefined;
    const claimDate = typeof period === 'string' ? isoDate(period.slice(0, 10), 'Claim.billablePeriod.start') : undefined;
    if (!Array.isArray(resource.item)) problem('Claim', 'has no readable "item" list');
    const lines = resource.item.map((item, i) => fhirLine(item, i, claimDate, positionOfSequence));
    checkMinutesPerDate(lines, 'Claim.item');
    return new Claim(id, patient, provider, diagnoses, lines, payer);
}

function fhirClaimId(resource: Json): string | null {
    const identifier = Array.isArray(resource.identifier) ? resource.identifier[0] : undefined;
    return idText(resource.id) ?? (isObject(identifier) ? (idText(identifier.value) ?? null) : null);
}

/** `Patient/123` → `123` (also for absolute URLs); a bare identifier's value when there is no reference. */
function referenceId(value: unknown, path: string, type: string): string {
    if (!isObject(value)) problem(path, `must be a Reference, not ${shown(value)}`);
    if (typeof value.reference === 'string' && value.reference.trim() !== '') {
        const reference = value.reference.trim();
        const marker = reference.lastIndexOf(`${type}/`);
        return marker >= 0 ? reference.slice(marker + type.length + 1).split('/')[0] : reference;
    }
    const identifier = isObject(value.identifier) ? idText(value.identifier.value) : undefined;
    if (identifier !== undefined) return identifier;
    return problem(path, 'has neither a "reference" nor an identifier.value');
}

/**
 * The rendering provider is the care-team member with role "primary" (else the only member); its
 * NPI identifier, else its reference, is the id, and its qualification the type. With no care team,
 * the billing `provider` gives the id and the type is unknown.
 */
function renderingProvider(resource: Json): ClaimProvider {
    const team = optionalArray(resource.careTeam, 'Claim.careTeam');
    const index = team.findIndex(member => isObject(member) && codings(member.role).some(c => c.code === 'primary'));
    const chosen = index >= 0 ? index : team.length === 1 ? 0 : -1;
    if (chosen >= 0) {
        const member = team[chosen];
        const path = `Claim.careTeam[${chosen}]`;
        if (!isObject(member)) problem(path, `must be an object, not ${shown(member)}`);
        return { id: providerId(member.provider, `${path}.provider`), type: qualificationType(member.qualification) };
    }
    if (resource.provider === undefined || resource.provider === null) return { id: null, type: null };
    return { id: providerId(resource.provider, 'Claim.provider'), type: null };
}

function providerId(value: unknown, path: string): string {
    if (isObject(value) && isObject(value.identifier)) {
        const npi = idText(value.identifier.value);
        if (npi !== undefined && (value.identifier.system === NPI_SYSTEM || value.identifier.system === undefined)) return npi;
    }
    const kinds = ['Practitioner', 'PractitionerRole', 'Organization'];
    const reference = isObject(value) && typeof value.reference === 'string' ? value.reference : '';
    return referenceId(value, path, kinds.find(kind => reference.includes(`${kind}/`)) ?? 'Practitioner');
}

/** A qualification coded with a language provider type, a NUCC taxonomy code, or a matching display/text. */
function qualificationType(qualification: unknown): string | null {
    const known = PROVIDER_TYPES as readonly string[];
    const slug = (text: unknown) =>
        typeof text === 'string'
            ? text
                  .trim()
                  .toLowerCase()
                  .replace(/[\s_]+/g, '-')
            : '';
    for (const coding of codings(qualification)) {
        if (typeof coding.code === 'string') {
            if (known.includes(slug(coding.code))) return slug(coding.code);
            const nucc = NUCC_TAXONOMY[coding.code.toUpperCase()];
            if (nucc) return nucc;
            // Allopathic and osteopathic physicians are the NUCC "20" group (207Q00000X, 208100000X...).
            if (/^20[0-9A-Z]{7}X$/i.test(coding.code)) return 'physician';
        }
        if (known.includes(slug(coding.display))) return slug(coding.display);
    }
    if (isObject(qualification) && known.includes(slug(qualification.text))) return slug(qualification.text);
    const first = codings(qualification).find(c => typeof c.code === 'string');
    return first ? slug(first.code) : null;
}

function fhirDiagnoses(value: unknown): { diagnoses: string[]; positionOfSequence: Map<number, number> } {
    const entries = optionalArray(value, 'Claim.diagnosis').map((entry, i) => {
        const path = `Claim.diagnosis[${i}]`;
        if (!isObject(entry)) problem(path, `must be an object, not ${shown(entry)}`);
        if (entry.diagnosisCodeableConcept === undefined && entry.diagnosisReference !== undefined) {
            problem(path, 'uses diagnosisReference, which cannot be resolved here; give diagnosisCodeableConcept');
        }
        const code = preferredCode(entry.diagnosisCodeableConcept, ICD10_SYSTEMS);
        if (code === undefined) problem(`${path}.diagnosisCodeableConcept`, 'has no coding with a code');
        const sequence = entry.sequence === undefined ? i + 1 : wholeNumber(entry.sequence, `${path}.sequence`, 1);
        return { sequence, code: codeText(code, `${path}.diagnosisCodeableConcept.coding.code`) };
    });
    entries.sort((a, b) => a.sequence - b.sequence);
    const positionOfSequence = new Map(entries.map((entry, i) => [entry.sequence, i + 1]));
    return { diagnoses: entries.map(entry => entry.code), positionOfSequence };
}

function fhirLine(item: unknown, index: number, claimDate: string | undefined, positionOfSequence: Map<number, number>): ClaimLine {
    const at = `Claim.item[${index}]`;
    if (!isObject(item)) problem(at, `must be an object, not ${shown(item)}`);
    const code = preferredCode(item.productOrService, [...CPT_SYSTEMS, ...HCPCS_SYSTEMS]);
    if (code === undefined) problem(`${at}.productOrService`, 'has no coding with a code');
    return {
        line: item.sequence === undefined ? index + 1 : wholeNumber(item.sequence, `${at}.sequence`, 1),
        date: serviceDate(item, at, claimDate),
        code: codeText(code, `${at}.productOrService.coding.code`),
        modifiers: optionalArray(item.modifier, `${at}.modifier`).map((modifier, i) => {
            const text = preferredCode(modifier, []);
            if (text === undefined) problem(`${at}.modifier[${i}]`, 'has no coding with a code');
            return codeText(text, `${at}.modifier[${i}].coding.code`);
        }),
        units: fhirUnits(item.quantity, `${at}.quantity`),
        minutes: fhirMinutes(item.extension, `${at}.extension`),
        diagnosisPointers: optionalArray(item.diagnosisSequence, `${at}.diagnosisSequence`).map((s, i) => {
            const path = `${at}.diagnosisSequence[${i}]`;
            const position = positionOfSequence.get(wholeNumber(s, path, 1));
            if (position === undefined) problem(path, `refers to diagnosis sequence ${String(s)}, which the claim does not have`);
            return position;
        }),
        charge: chargeValue(isObject(item.net) ? item.net.value : undefined, `${at}.net.value`),
    };
}

/** `Claim.insurer` routes the claim: its display, else its identifier's value (a payer id). */
function insurer(value: unknown): string | null {
    if (!isObject(value)) return null;
    const display = optionalText(value.display, 'Claim.insurer.display');
    if (display !== null) return display;
    return isObject(value.identifier) ? optionalText(value.identifier.value, 'Claim.insurer.identifier.value') : null;
}

function serviceDate(item: Json, at: string, claimDate: string | undefined): string {
    if (typeof item.servicedDate === 'string') return isoDate(item.servicedDate.slice(0, 10), `${at}.servicedDate`);
    const start = isObject(item.servicedPeriod) ? item.servicedPeriod.start : undefined;
    if (typeof start === 'string') return isoDate(start.slice(0, 10), `${at}.servicedPeriod.start`);
    if (claimDate !== undefined) return claimDate;
    return problem(at, 'has no servicedDate or servicedPeriod.start, and the claim no billablePeriod.start');
}

/** Quantity counts billed units; a quantity in minutes cannot say how many units were billed. */
function fhirUnits(quantity: unknown, path: string): number {
    if (quantity === undefined || quantity === null) return 1;
    if (!isObject(quantity)) problem(path, `must be a Quantity, not ${shown(quantity)}`);
    if (isMinuteUnit(quantity))
        problem(path, `is in minutes; give billed units in quantity and minutes in the extension ${MINUTES_EXTENSION}`);
    return quantity.value === undefined ? 1 : unitsValue(quantity.value, `${path}.value`);
}

function fhirMinutes(extensions: unknown, path: string): number | null {
    const list = optionalArray(extensions, path);
    const index = list.findIndex(
        e => isObject(e) && typeof e.url === 'string' && (e.url === MINUTES_EXTENSION || e.url.endsWith('/minutes')),
    );
    if (index < 0) return null;
    const extension = list[index] as Json;
    const at = `${path}[${index}]`;
    let value: unknown = extension.valueInteger ?? extension.valueDecimal ?? extension.valuePositiveInt ?? extension.valueUnsignedInt;
    if (isObject(extension.valueQuantity)) {
        if (!isMinuteUnit(extension.valueQuantity)) problem(`${at}.valueQuantity`, 'must be in minutes (unit "min")');
        value = extension.valueQuantity.value;
    }
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0)
        problem(at, `must carry a number of minutes ≥ 0, not ${shown(value)}`);
    if (value > CLAIM_LIMITS.maxMinutesPerDay)
        problem(at, `must carry at most ${CLAIM_LIMITS.maxMinutesPerDay} minutes (a day), not ${shown(value)}`);
    return value;
}

function isMinuteUnit(quantity: Json): boolean {
    return ['min', 'minute', 'minutes'].includes(String(quantity.code ?? quantity.unit ?? '').toLowerCase());
}

type Coding = { system?: unknown; code?: unknown; display?: unknown };

function codings(concept: unknown): Coding[] {
    if (!isObject(concept) || !Array.isArray(concept.coding)) return [];
    return concept.coding.filter(isObject);
}

/** The code of the first coding in one of `systems`, else of the first coding that has a code. */
function preferredCode(concept: unknown, systems: string[]): unknown {
    const all = codings(concept).filter(c => c.code !== undefined);
    return (all.find(c => systems.includes(String(c.system))) ?? all[0])?.code;
}

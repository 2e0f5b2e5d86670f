/** ISO calendar dates (`YYYY-MM-DD`), validated as real dates. */

const ISO_DATE = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/;

/** Dates seen, with their problem (or none): a 100,000-rule table has a few hundred distinct dates. */
const problems = new Map<string, string | undefined>();

/** A message saying what is wrong with the date, or undefined when it is a real ISO date. */
export function dateProblem(text: string): string | undefined {
    if (problems.has(text)) return problems.get(text);
    const problem = findDateProblem(text);
    if (problems.size >= 10_000) problems.clear();
    problems.set(text, problem);
    return problem;
}

function findDateProblem(text: string): string | undefined {
    const match = ISO_DATE.exec(text);
    if (!match) return `'${text}' is not an ISO date: write YYYY-MM-DD, for example 2025-01-31.`;
    const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
    if (month < 1 || month > 12) return `'${text}' has no month ${month}: months run from 01 to 12.`;
    const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
    if (day < 1 || day > daysInMonth) {
        return `'${text}' is not a real date: ${year}-${match[2]} has ${daysInMonth} days.`;
    }
    return undefined;
}

export function isIsoDate(text: string): boolean {
    return dateProblem(text) === undefined;
}

/** An inclusive date range with open ends as null. ISO dates compare correctly as strings. */
export interface OpenRange {
    from: string | null;
    to: string | null;
}

export function rangesOverlap(a: OpenRange, b: OpenRange): boolean {
    const start = maxDate(a.from, b.from);
    const end = minDate(a.to, b.to);
    return start === null || end === null || start <= end;
}

/** Whether `inner` lies inside `outer`. */
export function rangeWithin(inner: OpenRange, outer: OpenRange): boolean {
    const startsInside = outer.from === null || (inner.from !== null && inner.from >= outer.from);
    const endsInside = outer.to === null || (inner.to !== null && inner.to <= outer.to);
    return startsInside && endsInside;
}

export function intersectRanges(a: OpenRange, b: OpenRange): OpenRange {
    return { from: maxDate(a.from, b.from), to: minDate(a.to, b.to) };
}

function maxDate(a: string | null, b: string | null): string | null {
    if (a === null) return b;
    if (b === null) return a;
    return a > b ? a : b;
}

function minDate(a: string | null, b: string | null): string | null {
    if (a === null) return b;
    if (b === null) return a;
    return a < b ? a : b;
}

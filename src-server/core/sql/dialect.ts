/**
 * The three SQL dialects the pack compiler writes: what differs between DuckDB, Spark SQL and Trino.
 * Everything else in the generated SQL is standard (CASE, window functions with ROWS and RANGE
 * frames, DENSE_RANK, DATE literals, CAST to BIGINT/DOUBLE) and written once in compile-sql.ts.
 *
 * Nothing from a policy reaches the SQL text except through `literal` (strings), `identifier`
 * (table names) or as numbers and dates the compiler has checked (see compile-sql.ts).
 */

/** Raised for input the compiler cannot write safely: a pack not checked by the loader, a bad table name. */
export class SqlCompileError extends Error {}

export type SqlDialectName = 'duckdb' | 'spark' | 'trino';

export const SQL_DIALECTS: readonly SqlDialectName[] = ['duckdb', 'spark', 'trino'];

export interface SqlDialect {
    readonly name: SqlDialectName;
    /** A string literal holding exactly `text`, whatever it contains. */
    literal(text: string): string;
    /** One identifier part, quoted when it is not a plain lower-case name. */
    identifier(name: string): string;
    /** `array` with only the elements for which `predicate` (over `variable`) holds. */
    filter(array: string, variable: string, predicate: string): string;
    /** `array` with `expression` (over `variable`) applied to each element. */
    transform(array: string, variable: string, expression: string): string;
    /** The number of elements of `array`. */
    size(array: string): string;
    /** Element `index` (1-based) of `array`, or NULL when there is none. */
    element(array: string, index: string): string;
    /** An array literal of `items` (at least one). */
    array(items: readonly string[]): string;
    /** An empty array of `elementType` (a type written by `type`). */
    emptyArray(elementType: string): string;
    /** The SQL type of a text value, a 64-bit integer, a list of text. */
    readonly textType: string;
    readonly bigintType: string;
    arrayType(elementType: string): string;
    /** A struct/row type with named fields. */
    structType(fields: ReadonlyArray<readonly [string, string]>): string;
    /** A struct/row value with named fields, of the type `structType(fields)` gives. */
    struct(fields: ReadonlyArray<readonly [string, string, string]>): string;
    /**
     * An aggregate: the array of structs `fields` (name, type, value) of the group's rows, ordered by
     * `order` (which must differ between the rows of a group).
     */
    orderedAgg(order: string, fields: ReadonlyArray<readonly [string, string, string]>): string;
    /** Whether `array` holds one of `items` (NULL when it is NULL). */
    hasAny(array: string, items: readonly string[]): string;
    /** Whether `pattern` (a regular expression of the common subset) finds a match in `text`. */
    regexFind(text: string, pattern: string): string;
    /** Days since 1970-01-01 of a DATE. */
    dayNumber(date: string): string;
    /** Wrap the query as a view. */
    createView(name: string, query: string): string;
    /** `text` with every match of `pattern` (a regular expression of the common subset, as a literal) replaced. */
    replaceAll(text: string, pattern: string, replacement: string): string;
    /** A window aggregate: the list of structs `fields` (name, type, value) of the frame's rows, in frame order. */
    windowList(fields: ReadonlyArray<readonly [string, string, string]>): string;
    /** Whether `array` holds `item` (NULL when the array is NULL). */
    contains(array: string, item: string): string;
    /** `text` split at each `separator` (a one-character literal), as an array of text. */
    splitText(text: string, separator: string): string;
    /** A BIGINT fold of `array` from 0: `step` computes the next value from `acc` and the element `x` (DuckDB: see wholeDayFold). */
    fold(array: string, step: string): string;
    /** An aggregate: the group's values of `value` as an array, in no particular order. */
    collect(value: string): string;
    /** Whether the arrays share an element (NULL when either is NULL, or when they share none but hold a NULL). */
    overlaps(a: string, b: string): string;
}

/** Quote a possibly qualified table name (`catalog.schema.table`), each part on its own. */
export function qualifiedName(dialect: SqlDialect, name: string): string {
    const parts = name.split('.');
    if (parts.some(part => part.length === 0)) throw new SqlCompileError(`"${name}" is not a table name: an empty part between dots`);
    return parts.map(part => dialect.identifier(part)).join('.');
}

/**
 * Words that must be quoted to be used as identifiers in at least one of the dialects. Names outside
 * this list that are plain lower-case words are written bare, so the SQL stays readable; any other
 * name is quoted.
 */
const RESERVED = new Set(
    `
all alter analyze and any array as asc at authorization between both by case cast check collate column
constraint create cross cube current current_date current_path current_role current_schema current_time
current_timestamp current_user deallocate default delete describe desc distinct do drop else end escape
except execute exists extract false fetch filter for foreign from full function grant group grouping having
ilike in inner insert intersect interval into is join json_array json_exists json_object json_query
json_table json_value lateral leading left like limit listagg localtime localtimestamp map natural normalize
not null of offset on only or order outer over partition pivot placing prepare primary qualify range
recursive references returning right rollup row rows select semi session_user similar skip some struct
symmetric table tablesample then time timestamp to trailing trim true try_cast uescape union unique unknown
unnest unpivot user using values variadic verbose when where window with within
`
        .split(/\s+/)
        .filter(Boolean),
);

const PLAIN = /^[a-z_][a-z0-9_]*$/;

function isPlain(name: string): boolean {
    return PLAIN.test(name) && !RESERVED.has(name);
}

/** Standard SQL quoting: `'` doubled. Control characters become chr(n) so the text stays on its line. */
function standardLiteral(text: string): string {
    return joinPieces(text, char => (char === "'" ? "''" : undefined));
}

/**
 * Split `text` into quoted runs joined with `||`, writing characters that `escapeInside` cannot
 * escape within a literal (it returns undefined for them) and all control characters as chr(n).
 */
function joinPieces(
    text: string,
    escapeInside: (char: string) => string | undefined,
    mustBreak: (char: string) => boolean = () => false,
): string {
    const pieces: string[] = [];
    let run = '';
    for (const char of text) {
        const code = char.codePointAt(0)!;
        if (code < 0x20 || code === 0x7f || mustBreak(char)) {
            if (run !== '' || pieces.length === 0) pieces.push(`'${run}'`);
            run = '';
            pieces.push(`chr(${code})`);
            continue;
        }
        run += escapeInside(char) ?? char;
    }
    if (run !== '' || pieces.length === 0) pieces.push(`'${run}'`);
    return pieces.length === 1 ? pieces[0] : `(${pieces.join(' || ')})`;
}

const duckdb: SqlDialect = {
    name: 'duckdb',
    literal: standardLiteral,
    identifier: name => (isPlain(name) ? name : `"${name.replace(/"/g, '""')}"`),
    filter: (array, v, predicate) => `list_filter(${array}, lambda ${v}: ${predicate})`,
    transform: (array, v, expression) => `list_transform(${array}, lambda ${v}: ${expression})`,
    size: array => `len(${array})`,
    // DuckDB lists are 1-based and give NULL past either end.
    element: (array, index) => `${array}[${index}]`,
    array: items => `[${items.join(', ')}]`,
    emptyArray: type => `CAST([] AS ${type}[])`,
    textType: 'VARCHAR',
    bigintType: 'BIGINT',
    arrayType: type => `${type}[]`,
    structType: fields => `STRUCT(${fields.map(([name, type]) => `${name} ${type}`).join(', ')})`,
    struct: fields => `struct_pack(${fields.map(([name, , value]) => `${name} := ${value}`).join(', ')})`,
    // list(... ORDER BY ...) sorts each group on its own, which is slow over many small groups:
    // collect (order, fields) structs, sort each list (structs compare field by field), drop `order`.
    orderedAgg: (order, fields) =>
        `list_transform(list_sort(list(struct_pack(pr_order := ${order}, ` +
        `${fields.map(([name, , value]) => `${name} := ${value}`).join(', ')}))), lambda pr_f: ` +
        `struct_pack(${fields.map(([name]) => `${name} := pr_f.${name}`).join(', ')}))`,
    hasAny: (array, items) => `list_has_any(${array}, [${items.join(', ')}])`,
    regexFind: (text, pattern) => `regexp_matches(${text}, ${standardLiteral(pattern)})`,
    dayNumber: date => `date_diff('day', DATE '1970-01-01', ${date})`,
    createView: (name, query) => `CREATE OR REPLACE VIEW ${name} AS\n${query}`,
    replaceAll: (text, pattern, replacement) => `regexp_replace(${text}, ${pattern}, ${replacement}, 'g')`,
    windowList: fields => `list(${duckdb.struct(fields)})`,
    contains: (array, item) => `list_contains(${array}, ${item})`,
    splitText: (text, separator) => `string_split(${text}, '${separator}')`,
    fold: (array, step) => `list_reduce(${array}, lambda acc, x: ${step}, CAST(0 AS BIGINT))`,
    collect: value => `list(${value})`,
    overlaps: (a, b) => `list_has_any(${a}, ${b})`,
};

/**
 * Spark SQL: backslash is an escape character inside string literals and two adjacent literals are
 * concatenated, so `'` and `\` can be written neither doubled nor escaped portably (a session may set
 * spark.sql.parser.escapedStringLiterals). They, `$` (Spark substitutes `${var}` even inside
 * literals) and control characters are written as chr(n).
 */
const spark: SqlDialect = {
    name: 'spark',
    literal: text =>
        joinPieces(
            text,
            () => undefined,
            char => char === "'" || char === '\\' || char === '$',
        ),
    identifier: name => (isPlain(name) ? name : `\`${name.replace(/`/g, '``')}\``),
    filter: (array, v, predicate) => `filter(${array}, ${v} -> ${predicate})`,
    transform: (array, v, expression) => `transform(${array}, ${v} -> ${expression})`,
    size: array => `size(${array})`,
    // element_at fails past the end under ANSI mode; try_element_at (Spark 3.3+) gives NULL.
    element: (array, index) => `try_element_at(${array}, ${index})`,
    array: items => `array(${items.join(', ')})`,
    emptyArray: type => `CAST(array() AS ARRAY<${type}>)`,
    textType: 'STRING',
    bigintType: 'BIGINT',
    arrayType: type => `ARRAY<${type}>`,
    structType: fields => `STRUCT<${fields.map(([name, type]) => `${name}: ${type}`).join(', ')}>`,
    struct: fields => `named_struct(${fields.map(([name, , value]) => `'${name}', ${value}`).join(', ')})`,
    // collect_list has no ORDER BY: collect (order, fields) structs, sort them (structs compare field
    // by field, so by `order` first), then drop `order`.
    orderedAgg: (order, fields) =>
        `transform(array_sort(collect_list(named_struct('pr_order', ${order}, ` +
        `${fields.map(([name, , value]) => `'${name}', ${value}`).join(', ')}))), pr_f -> ` +
        `named_struct(${fields.map(([name]) => `'${name}', pr_f.${name}`).join(', ')}))`,
    // arrays_overlap is NULL rather than false when the arrays share nothing but hold a NULL.
    hasAny: (array, items) => `arrays_overlap(${array}, array(${items.join(', ')}))`,
    regexFind: (text, pattern) => `${text} RLIKE ${spark.literal(pattern)}`,
    dayNumber: date => `unix_date(${date})`,
    createView: (name, query) => `CREATE OR REPLACE VIEW ${name} AS\n${query}`,
    replaceAll: (text, pattern, replacement) => `regexp_replace(${text}, ${pattern}, ${replacement})`,
    // The frame's rows in frame order: collect_list keeps the order rows reach it, which a window's ORDER BY sets.
    windowList: fields => `collect_list(${spark.struct(fields)})`,
    contains: (array, item) => `array_contains(${array}, ${item})`,
    splitText: (text, separator) => `split(${text}, '${separator}')`,
    fold: (array, step) => `aggregate(${array}, CAST(0 AS BIGINT), (acc, x) -> ${step})`,
    collect: value => `collect_list(${value})`,
    overlaps: (a, b) => `arrays_overlap(${a}, ${b})`,
};

const trino: SqlDialect = {
    name: 'trino',
    literal: standardLiteral,
    identifier: name => (isPlain(name) ? name : `"${name.replace(/"/g, '""')}"`),
    filter: (array, v, predicate) => `filter(${array}, ${v} -> ${predicate})`,
    transform: (array, v, expression) => `transform(${array}, ${v} -> ${expression})`,
    size: array => `cardinality(${array})`,
    // element_at gives NULL past the end (it fails on 0 and counts negative indexes from the end:
    // the compiler only asks for indexes from 1 to the size).
    element: (array, index) => `element_at(${array}, ${index})`,
    array: items => `ARRAY[${items.join(', ')}]`,
    emptyArray: type => `CAST(ARRAY[] AS ARRAY(${type}))`,
    textType: 'VARCHAR',
    bigintType: 'BIGINT',
    arrayType: type => `ARRAY(${type})`,
    structType: fields => `ROW(${fields.map(([name, type]) => `${name} ${type}`).join(', ')})`,
    struct: fields =>
        `CAST(ROW(${fields.map(([, , value]) => value).join(', ')}) AS ${trino.structType(fields.map(([name, type]) => [name, type] as const))})`,
    orderedAgg: (order, fields) => `array_agg(${trino.struct(fields)} ORDER BY ${order})`,
    hasAny: (array, items) => `arrays_overlap(${array}, ARRAY[${items.join(', ')}])`,
    regexFind: (text, pattern) => `regexp_like(${text}, ${standardLiteral(pattern)})`,
    dayNumber: date => `date_diff('day', DATE '1970-01-01', ${date})`,
    createView: (name, query) => `CREATE OR REPLACE VIEW ${name} AS\n${query}`,
    replaceAll: (text, pattern, replacement) => `regexp_replace(${text}, ${pattern}, ${replacement})`,
    windowList: fields => `array_agg(${trino.struct(fields)})`,
    contains: (array, item) => `contains(${array}, ${item})`,
    splitText: (text, separator) => `split(${text}, '${separator}')`,
    fold: (array, step) => `reduce(${array}, CAST(0 AS BIGINT), (acc, x) -> ${step}, acc -> acc)`,
    collect: value => `array_agg(${value})`,
    overlaps: (a, b) => `arrays_overlap(${a}, ${b})`,
};

const DIALECTS: Record<SqlDialectName, SqlDialect> = { duckdb, spark, trino };

export function sqlDialect(name: SqlDialectName): SqlDialect {
    const dialect = DIALECTS[name];
    if (!dialect) throw new SqlCompileError(`unknown SQL dialect "${name}": use one of ${SQL_DIALECTS.join(', ')}`);
    return dialect;
}

import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ErrorObject, ValidateFunction } from 'ajv';
import ajvFormats from 'ajv-formats';
import packSchema from '../../../schema/payrule-pack.schema.json' with { type: 'json' };

/** The pack JSON Schema shipped in `schema/payrule-pack.schema.json` (draft 2020-12). */
export { packSchema };

// ajv-formats is CommonJS: under NodeNext the default import is `module.exports`, whose `.default`
// is the plugin (see TOOLCHAIN.md); it type-checks and runs the same bundled or not.
const addFormats = ajvFormats.default;

let validator: ValidateFunction | undefined;

/** The compiled validator, built on first use (compiling the schema takes a few milliseconds). */
function packValidator(): ValidateFunction {
    if (!validator) {
        const ajv = new Ajv2020({ allErrors: true, discriminator: true, strict: true, allowUnionTypes: true, verbose: true });
        addFormats(ajv, ['date']);
        validator = ajv.compile(packSchema);
    }
    return validator;
}

/** Problems with `value` against the pack schema, each starting with the JSON pointer of the value. */
export function packSchemaProblems(value: unknown, limit = 8): string[] {
    const validate = packValidator();
    if (validate(value)) return [];
    const problems = [...new Set((validate.errors ?? []).filter(isInformative).map(describe))];
    return problems.length > limit ? [...problems.slice(0, limit), `and ${problems.length - limit} more`] : problems;
}

/** `oneOf`/`if` wrappers repeat what their branches already said; keep the branches' words. */
function isInformative(error: ErrorObject): boolean {
    return error.keyword !== 'if' && !(error.keyword === 'oneOf' && error.params.passingSchemas === null);
}

function describe(error: ErrorObject): string {
    const at = error.instancePath === '' ? '(the top level)' : error.instancePath;
    const params = error.params as Record<string, unknown>;
    switch (error.keyword) {
        case 'required':
            return `${at}: missing required key "${String(params.missingProperty)}"`;
        case 'additionalProperties':
            return `${at}: unknown key "${String(params.additionalProperty)}"`;
        case 'enum':
            return `${at}: must be one of ${(params.allowedValues as unknown[]).map(v => JSON.stringify(v)).join(', ')}`;
        case 'const':
            return `${at}: must be ${JSON.stringify(params.allowedValue)}`;
        case 'pattern':
            return `${at}: ${JSON.stringify(error.data)} does not match ${String(params.pattern)}`;
        case 'format':
            return `${at}: ${JSON.stringify(error.data)} is not a valid ${String(params.format)}`;
        // The schema's only `not` is the one that keeps code lists from being empty.
        case 'not':
            return `${at}: must hold at least one code or range`;
        case 'discriminator':
            return `${at}: "kind" ${JSON.stringify(params.tagValue)} is not a known kind here`;
        default:
            return `${at}: ${error.message ?? error.keyword}`;
    }
}

/** Which of the loader's checks refused a pack, in the order they run. */
export type PackCheck = 'io' | 'json' | 'format' | 'version' | 'schema' | 'digest' | 'signature' | 'content';

/** A pack the loader refuses. `message` names the file, the check and where it failed. */
export class PackError extends Error {
    override readonly name = 'PackError';

    constructor(
        readonly check: PackCheck,
        readonly file: string,
        readonly detail: string,
    ) {
        super(`${file}: rule pack refused (${check} check): ${detail}`);
    }
}

import * as fs from 'node:fs';
import * as path from 'node:path';
import type { KeyObject } from 'node:crypto';
import type { Command } from 'commander';
import {
    generateSigningKeys,
    parsePack,
    readPrivateKey,
    readPublicKey,
    SIGNATURE_SUFFIX,
    verifyPackSignature,
    type RulePack,
} from '../../src-server/core/pack/index.js';
import { EXIT } from '../exit-codes.js';

/**
 * Signed packs on the command line: `payrule keygen` makes an Ed25519 key pair, `payrule compile
 * --sign KEY` writes `<pack>.sig` beside each pack, and `payrule eval --trust PUBKEY…` refuses every
 * pack that is unsigned or not signed by one of the trusted keys (see src-server/core/pack/sign.ts).
 */
export function registerKeygenCommand(program: Command): void {
    program
        .command('keygen')
        .description('make an Ed25519 key pair for signing rule packs: <name>.key (private, owner-only) and <name>.pub')
        .argument('<name>', 'path and name of the key files, without extension (e.g. keys/payrule-signing)')
        .option('--force', 'overwrite existing key files')
        .addHelpText(
            'after',
            [
                '',
                'Sign packs with `payrule compile --sign <name>.key`; evaluate only signed packs with',
                '`payrule eval --trust <name>.pub --pack …`. Keep the .key file private: whoever has it can sign packs.',
                'The same keys can be made with OpenSSL:',
                '  openssl genpkey -algorithm ed25519 -out <name>.key',
                '  openssl pkey -in <name>.key -pubout -out <name>.pub',
                '',
                'Exit codes: 0 keys written, 2 bad usage or the files exist.',
            ].join('\n'),
        )
        .action((name: string, options: { force?: boolean }) => {
            process.exitCode = runKeygen(name, options.force ?? false);
        });
}

function runKeygen(name: string, force: boolean): number {
    const privatePath = `${name}.key`;
    const publicPath = `${name}.pub`;
    if (!force) {
        const existing = [privatePath, publicPath].filter(file => fs.existsSync(file));
        if (existing.length > 0) {
            console.error(
                `payrule keygen: ${existing.join(' and ')} already ${existing.length === 1 ? 'exists' : 'exist'}: choose another name, or --force to replace (packs signed with the old key then no longer verify)`,
            );
            return EXIT.badInput;
        }
    }
    const { privateKey, publicKey } = generateSigningKeys();
    try {
        fs.mkdirSync(path.dirname(path.resolve(privatePath)), { recursive: true });
        fs.writeFileSync(privatePath, privateKey, { mode: 0o600 });
        fs.chmodSync(privatePath, 0o600);
        fs.writeFileSync(publicPath, publicKey);
    } catch (error) {
        console.error(`payrule keygen: cannot write the keys: ${(error as Error).message}`);
        return EXIT.badInput;
    }
    console.log(`${privatePath} (private: keep it secret) and ${publicPath} (public: give it to whoever evaluates)`);
    return EXIT.ok;
}

/** The private key `--sign` names; throws a one-line message when it cannot be used. */
export function readSigningKey(file: string): KeyObject {
    let pem: Buffer;
    try {
        pem = fs.readFileSync(file);
    } catch (error) {
        throw new Error(
            `--sign ${file}: cannot read the key: ${(error as { code?: string }).code === 'ENOENT' ? 'no such file' : (error as Error).message}`,
            { cause: error },
        );
    }
    return readPrivateKey(pem, `--sign ${file}`);
}

/** The public keys `--trust` names; throws a one-line message when one cannot be used. */
export function readTrustedKeys(files: readonly string[]): KeyObject[] {
    return files.map(file => {
        let pem: Buffer;
        try {
            pem = fs.readFileSync(file);
        } catch (error) {
            throw new Error(
                `--trust ${file}: cannot read the key: ${(error as { code?: string }).code === 'ENOENT' ? 'no such file' : (error as Error).message}`,
                { cause: error },
            );
        }
        return readPublicKey(pem, `--trust ${file}`);
    });
}

/**
 * Load pack files whose signatures verify under one of the trusted keys: the bytes verified are the
 * bytes parsed (read once), so a pack swapped after the check is never used. Throws the loader's
 * PackError (check `signature`, or the usual checks) for the first pack refused.
 */
export function loadTrustedPacks(files: readonly string[], trusted: readonly KeyObject[]): RulePack[] {
    return files.map(file => {
        let bytes: Buffer;
        try {
            bytes = fs.readFileSync(file);
        } catch (error) {
            return parsePackOrThrowIo(file, error);
        }
        let signature: string | undefined;
        try {
            signature = fs.readFileSync(`${file}${SIGNATURE_SUFFIX}`, 'utf8');
        } catch (error) {
            if ((error as { code?: string }).code !== 'ENOENT') throw error;
        }
        verifyPackSignature(bytes, signature, trusted, file);
        return parsePack(bytes.toString('utf8'), file);
    });
}

function parsePackOrThrowIo(file: string, error: unknown): never {
    const code = (error as { code?: string }).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (error as Error).message;
    throw new Error(`${file}: rule pack refused (io check): cannot read the file: ${reason}`);
}

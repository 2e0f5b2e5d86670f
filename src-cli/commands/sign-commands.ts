import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Command } from 'commander';
import { generateSigningKeys } from '../../src-server/core/pack/index.js';
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

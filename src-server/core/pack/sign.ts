import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { PackError } from './errors.js';

/**
 * Detached signatures of rule packs (Ed25519, from node:crypto). A pack's `sha256` catches
 * accidents, not tampering: anyone can change a rule and seal the pack again. A signature made with
 * a private key the evaluator's operator trusts can't be re-made that way. The signature lives
 * beside the pack, in `<pack>.sig`, so the pack's own format and digest stay as the contract says.
 * It signs the pack file's exact bytes, which `payrule compile` writes the same way every time.
 *
 * Keys are PEM files: PKCS#8 for the private key, SPKI for the public key, as `payrule keygen` or
 * `openssl genpkey -algorithm ed25519` write them.
 */

export const SIGNATURE_FORMAT = 'payrule-pack-signature';
export const SIGNATURE_SUFFIX = '.sig';

export interface PackSignature {
    format: typeof SIGNATURE_FORMAT;
    algorithm: 'ed25519';
    /** The signing key's id (see keyId): says which trusted key to verify with. */
    key: string;
    /** The sha256 of the signed bytes, hex: for messages, not trusted on its own. */
    sha256: string;
    /** The Ed25519 signature of the pack file's bytes, base64. */
    signature: string;
}

/** A new Ed25519 key pair as PEM text. */
export function generateSigningKeys(): { privateKey: string; publicKey: string } {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    return {
        privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
        publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    };
}

/** A short, stable id of a public key: the first 16 hex digits of the sha256 of its SPKI DER bytes. */
export function keyId(publicKey: KeyObject): string {
    return createHash('sha256')
        .update(publicKey.export({ type: 'spki', format: 'der' }))
        .digest('hex')
        .slice(0, 16);
}

/** Read an Ed25519 private key from PEM text; throws a one-line message naming `origin`. */
export function readPrivateKey(pem: string | Buffer, origin: string): KeyObject {
    let key: KeyObject;
    try {
        key = createPrivateKey(pem);
    } catch {
        throw new Error(`${origin}: not a private key in PEM form (make one with payrule keygen)`);
    }
    if (key.asymmetricKeyType !== 'ed25519')
        throw new Error(`${origin}: an ${key.asymmetricKeyType} key, not Ed25519 (make one with payrule keygen)`);
    return key;
}

/** Read an Ed25519 public key from PEM text (a private key is refused: trust needs only the public half). */
export function readPublicKey(pem: string | Buffer, origin: string): KeyObject {
    const text = pem.toString();
    if (/-----BEGIN (ENCRYPTED )?PRIVATE KEY-----/.test(text)) {
        throw new Error(
            `${origin}: a private key; --trust takes the public key (the .pub file), and the private key should not leave the signer`,
        );
    }
    let key: KeyObject;
    try {
        key = createPublicKey(pem);
    } catch {
        throw new Error(`${origin}: not a public key in PEM form (payrule keygen writes one beside the private key)`);
    }
    if (key.asymmetricKeyType !== 'ed25519') throw new Error(`${origin}: an ${key.asymmetricKeyType} key, not Ed25519`);
    return key;
}

/** The signature file's text for a pack's bytes (one line of JSON and a newline). */
export function signPack(packBytes: Buffer | string, privateKey: KeyObject): string {
    const bytes = typeof packBytes === 'string' ? Buffer.from(packBytes, 'utf8') : packBytes;
    const signature: PackSignature = {
        format: SIGNATURE_FORMAT,
        algorithm: 'ed25519',
        key: keyId(createPublicKey(privateKey)),
        sha256: createHash('sha256').update(bytes).digest('hex'),
        signature: sign(null, bytes, privateKey).toString('base64'),
    };
    return `${JSON.stringify(signature, null, 2)}\n`;
}

/**
 * Check a pack's bytes against its signature file and the trusted public keys; throws a PackError
 * of the `signature` check saying what is wrong. `origin` names the pack in messages.
 */
export function verifyPackSignature(
    packBytes: Buffer,
    signatureText: string | undefined,
    trusted: readonly KeyObject[],
    origin: string,
): void {
    const sigFile = `${origin}${SIGNATURE_SUFFIX}`;
    if (signatureText === undefined) {
        throw new PackError(
            'signature',
            origin,
            `unsigned: there is no ${sigFile} beside it, and --trust accepts signed packs only (sign with payrule compile --sign KEY)`,
        );
    }
    let parsed: Partial<PackSignature>;
    try {
        parsed = JSON.parse(signatureText) as Partial<PackSignature>;
    } catch {
        throw new PackError('signature', origin, `${sigFile} is not a signature file (not JSON)`);
    }
    if (
        parsed === null ||
        typeof parsed !== 'object' ||
        parsed.format !== SIGNATURE_FORMAT ||
        parsed.algorithm !== 'ed25519' ||
        typeof parsed.signature !== 'string' ||
        typeof parsed.key !== 'string'
    ) {
        throw new PackError(
            'signature',
            origin,
            `${sigFile} is not a Payrule Ed25519 pack signature (format "${SIGNATURE_FORMAT}", algorithm "ed25519")`,
        );
    }
    const key = trusted.find(candidate => keyId(candidate) === parsed.key);
    if (!key) {
        const ids = trusted.map(keyId).join(', ');
        throw new PackError('signature', origin, `signed by key ${parsed.key}, which is not trusted (trusted: ${ids})`);
    }
    const signature = Buffer.from(parsed.signature, 'base64');
    if (signature.length !== 64 || !verify(null, packBytes, key, signature)) {
        const actual = createHash('sha256').update(packBytes).digest('hex');
        const changed = typeof parsed.sha256 === 'string' && parsed.sha256 !== actual ? ': the pack was changed after it was signed' : '';
        throw new PackError(
            'signature',
            origin,
            `the signature in ${sigFile} does not match the pack's bytes under key ${parsed.key}${changed}`,
        );
    }
}

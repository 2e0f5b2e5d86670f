/** The rule pack library: the types, the digest, and the loader other tools use to read packs. */
export * from './types.js';
export { packDigest, sealPack, type UnsealedPack } from './digest.js';
export { PackError, type PackCheck } from './errors.js';
export { parsePack, loadPack, loadPackSync, loadPacks, readPackBytesSync } from './loader.js';
export { packSchema, packSchemaProblems } from './schema.js';
export {
    generateSigningKeys,
    keyId,
    readPrivateKey,
    readPublicKey,
    signPack,
    verifyPackSignature,
    SIGNATURE_SUFFIX,
    type PackSignature,
} from './sign.js';

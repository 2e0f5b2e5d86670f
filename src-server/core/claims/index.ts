/** Claim input adapters: plain JSON, NDJSON (whole or streamed) and FHIR R4, all to one shape. */
export { Claim, UnreadableClaim, type ClaimLine, type ClaimProvider, type ClaimRecord } from './types.js';
export { readPlainClaim } from './plain.js';
export { readFhirClaim, readFhirBundle, readFhirResource, MINUTES_EXTENSION } from './fhir.js';
export { readClaimValue, readClaimsText, readNdjsonLine } from './read.js';
export { streamClaims } from './stream.js';
export { readX12Text, streamX12Claims, looksLikeX12, X12ClaimReader } from './x12-837.js';

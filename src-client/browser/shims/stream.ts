/**
 * `node:stream` for the browser bundle of the claim checker: node-x12's X12Parser extends
 * `Transform`, and the project's 837P reader (src-server/core/claims/x12-837.ts, readX12Text)
 * drives its `_transform` and `_flush` itself and takes the segments through its own `push`. So
 * the base class needs nothing but to exist; nothing here streams.
 */
export class Transform {
    constructor(_options?: unknown) {}

    push(_chunk: unknown): boolean {
        throw new Error('node:stream is not available in the browser: read the X12 text whole (readX12Text)');
    }
}

export default { Transform };

import type { AstNode, Reference } from 'langium';
import { isAstNode, isMultiReference, isReference } from 'langium';

/**
 * Walks over an AST in the order of Langium's `streamAst` (pre-order, properties in key order),
 * without a stream, an iterator or a promise per node: the linker and the validator visit every
 * node of a 100,000-rule workspace, and Langium's own loops spend more on that machinery (and on
 * an `await` per node) than on the work. `visit` returns false to skip a node's children.
 */
export function forEachAstNode(root: AstNode, visit: (node: AstNode) => boolean | void): void {
    const stack: AstNode[] = [root];
    const children: AstNode[] = [];
    while (stack.length > 0) {
        const node = stack.pop()!;
        if (visit(node) === false) continue;
        children.length = 0;
        const record = node as unknown as Record<string, unknown>;
        for (const key of Object.keys(record)) {
            if (key.charCodeAt(0) === 0x24) continue; // `$` properties
            const value = record[key];
            if (isAstNode(value)) children.push(value);
            else if (Array.isArray(value)) {
                for (const item of value) if (isAstNode(item)) children.push(item);
            }
        }
        for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]);
    }
}

/** The references held by a node's own properties, as Langium's `streamReferences` gives them. */
export function forEachReference(node: AstNode, visit: (reference: Reference, property: string, index?: number) => void): void {
    const record = node as unknown as Record<string, unknown>;
    for (const key of Object.keys(record)) {
        if (key.charCodeAt(0) === 0x24) continue;
        const value = record[key];
        if (isReference(value) || isMultiReference(value)) visit(value as Reference, key);
        else if (Array.isArray(value)) {
            value.forEach((item, index) => {
                if (isReference(item) || isMultiReference(item)) visit(item as Reference, key, index);
            });
        }
    }
}

import type { AstNode, LangiumCoreServices, ValidationAcceptor, ValidationCategory, ValidationCheck, ValidationChecks } from 'langium';
import { isOperationCancelled, ValidationRegistry } from 'langium';

/**
 * Langium's validation registry, with two costs of its defaults removed for large documents:
 * every check is wrapped in two async functions (two promises per check and node: millions for a
 * 100,000-rule workspace, although every Payrule check is synchronous), and the checks of a type
 * are gathered in a new stream for every node. Here a synchronous check stays synchronous (an
 * async one is still awaited, failures are reported as Langium reports them) and the checks of a
 * type are listed once.
 */
export class PayruleValidationRegistry extends ValidationRegistry {
    /** Checks by node type, per list of categories (the validator passes the same list for a whole document). */
    private listed = new WeakMap<object, Map<string, ValidationCheck[]>>();
    private readonly allCategories = {};

    constructor(services: LangiumCoreServices) {
        super(services);
    }

    override register<T>(checksRecord: ValidationChecks<T>, thisObj?: ThisParameterType<unknown>, category?: ValidationCategory): void {
        this.listed = new WeakMap();
        super.register(checksRecord, thisObj, category);
    }

    /** The checks of a node type (and of every node), in registration order, as an array. */
    checksFor(type: string, categories?: ValidationCategory[]): readonly ValidationCheck[] {
        const key = categories ?? this.allCategories;
        let byType = this.listed.get(key);
        if (!byType) this.listed.set(key, byType = new Map());
        let checks = byType.get(type);
        if (!checks) {
            checks = this.getChecks(type, categories).toArray();
            byType.set(type, checks);
        }
        return checks;
    }

    protected override wrapValidationException(check: ValidationCheck, thisObj: unknown): ValidationCheck {
        return (node, accept, cancelToken) => {
            try {
                const result = check.call(thisObj, node, accept, cancelToken);
                if (result && typeof (result as Promise<void>).then === 'function') {
                    return (result as Promise<void>).then(undefined, error => this.reportFailure(error, accept, node));
                }
            } catch (error) {
                this.reportFailure(error, accept, node);
            }
            return undefined;
        };
    }

    /** What Langium's handleException does with a check that throws. */
    private reportFailure(error: unknown, accept: ValidationAcceptor, node: AstNode): void {
        if (isOperationCancelled(error)) throw error;
        const context = 'An error occurred during validation';
        console.error(`${context}:`, error);
        if (error instanceof Error && error.stack) console.error(error.stack);
        accept('error', `${context}: ${error instanceof Error ? error.message : String(error)}`, { node });
    }
}

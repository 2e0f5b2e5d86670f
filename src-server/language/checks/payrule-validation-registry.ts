import type { AstNode, Cancellation, MaybePromise, ValidationAcceptor, ValidationCategory, ValidationCheck } from 'langium';
import { isOperationCancelled, ValidationRegistry } from 'langium';

/**
 * Langium's registry of checks, with checks that run synchronously when they are synchronous (all
 * of Payrule's are): Langium wraps every check in two async functions, so a 10,000-rule workspace
 * paid hundreds of thousands of promise round trips for checks that never wait. An exception in a
 * check is still reported on its node, as Langium does. `checksFor` keeps the list of checks per
 * node type and categories, instead of building a stream for every node.
 */
export class PayruleValidationRegistry extends ValidationRegistry {
    /** Per categories list (the same array for a whole validation), the checks of each type. */
    private byCategories = new WeakMap<object, Map<string, ValidationCheck[]>>();
    private readonly allCategories = {};

    protected override wrapValidationException(check: ValidationCheck, thisObj: unknown): ValidationCheck {
        return (node: AstNode, accept: ValidationAcceptor, cancelToken: Cancellation.CancellationToken): MaybePromise<void> => {
            try {
                const result = check.call(thisObj, node, accept, cancelToken);
                if (result instanceof Promise) return result.catch(error => this.report(error, accept, node));
            } catch (error) {
                this.report(error, accept, node);
            }
            return undefined;
        };
    }

    /** The checks of a node type in the given categories (all categories when undefined). */
    checksFor(type: string, categories: ValidationCategory[] | undefined): ValidationCheck[] {
        const key = categories ?? this.allCategories;
        let byType = this.byCategories.get(key);
        if (!byType) this.byCategories.set(key, (byType = new Map()));
        let checks = byType.get(type);
        if (!checks) byType.set(type, (checks = this.getChecks(type, categories).toArray()));
        return checks;
    }

    override register(...args: Parameters<ValidationRegistry['register']>): void {
        super.register(...args);
        this.byCategories = new WeakMap();
    }

    private report(error: unknown, accept: ValidationAcceptor, node: AstNode): void {
        if (isOperationCancelled(error)) throw error;
        console.error('An error occurred during validation:', error);
        const details = error instanceof Error ? error.message : String(error);
        accept('error', `An error occurred during validation: ${details}`, { node });
    }
}

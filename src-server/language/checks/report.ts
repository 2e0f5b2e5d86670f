import type { AstNode, DiagnosticInfo, ValidationAcceptor } from 'langium';
import { CHECKS, checkCode, type CheckName } from './codes.js';

/** Report a named check with the severity and stable code the registry in codes.ts gives it. */
export function report<N extends AstNode>(
    accept: ValidationAcceptor,
    check: CheckName,
    message: string,
    info: Omit<DiagnosticInfo<N>, 'code'>,
): void {
    accept(CHECKS[check].severity, message, { ...info, code: checkCode(check) } as DiagnosticInfo<N>);
}

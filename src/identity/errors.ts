/**
 * What went wrong, in categories every edge knows how to present: an HTTP status, a SCIM error, a page message,
 * a CLI exit code. The code is stable and machine-readable; the message is safe to show to the caller.
 */
export type ErrorKind = 'not_found' | 'conflict' | 'invalid' | 'forbidden' | 'precondition_failed' | 'unauthenticated' | 'too_many' | 'gone';

export interface DomainErrorOptions {
  /** The input field the error is about, when there is one. */
  field?: string;
  /** Extra public facts (never secrets). */
  details?: Record<string, unknown>;
  cause?: unknown;
}

export class DomainError extends Error {
  readonly field?: string;
  readonly details?: Record<string, unknown>;

  constructor(
    readonly kind: ErrorKind,
    readonly code: string,
    message: string,
    options: DomainErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'DomainError';
    if (options.field !== undefined) this.field = options.field;
    if (options.details !== undefined) this.details = options.details;
  }
}

export const notFound = (what: string, code = `${what}.not_found`) => new DomainError('not_found', code, `${capitalise(what)} not found.`);
export const invalid = (code: string, message: string, field?: string) => new DomainError('invalid', code, message, field === undefined ? {} : { field });
export const conflict = (code: string, message: string, field?: string) => new DomainError('conflict', code, message, field === undefined ? {} : { field });
export const forbidden = (code: string, message: string) => new DomainError('forbidden', code, message);

export function isDomainError(error: unknown): error is DomainError {
  return error instanceof DomainError;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1).replace(/_/g, ' ');
}

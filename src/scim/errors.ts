import SCIMMY from 'scimmy';
import { isDomainError, type DomainError } from '../identity/errors.js';
import type { Logger } from '../lib/logger.js';
import { ScimProblem, type ScimType } from './problem.js';

/**
 * The one place where errors become SCIM errors (RFC 7644 §3.12): domain errors by kind and code, the adapter's own
 * protocol problems as they are, anything else a 500 whose detail goes to the log only. Every status and scimType
 * produced here is one scimmy's error formatter accepts (it crashes on others, e.g. 429 or 400 tooMany).
 */
export interface ErrorContext {
  logger: Logger;
  requestId: string;
}

const SCIM_TYPE_BY_CODE: Array<[RegExp, ScimType]> = [
  [/^search\.unsortable$/, 'invalidValue'],
  [/^search\./, 'invalidFilter'],
  [/\.role_immutable$/, 'mutability'],
];

export function domainErrorStatus(error: DomainError): { status: number; scimType?: ScimType } {
  switch (error.kind) {
    case 'not_found':
    case 'gone':
      return { status: 404 };
    case 'conflict':
      return /(_taken|\.exists)$/.test(error.code) ? { status: 409, scimType: 'uniqueness' } : { status: 409 };
    case 'invalid':
    case 'too_many':
      return { status: 400, scimType: SCIM_TYPE_BY_CODE.find(([pattern]) => pattern.test(error.code))?.[1] ?? 'invalidValue' };
    case 'forbidden':
      return { status: 403 };
    case 'precondition_failed':
      return { status: 412 };
    case 'unauthenticated':
      return { status: 401 };
  }
}

/** The scimType keywords scimmy's error formatter accepts with each status (it answers 500 for any other pair). */
const FORMATTER_TYPES: Record<number, readonly string[]> = {
  400: ['invalidFilter', 'mutability', 'invalidSyntax', 'invalidPath', 'noTarget', 'invalidValue', 'invalidVers', 'sensitive'],
  409: ['uniqueness'],
  413: ['tooMany'],
};

function scimError(status: number, scimType: ScimType | undefined, message: string): InstanceType<typeof SCIMMY.Types.Error> {
  // scimmy 1.3.5 types scimType as string; an empty one is left out of the response.
  return new SCIMMY.Types.Error(status, scimType ?? '', message);
}

/**
 * An error scimmy-routers' formatter can write: a pair it would refuse (400 tooMany, which RFC 7644 allows and the
 * steps answer themselves) keeps its status and becomes invalidValue; the detail still says what was too many.
 */
export function formattable(error: InstanceType<typeof SCIMMY.Types.Error>): InstanceType<typeof SCIMMY.Types.Error> {
  const { status, scimType, message } = error as unknown as { status: number; scimType?: string; message: string };
  if (!scimType || FORMATTER_TYPES[status]?.includes(scimType)) return error;
  return new SCIMMY.Types.Error(status, status === 400 ? 'invalidValue' : '', message);
}

/** The detail of a 500: nothing about the failure, and the request id to quote (the logs hold the rest). */
export function internalErrorDetail(requestId: string): string {
  return `Something went wrong on our side. Quote the request id ${requestId} when reporting it.`;
}

export function toScimError(error: unknown, context: ErrorContext): InstanceType<typeof SCIMMY.Types.Error> {
  if (error instanceof SCIMMY.Types.Error) return error;
  if (error instanceof ScimProblem) return scimError(error.status, error.scimType, error.message);
  if (isDomainError(error)) {
    const { status, scimType } = domainErrorStatus(error);
    return scimError(status, scimType, error.message);
  }
  context.logger.error({ err: error, requestId: context.requestId }, 'SCIM request failed');
  return scimError(500, undefined, internalErrorDetail(context.requestId));
}

/** Runs a resource handler and rethrows whatever it throws as a SCIM error (scimmy would turn most into 404s). */
export async function scimGuard<T>(context: ErrorContext, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw formattable(toScimError(error, context));
  }
}

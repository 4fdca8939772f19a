/** The scimType keywords of RFC 7644 §3.12 that idbridge answers with. */
export type ScimType =
  | 'invalidFilter'
  | 'invalidSyntax'
  | 'invalidValue'
  | 'invalidPath'
  | 'noTarget'
  | 'mutability'
  | 'uniqueness'
  | 'tooMany';

/**
 * A SCIM protocol problem found by the adapter itself (a bad filter, path or body), with the status and scimType the
 * client gets. Domain errors stay DomainErrors; `toScimError` (errors.ts) maps both in one place.
 */
export class ScimProblem extends Error {
  constructor(
    readonly status: number,
    readonly scimType: ScimType | undefined,
    message: string,
  ) {
    super(message);
    this.name = 'ScimProblem';
  }
}

export const badRequest = (scimType: ScimType, message: string) => new ScimProblem(400, scimType, message);

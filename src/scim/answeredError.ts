import type { ServerResponse } from 'node:http';

/** The SCIM error a response carried (its scimType and detail), as the client received it. */
export interface AnsweredError {
  scimType: string | undefined;
  detail: string | undefined;
}

const answered = new WeakMap<ServerResponse, AnsweredError>();

/** Remembers the error a response is answering with (sendScimError, sendScimJson): the provisioning health keeps it. */
export function noteAnsweredError(res: ServerResponse, body: unknown): void {
  if (!body || typeof body !== 'object') return;
  const { scimType, detail } = body as { scimType?: unknown; detail?: unknown };
  answered.set(res, { scimType: typeof scimType === 'string' && scimType ? scimType : undefined, detail: typeof detail === 'string' ? detail : undefined });
}

export function answeredErrorOf(res: ServerResponse): AnsweredError | undefined {
  return answered.get(res);
}

import type { RawParams } from '../listQuery.js';

/**
 * scimmy-routers constructs resources as `new Resource(query)` or `new Resource(id, query)`, and SearchRequest as
 * `new Resource({...body})`. The parameters are kept raw: scimmy's constructor would parse `filter` with its own
 * parser (wrong for `not (…)`, no escaped quotes) and build `id eq "<id>"` filters from URL ids (an injection path).
 */
export function splitResourceArgs(id: unknown, params: unknown): { id: string | undefined; params: RawParams } {
  const hasId = typeof id === 'string';
  const raw = (hasId || params !== undefined ? params : id) ?? {};
  return { id: hasId ? id : undefined, params: typeof raw === 'object' && !Array.isArray(raw) ? (raw as RawParams) : {} };
}

import { parseAttributeList, type Projection } from './mapping/projection.js';
import { badRequest } from './problem.js';

/** The query of a list or a search (GET parameters or a SearchRequest body), checked and with the page clamped. */
export interface ListQuery {
  filter?: string;
  sortBy?: string;
  sortOrder?: string;
  startIndex: number;
  count: number;
  projection: Projection;
}

export type RawParams = Record<string, unknown>;

/** The largest startIndex or count looked at: beyond it a page is empty anyway, and databases refuse such offsets. */
const LARGEST = 2_147_483_647;

function integer(params: RawParams, name: string): number | undefined {
  const value = params[name];
  if (value === undefined) return undefined;
  const number = typeof value === 'number' ? value : typeof value === 'string' && /^-?\d{1,30}$/.test(value.trim()) ? Number(value) : Number.NaN;
  if (!Number.isInteger(number)) throw badRequest('invalidValue', `${name} must be an integer, not ${JSON.stringify(value)}.`);
  return Math.max(-LARGEST, Math.min(LARGEST, number));
}

function optionalText(params: RawParams, name: string): string | undefined {
  const value = params[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw badRequest('invalidValue', `${name} must be given once, as text.`);
  return value;
}

/** The projection (attributes / excludedAttributes) of any request, single resources included. */
export function readProjection(params: RawParams): Projection {
  const attributes = parseAttributeList(params.attributes);
  const excludedAttributes = parseAttributeList(params.excludedAttributes);
  return { ...(attributes ? { attributes } : {}), ...(!attributes && excludedAttributes ? { excludedAttributes } : {}) };
}

/**
 * RFC 7644 §3.4.2.4: startIndex below 1 is 1; a negative count is 0; no count means the largest page, and a larger
 * count is clamped to the advertised maxResults.
 */
export function readListQuery(params: RawParams, maxResults: number): ListQuery {
  const startIndex = Math.max(1, integer(params, 'startIndex') ?? 1);
  const count = Math.min(maxResults, Math.max(0, integer(params, 'count') ?? maxResults));
  const filter = optionalText(params, 'filter');
  const sortBy = optionalText(params, 'sortBy');
  const sortOrder = optionalText(params, 'sortOrder');
  return {
    ...(filter !== undefined ? { filter } : {}),
    ...(sortBy !== undefined ? { sortBy } : {}),
    ...(sortOrder !== undefined ? { sortOrder } : {}),
    startIndex,
    count,
    projection: readProjection(params),
  };
}

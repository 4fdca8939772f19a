import { ScimProblem } from '../problem.js';

/** The entity tag of a resource version: weak, since equal versions mean equal resources, not equal bytes. */
export function etagOf(version: number): string {
  return `W/"${version}"`;
}

/**
 * The version an If-Match header asks for: `W/"3"` or `"3"` → 3; absent or `*` → undefined (any version). A header
 * that names no entity tag at all (empty, `,,,`) is malformed: 400, never "no condition". A tag that is not one of ours
 * can never match, so the request fails with 412 as RFC 7232 says.
 */
export function expectedVersion(ifMatch: string | undefined): number | undefined {
  if (ifMatch === undefined) return undefined;
  const tags = ifMatch.split(',').map((tag) => tag.trim()).filter(Boolean);
  if (tags.length === 0) throw new ScimProblem(400, 'invalidValue', `If-Match ${JSON.stringify(ifMatch)} names no entity tag; send "*" or the resource's ETag, such as W/"3".`);
  if (tags.includes('*')) return undefined;
  const versions = tags.map((tag) => /^(?:W\/)?"(\d{1,9})"$/.exec(tag)?.[1]).filter((v): v is string => v !== undefined);
  if (versions.length !== 1) throw new ScimProblem(412, undefined, `If-Match ${JSON.stringify(ifMatch)} does not name one version of this resource; read it again for its ETag.`);
  return Number(versions[0]);
}

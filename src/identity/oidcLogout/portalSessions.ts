/**
 * What oidc-provider's stored artefacts (oidc_payloads: sessions, grants, codes, tokens) say about the portals a user
 * is signed in to. Pure: no database.
 */

/** A portal application's hold on a user: the client, and the session id (sid) oidc-provider gave it, when known. */
export interface PortalSession {
  clientId: string;
  sid: string | null;
}

/** One stored artefact, as oidc_payloads holds it. */
export interface PayloadRow {
  model: string;
  payload: string;
}

type Authorizations = Record<string, { sid?: unknown; grantId?: unknown; persistsLogout?: unknown } | undefined>;

function parse(row: PayloadRow): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(row.payload);
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function authorizationsOf(payload: Record<string, unknown>): Authorizations {
  const value = payload.authorizations;
  return value && typeof value === 'object' ? (value as Authorizations) : {};
}

/**
 * The portals the artefacts belong to: each client a session authorized (with the sid it was given there), and the
 * client of every grant, code and token (with the sid the token carries, when the client asked for sids).
 */
export function portalSessionsIn(rows: readonly PayloadRow[]): PortalSession[] {
  const held: PortalSession[] = [];
  for (const row of rows) {
    const payload = parse(row);
    if (!payload) continue;
    if (row.model === 'Session') {
      for (const [clientId, authorization] of Object.entries(authorizationsOf(payload))) {
        held.push({ clientId, sid: typeof authorization?.sid === 'string' ? authorization.sid : null });
      }
    } else if (typeof payload.clientId === 'string') {
      held.push({ clientId: payload.clientId, sid: typeof payload.sid === 'string' ? payload.sid : null });
    }
  }
  return held;
}

/**
 * The grants that end with these sessions: those not kept by offline_access, as oidc-provider's own end_session
 * decides (a portal that asked for offline access keeps its refresh token after the user signs out).
 */
export function grantsEndingWith(sessions: readonly PayloadRow[]): string[] {
  const grants = new Set<string>();
  for (const row of sessions) {
    const payload = parse(row);
    if (!payload) continue;
    for (const authorization of Object.values(authorizationsOf(payload))) {
      if (typeof authorization?.grantId === 'string' && authorization.persistsLogout !== true) grants.add(authorization.grantId);
    }
  }
  return [...grants];
}

import { readDate } from '../../db/rows.js';
import { HOUR, MINUTE } from '../../lib/clock.js';
import type { DomainContext } from '../context.js';
import { findDirectory } from '../directories.js';
import { authorize } from '../policy/index.js';
import type { Principal } from '../principal.js';
import { ERRORS_KEPT, flushProvisioningHealth } from './recorder.js';

/** Requests of one kind of answer: every success together; errors by status and scimType. */
export interface ScimAnswerCount {
  kind: '2xx' | '3xx' | '4xx' | '5xx';
  /** null for 2xx and 3xx (added up). */
  status: number | null;
  scimType: string | null;
  count: number;
}

/** An error as the IdP received it (what its provisioning log shows, from our side). */
export interface ScimErrorView {
  at: string;
  method: string;
  /** The path, and the names of the query's parameters without their values. */
  path: string;
  status: number;
  scimType: string | null;
  detail: string | null;
}

export interface ProvisioningHealthView {
  directory: { id: string; name: string; kind: 'local' | 'sso' };
  /** When the IdP last called SCIM (any answer), as far as the instances have reported it; null: never. */
  lastRequestAt: string | null;
  /** The counts cover whole hours: from the start of the hour 24 hours ago until now. */
  window: { from: string; to: string };
  requests: { total: number; failed: number; byKind: ScimAnswerCount[] };
  /** The last errors, newest first. */
  recentErrors: ScimErrorView[];
  expectedCycleMinutes: number;
  /** Set when the directory has an active SCIM token and its IdP has not called for longer than its usual cycle. */
  warning: { code: 'scim.no_recent_requests'; quietMinutes: number; message: string } | null;
}

function kindOf(status: number): ScimAnswerCount['kind'] {
  return status >= 500 ? '5xx' : status >= 400 ? '4xx' : status >= 300 ? '3xx' : '2xx';
}

const KIND_ORDER: Record<ScimAnswerCount['kind'], number> = { '2xx': 0, '3xx': 1, '4xx': 2, '5xx': 3 };

/**
 * The provisioning health of a directory (who may see directories may see it): when its IdP last called SCIM, its
 * requests in the last 24 hours by answer, its last errors with their SCIM detail, and a warning when an SSO
 * directory with an active SCIM token has had no request for longer than the IdP's usual cycle
 * (settings.scim.expectedCycleMinutes).
 */
export async function getProvisioningHealth(ctx: DomainContext, principal: Principal, directoryIdOrName: string): Promise<ProvisioningHealthView> {
  await authorize(ctx, principal, 'directory.read', { type: 'platform' });
  const directory = await findDirectory(ctx, directoryIdOrName);
  // What this instance counted and has not written yet.
  await flushProvisioningHealth(ctx);
  const now = ctx.clock.now();
  const from = new Date(Math.floor((now.getTime() - 24 * HOUR) / HOUR) * HOUR);
  const [activity, counts, errors, tokens] = await Promise.all([
    ctx.db.rows<{ at: unknown }>('SELECT last_request_at AS at FROM scim_directory_activity WHERE directory_id = ?', [directory.id]),
    ctx.db.rows<{ status: number | string; scimType: string; count: number | string }>(
      'SELECT status, scim_type AS "scimType", SUM(count) AS count FROM scim_request_counts WHERE directory_id = ? AND hour_start >= ? GROUP BY status, scim_type',
      [directory.id, from],
    ),
    ctx.db.rows<{ at: unknown; method: string; path: string; status: number | string; scimType: string | null; detail: string | null }>(
      `SELECT occurred_at AS at, method, path, status, scim_type AS "scimType", detail FROM scim_request_errors WHERE directory_id = ? ORDER BY occurred_at DESC, id DESC LIMIT ${ERRORS_KEPT}`,
      [directory.id],
    ),
    ctx.db.rows<{ since: unknown }>('SELECT MIN(created_at) AS since FROM scim_tokens WHERE directory_id = ? AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ?)', [directory.id, now]),
  ]);
  const lastRequestAt = readDate(activity[0]?.at);

  const byKey = new Map<string, ScimAnswerCount>();
  for (const row of counts) {
    const status = Number(row.status);
    const kind = kindOf(status);
    const grouped = kind === '2xx' || kind === '3xx';
    const key = grouped ? kind : `${status}|${row.scimType}`;
    const entry = byKey.get(key) ?? { kind, status: grouped ? null : status, scimType: grouped ? null : row.scimType || null, count: 0 };
    entry.count += Number(row.count);
    byKey.set(key, entry);
  }
  const byKind = [...byKey.values()].sort((a, b) => KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || b.count - a.count || (a.status ?? 0) - (b.status ?? 0));
  const total = byKind.reduce((sum, c) => sum + c.count, 0);
  const failed = byKind.filter((c) => c.kind === '4xx' || c.kind === '5xx').reduce((sum, c) => sum + c.count, 0);

  const cycle = ctx.settings.scim.expectedCycleMinutes;
  const tokenSince = readDate(tokens[0]?.since);
  let warning: ProvisioningHealthView['warning'] = null;
  if (directory.kind === 'sso' && tokenSince) {
    // Quiet since the last request, or since the oldest active token was made (its IdP could not call before).
    const quietSince = Math.max(lastRequestAt?.getTime() ?? 0, tokenSince.getTime());
    const quietMinutes = Math.floor((now.getTime() - quietSince) / MINUTE);
    if (quietMinutes > cycle) {
      warning = {
        code: 'scim.no_recent_requests',
        quietMinutes,
        message: lastRequestAt
          ? `No SCIM request from this directory's IdP for ${quietMinutes} minutes (it usually calls every ${cycle}): check its provisioning job (running, not quarantined, with a valid token).`
          : `This directory's IdP has not called SCIM since its token was created ${quietMinutes} minutes ago (it usually calls every ${cycle}): check its provisioning job (running, not quarantined, with a valid token).`,
      };
    }
  }

  return {
    directory: { id: directory.id, name: directory.name, kind: directory.kind },
    lastRequestAt: lastRequestAt?.toISOString() ?? null,
    window: { from: from.toISOString(), to: now.toISOString() },
    requests: { total, failed, byKind },
    recentErrors: errors.map((e) => ({ at: readDate(e.at)!.toISOString(), method: e.method, path: e.path, status: Number(e.status), scimType: e.scimType, detail: e.detail })),
    expectedCycleMinutes: cycle,
    warning,
  };
}

import type { Transaction } from 'sequelize';
import { DAY, HOUR } from '../../lib/clock.js';
import type { DomainContext } from '../context.js';

/**
 * What each SSO directory's IdP asked of SCIM, kept for its provisioning health: every request answered is counted in
 * this process's memory (per directory, hour and answer), with the directory's last request time and its last errors
 * as they were answered; a job adds them to the shared tables every few seconds (settings.scim.healthFlushSeconds),
 * so that a SCIM request never waits for it, and several instances add up.
 */

/** One SCIM answer, as the SCIM pipeline saw it go out (only requests of an authenticated token: it names the directory). */
export interface ScimAnswer {
  directoryId: string;
  method: string;
  /** The path, and the names of the query's parameters without their values (`/scim/v2/Users?filter`). */
  path: string;
  status: number;
  /** For an error: its scimType and detail, as the IdP received them. */
  scimType?: string | undefined;
  detail?: string | undefined;
}

/** The errors kept per directory (the table is trimmed to as many). */
export const ERRORS_KEPT = 20;

/** How long hourly counts are kept (the health shows the last 24 hours). */
const COUNTS_KEPT_MS = 8 * DAY;

/** How often old counts and the rows of deleted directories are swept (by whichever flush comes first after it). */
const SWEEP_EVERY_MS = HOUR;

const MAX_PATH = 300;
const MAX_DETAIL = 1000;
const MAX_SCIM_TYPE = 32;

interface Count {
  directoryId: string;
  hourStart: number;
  status: number;
  scimType: string;
  count: number;
}

interface KeptError {
  directoryId: string;
  at: number;
  method: string;
  path: string;
  status: number;
  scimType: string | null;
  detail: string | null;
}

interface Pending {
  counts: Map<string, Count>;
  lastRequest: Map<string, number>;
  errors: Map<string, KeptError[]>;
}

const emptyPending = (): Pending => ({ counts: new Map(), lastRequest: new Map(), errors: new Map() });

/** This process's recorder, per database (tests open several). */
class Recorder {
  #pending = emptyPending();
  #flushing: Promise<void> | undefined;
  #sweptAt = 0;

  constructor(private readonly ctx: DomainContext) {}

  record(answer: ScimAnswer): void {
    const at = this.ctx.clock.now().getTime();
    const hourStart = at - (at % HOUR);
    const scimType = answer.status >= 400 ? (answer.scimType ?? '').slice(0, MAX_SCIM_TYPE) : '';
    const key = `${answer.directoryId}|${hourStart}|${answer.status}|${scimType}`;
    const { counts, lastRequest, errors } = this.#pending;
    const count = counts.get(key);
    if (count) count.count += 1;
    else counts.set(key, { directoryId: answer.directoryId, hourStart, status: answer.status, scimType, count: 1 });
    if ((lastRequest.get(answer.directoryId) ?? 0) < at) lastRequest.set(answer.directoryId, at);
    if (answer.status < 400) return;
    let list = errors.get(answer.directoryId);
    if (!list) errors.set(answer.directoryId, (list = []));
    list.push({
      directoryId: answer.directoryId,
      at,
      method: answer.method.slice(0, 10),
      path: answer.path.slice(0, MAX_PATH),
      status: answer.status,
      scimType: scimType || null,
      detail: answer.detail ? answer.detail.slice(0, MAX_DETAIL) : null,
    });
    if (list.length > ERRORS_KEPT) list.shift();
  }

  /** Writes what was counted since the last flush; one flush at a time. */
  flush(): Promise<void> {
    this.#flushing ??= this.#flush().finally(() => {
      this.#flushing = undefined;
    });
    return this.#flushing;
  }

  async #flush(): Promise<void> {
    const taken = this.#pending;
    this.#pending = emptyPending();
    // Nothing counted, nothing to write (a CLI command or an instance without SCIM traffic touches no table); the
    // sweep rides along with writes, at most hourly.
    if (taken.counts.size === 0) return;
    const now = this.ctx.clock.now().getTime();
    const sweep = now - this.#sweptAt >= SWEEP_EVERY_MS;
    try {
      await this.ctx.db.tx(async (t) => {
        await this.#write(t, taken);
        if (sweep) await this.#sweep(t, now);
      });
      if (sweep) this.#sweptAt = now;
    } catch (error) {
      this.#restore(taken);
      throw error;
    }
  }

  async #write(t: Transaction, taken: Pending): Promise<void> {
    const { db } = this.ctx;
    // In key order: two instances adding to the same rows lock them in the same order (no deadlock on PostgreSQL).
    const counts = [...taken.counts.values()].sort((a, b) => a.directoryId.localeCompare(b.directoryId) || a.hourStart - b.hourStart || a.status - b.status || a.scimType.localeCompare(b.scimType));
    for (let i = 0; i < counts.length; i += 200) {
      const part = counts.slice(i, i + 200);
      await db.execute(
        `INSERT INTO scim_request_counts (directory_id, hour_start, status, scim_type, count) VALUES ${part.map(() => '(?, ?, ?, ?, ?)').join(', ')}
         ON CONFLICT (directory_id, hour_start, status, scim_type) DO UPDATE SET count = scim_request_counts.count + excluded.count`,
        part.flatMap((c) => [c.directoryId, new Date(c.hourStart), c.status, c.scimType, c.count]),
        t,
      );
    }
    const last = [...taken.lastRequest.entries()].sort(([a], [b]) => a.localeCompare(b));
    await db.execute(
      `INSERT INTO scim_directory_activity (directory_id, last_request_at) VALUES ${last.map(() => '(?, ?)').join(', ')}
       ON CONFLICT (directory_id) DO UPDATE SET last_request_at = CASE WHEN excluded.last_request_at > scim_directory_activity.last_request_at THEN excluded.last_request_at ELSE scim_directory_activity.last_request_at END`,
      last.flatMap(([directoryId, at]) => [directoryId, new Date(at)]),
      t,
    );
    const errors = [...taken.errors.values()].flat();
    if (errors.length === 0) return;
    await db.execute(
      `INSERT INTO scim_request_errors (directory_id, occurred_at, method, path, status, scim_type, detail) VALUES ${errors.map(() => '(?, ?, ?, ?, ?, ?, ?)').join(', ')}`,
      errors.flatMap((e) => [e.directoryId, new Date(e.at), e.method, e.path, e.status, e.scimType, e.detail]),
      t,
    );
    for (const directoryId of [...taken.errors.keys()].sort()) {
      await db.execute(
        `DELETE FROM scim_request_errors WHERE directory_id = ? AND id NOT IN
           (SELECT id FROM scim_request_errors WHERE directory_id = ? ORDER BY occurred_at DESC, id DESC LIMIT ${ERRORS_KEPT})`,
        [directoryId, directoryId],
        t,
      );
    }
  }

  async #sweep(t: Transaction, now: number): Promise<void> {
    const { db } = this.ctx;
    await db.execute('DELETE FROM scim_request_counts WHERE hour_start < ?', [new Date(now - COUNTS_KEPT_MS)], t);
    for (const table of ['scim_request_counts', 'scim_request_errors', 'scim_directory_activity']) {
      await db.execute(`DELETE FROM ${table} WHERE directory_id NOT IN (SELECT id FROM directories)`, [], t);
    }
  }

  /** A failed flush's counts come back, to be written by the next one. */
  #restore(taken: Pending): void {
    const pending = this.#pending;
    for (const [key, count] of taken.counts) {
      const newer = pending.counts.get(key);
      if (newer) newer.count += count.count;
      else pending.counts.set(key, count);
    }
    for (const [directoryId, at] of taken.lastRequest) if ((pending.lastRequest.get(directoryId) ?? 0) < at) pending.lastRequest.set(directoryId, at);
    for (const [directoryId, list] of taken.errors) pending.errors.set(directoryId, [...list, ...(pending.errors.get(directoryId) ?? [])].slice(-ERRORS_KEPT));
  }
}

const recorders = new WeakMap<object, Recorder>();

function recorderOf(ctx: DomainContext): Recorder {
  let recorder = recorders.get(ctx.db);
  if (!recorder) recorders.set(ctx.db, (recorder = new Recorder(ctx)));
  return recorder;
}

/** Counts one SCIM answer (in memory: no I/O). */
export function recordScimAnswer(ctx: DomainContext, answer: ScimAnswer): void {
  recorderOf(ctx).record(answer);
}

/** Adds this process's counts to the shared tables (the job every settings.scim.healthFlushSeconds, and at shutdown). */
export function flushProvisioningHealth(ctx: DomainContext): Promise<void> {
  return recorderOf(ctx).flush();
}

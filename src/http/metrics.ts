import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { DomainMetrics, SignInOutcome } from '../identity/metrics.js';

/** What the metrics read at scrape time (the composition root wires them to the database). */
export interface MetricSources {
  /** The mail outbox: messages not yet sent, and the age of the oldest. */
  outboxBacklog(): Promise<{ pending: number; oldestAgeSeconds: number }>;
  /** The database's connections (see Database.poolStats). */
  pool(): { size: number; available: number; using: number; waiting: number; max: number };
}

/** A response's status, or `aborted` for a request whose connection closed before its answer was sent. */
export type ResponseStatus = number | 'aborted';

/** What the HTTP edges record of each request. */
export interface HttpMetrics {
  /** One request: its method, its route pattern (never its path), its status and its duration. */
  request(method: string | undefined, route: string, status: ResponseStatus, seconds: number): void;
  /** One SCIM request of a directory (its name: configuration, bounded by the number of directories). */
  scimRequest(directory: string, resourceType: string, method: string | undefined, status: ResponseStatus): void;
}

/** Counts nothing (a SCIM server built without metrics, in tests). */
export const NO_HTTP_METRICS: HttpMetrics = { request() {}, scimRequest() {} };

export interface AppMetrics extends DomainMetrics, HttpMetrics {
  /** The Content-Type of the exposition (the Prometheus text format). */
  readonly contentType: string;
  /** idbridge's metrics and the process's, in the Prometheus text format. */
  scrape(): Promise<string>;
}

/** Seconds; SCIM reads take about a millisecond, a sign-in about 0.4 s (argon2id and the answer's floor). */
const DURATION_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Methods are labels: anything but the usual ones is `other` (node:http admits some thirty). */
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

function methodLabel(method: string | undefined): string {
  return method && METHODS.has(method) ? method : 'other';
}

function statusClass(status: ResponseStatus): string {
  return status === 'aborted' ? status : `${Math.floor(status / 100)}xx`;
}

function scimOutcome(status: ResponseStatus): string {
  if (status === 'aborted') return status;
  return status >= 500 ? 'server_error' : status >= 400 ? 'client_error' : 'success';
}

let processMetricsRegistry: Registry | undefined;

/**
 * The process's own metrics (CPU, memory, event loop lag, GC: prom-client's defaults), collected once per process into
 * a registry of their own: every application instance in the process shows the same ones.
 */
function processMetrics(): Registry {
  if (!processMetricsRegistry) {
    processMetricsRegistry = new Registry();
    collectDefaultMetrics({ register: processMetricsRegistry });
  }
  return processMetricsRegistry;
}

/**
 * The metrics of one application instance, in a registry of its own (never prom-client's global one), so that several
 * instances in one process (the tests) never count into each other. Labels hold only closed sets of words, route
 * patterns and directory names: never a user, an address, an id or a path.
 */
export function createMetrics(sources: MetricSources): AppMetrics {
  const registry = new Registry();
  const registers = [registry];
  // At once: the process's CPU counters count from their registration.
  const processRegistry = processMetrics();

  const httpRequests = new Counter({ name: 'idbridge_http_requests_total', help: 'HTTP requests answered, by method, route pattern and status (aborted: the client left first).', labelNames: ['method', 'route', 'status'] as const, registers });
  const httpDuration = new Histogram({ name: 'idbridge_http_request_duration_seconds', help: 'Time from a request\'s arrival to the end of its answer, by method, route pattern and status class.', labelNames: ['method', 'route', 'status_class'] as const, buckets: DURATION_BUCKETS, registers });
  const scimRequests = new Counter({ name: 'idbridge_scim_requests_total', help: 'SCIM requests, by directory, resource type, method and outcome (success, client_error, server_error, aborted).', labelNames: ['directory', 'resource_type', 'method', 'outcome'] as const, registers });
  const signIns = new Counter({ name: 'idbridge_sign_ins_total', help: 'Sign-in attempts decided, by method (password, totp, recovery_code, saml; a completed sign-in names all it used, e.g. password+totp) and outcome.', labelNames: ['method', 'outcome'] as const, registers });
  const lockouts = new Counter({ name: 'idbridge_lockouts_total', help: 'Accounts locked after too many failed sign-ins.', registers });
  const mailSent = new Counter({ name: 'idbridge_mail_sent_total', help: 'Emails handed to the SMTP server (or written to files).', registers });
  const mailFailures = new Counter({ name: 'idbridge_mail_failures_total', help: 'Failed attempts to send an email, by what follows (retry, abandoned).', labelNames: ['outcome'] as const, registers });

  // The outbox is read once per scrape, by whichever of its two gauges asks first.
  let backlog: Promise<{ pending: number; oldestAgeSeconds: number } | undefined> | undefined;
  const readBacklog = () =>
    (backlog ??= sources
      .outboxBacklog()
      .catch(() => undefined)
      .finally(() => (backlog = undefined)));
  new Gauge({
    name: 'idbridge_mail_outbox_pending',
    help: 'Emails waiting in the outbox (queued or being sent), for all instances; NaN when the database does not answer.',
    registers,
    async collect() {
      this.set((await readBacklog())?.pending ?? NaN);
    },
  });
  new Gauge({
    name: 'idbridge_mail_outbox_oldest_age_seconds',
    help: 'How long the oldest email still in the outbox has waited (0 when it is empty).',
    registers,
    async collect() {
      this.set((await readBacklog())?.oldestAgeSeconds ?? NaN);
    },
  });

  const poolGauge = (field: 'size' | 'available' | 'using' | 'waiting' | 'max', name: string, help: string) =>
    new Gauge({
      name,
      help,
      registers,
      collect() {
        this.set(sources.pool()[field]);
      },
    });
  poolGauge('size', 'idbridge_db_pool_size', 'Database connections open in this instance (SQLite: its one write slot).');
  poolGauge('available', 'idbridge_db_pool_available', 'Open database connections idle.');
  poolGauge('using', 'idbridge_db_pool_using', 'Database connections lent to a query or transaction (SQLite: the write lock is held).');
  poolGauge('waiting', 'idbridge_db_pool_waiting', 'Queries and transactions waiting for a database connection (SQLite: for the write lock).');
  poolGauge('max', 'idbridge_db_pool_max', 'The most database connections this instance opens (DATABASE_POOL_MAX; SQLite: 1).');

  return {
    contentType: registry.contentType,
    async scrape() {
      return Registry.merge([registry, processRegistry]).metrics();
    },
    request(method, route, status, seconds) {
      const m = methodLabel(method);
      httpRequests.inc({ method: m, route, status: String(status) });
      httpDuration.observe({ method: m, route, status_class: statusClass(status) }, seconds);
    },
    scimRequest(directory, resourceType, method, status) {
      scimRequests.inc({ directory, resource_type: resourceType, method: methodLabel(method), outcome: scimOutcome(status) });
    },
    signIn(method: string, outcome: SignInOutcome) {
      signIns.inc({ method, outcome });
    },
    lockout() {
      lockouts.inc();
    },
    mailSent() {
      mailSent.inc();
    },
    mailFailed(abandoned) {
      mailFailures.inc({ outcome: abandoned ? 'abandoned' : 'retry' });
    },
  };
}

import { z } from 'zod';
import { primaryColourProblem } from '../identity/branding/colour.js';
import { flag, integer, setting, type SettingsOf } from './define.js';

/**
 * Every configuration key of idbridge, with its validation, its environment variable and its documentation.
 * The default of each key lives in config/default.json; config/<NODE_ENV>.json and then the environment override it.
 */
export const configSchema = {
  env: setting(z.enum(['development', 'test', 'production']), 'Deployment mode; production refuses development secrets.', { env: 'NODE_ENV' }),
  dataDir: setting(z.string().min(1), 'Directory for the SQLite file, development secrets and mail written to files.', { env: 'DATA_DIR' }),
  server: {
    host: setting(z.string().min(1), 'Interface the HTTP server listens on.', { env: 'HOST' }),
    port: setting(integer(0, 65535), 'TCP port the HTTP server listens on (0 picks a free one).', { env: 'PORT' }),
    publicUrl: setting(z.union([z.literal(''), z.url({ protocol: /^https?$/ })]), 'Base URL used in links, SAML metadata and the OIDC issuer; empty means http://HOST:PORT.', { env: 'PUBLIC_URL' }),
    trustProxy: setting(z.union([flag, integer(0, 10)]), 'Trust X-Forwarded-* from this many proxies (true/false or a hop count); set it behind a load balancer.', { env: 'TRUST_PROXY' }),
    shutdownGraceMs: setting(integer(0, 120_000), 'How long a stopping server waits for requests in flight.', { env: 'SHUTDOWN_GRACE_MS' }),
  },
  database: {
    url: setting(z.string(), 'postgres://user@host:5432/db for PostgreSQL; empty uses the SQLite file in dataDir.', { env: 'DATABASE_URL', secret: true }),
    schema: setting(z.string().regex(/^(|[a-z_][a-z0-9_]{0,62})$/, 'lower-case letters, digits and underscores'), 'PostgreSQL schema for idbridge\'s tables; empty uses the database\'s default (public).', { env: 'DATABASE_SCHEMA' }),
    sqliteFile: setting(z.string().min(1), 'File name of the embedded SQLite database inside dataDir.', { env: 'SQLITE_FILE' }),
    poolMax: setting(integer(1, 200), 'Maximum PostgreSQL connections per instance.', { env: 'DATABASE_POOL_MAX' }),
    logQueries: setting(flag, 'Log every SQL statement at debug level (development only).', { env: 'DATABASE_LOG_QUERIES' }),
  },
  secrets: {
    sessionSecret: setting(z.string(), 'Signs session cookies; at least 32 characters. Generated into dataDir outside production.', { env: 'SESSION_SECRET', secret: true }),
    dataEncryptionKey: setting(z.string(), 'AES-256 key (64 hex characters or base64 of 32 bytes) for secrets at rest. Generated into dataDir outside production.', { env: 'DATA_ENCRYPTION_KEY', secret: true }),
  },
  log: {
    level: setting(z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']), 'Lowest level written to the JSON log.', { env: 'LOG_LEVEL' }),
  },
  metrics: {
    token: setting(z.union([z.literal(''), z.string().min(32, 'at least 32 characters (openssl rand -hex 32)')]), 'Bearer token Prometheus presents to GET /metrics (at least 32 characters); empty: /metrics answers 404.', { env: 'METRICS_TOKEN', secret: true }),
  },
  mail: {
    smtpUrl: setting(z.string(), 'smtp://user:pass@host:port (smtps:// for TLS); empty writes each message to dataDir/mail as an .eml file.', { env: 'SMTP_URL', secret: true }),
    from: setting(z.string().min(3), 'The From address of every email.', { env: 'MAIL_FROM' }),
    productName: setting(z.string().trim().min(1).max(100), 'The name people know the service by, used as written in every language: emails name it in their subjects, bodies and signature ("Your Customer Portal account has been set up"), beside the organization they come from.', { env: 'MAIL_PRODUCT_NAME' }),
    sendTimeoutSeconds: setting(integer(1, 600), 'Longest a single email may take to hand to the SMTP server (connection, greeting and each exchange); after it the attempt fails and is retried. An email left "sending" by a stopped instance is retried this long plus 30 s after its attempt began.', { env: 'MAIL_SEND_TIMEOUT_SECONDS' }),
  },
  brand: {
    name: setting(z.string().trim().min(1).max(100), "The platform's name on hosted pages and in emails where no organization's brand applies (an organization's own brand replaces it on its people's pages and emails).", { env: 'IDBRIDGE_BRAND_NAME' }),
    primaryColor: setting(z.string().superRefine((value, issue) => {
      const problem = primaryColourProblem(value.toLowerCase());
      if (problem) issue.addIssue({ code: 'custom', message: problem });
    }), "The platform's primary colour (buttons, links), #rrggbb; it must reach WCAG AA (4.5:1) with white text and on the page background, checked at start.", { env: 'IDBRIDGE_BRAND_COLOR' }),
    senderName: setting(z.string().trim().max(100).regex(/^[^\r\n<>"]*$/, 'must not contain line breaks, < > or "'), "The display name of the emails' sender where no organization's brand applies (empty: the one in MAIL_FROM).", { env: 'IDBRIDGE_BRAND_SENDER_NAME' }),
    logoMaxKiB: setting(integer(1, 2048), 'Largest logo an organization may upload, in KiB.', { env: 'IDBRIDGE_BRAND_LOGO_MAX_KIB' }),
    logoMaxPixels: setting(integer(16, 4096), 'Largest width and height of a logo, in pixels.', { env: 'IDBRIDGE_BRAND_LOGO_MAX_PIXELS' }),
  },
  bootstrap: {
    adminEmail: setting(z.email(), 'Email of the platform administrator created on the first start with an empty database.', { env: 'IDBRIDGE_ADMIN_EMAIL' }),
    adminName: setting(z.string().min(1), 'Display name of that first platform administrator.', { env: 'IDBRIDGE_ADMIN_NAME' }),
  },
  tokens: {
    activationTtlHours: setting(integer(1, 24 * 180), 'Lifetime of an activation ("get started") link, in hours.', { env: 'ACTIVATION_TTL_HOURS' }),
    passwordResetTtlHours: setting(integer(1, 24 * 30), 'Lifetime of a password reset link, in hours; organizations may override it.', { env: 'PASSWORD_RESET_TTL_HOURS' }),
  },
  password: {
    minLength: setting(integer(8, 64), 'Shortest password accepted.', { env: 'PASSWORD_MIN_LENGTH' }),
    maxLength: setting(integer(64, 1024), 'Longest password accepted (never truncated).', { env: 'PASSWORD_MAX_LENGTH' }),
    minStrength: setting(integer(0, 4), 'Lowest zxcvbn strength score (0-4) accepted; the user\'s name, email and organizations count as guessable words.', { env: 'PASSWORD_MIN_STRENGTH' }),
    historyCount: setting(integer(0, 24), 'How many previous passwords may not be reused.', { env: 'PASSWORD_HISTORY_COUNT' }),
    maxAgeDays: setting(integer(0, 3650), 'Days after which a password expires (0: never); organizations may override it.', { env: 'PASSWORD_MAX_AGE_DAYS' }),
    expiryReminderDays: setting(integer(0, 365), 'Days before expiry when a reminder is emailed (0: no reminder).', { env: 'PASSWORD_EXPIRY_REMINDER_DAYS' }),
    argon2MemoryKiB: setting(integer(7168, 1_048_576), 'Argon2id memory cost in KiB (OWASP: 19456 with 2 iterations).', { env: 'ARGON2_MEMORY_KIB' }),
    argon2Iterations: setting(integer(1, 20), 'Argon2id time cost (iterations).', { env: 'ARGON2_ITERATIONS' }),
    argon2Parallelism: setting(integer(1, 16), 'Argon2id parallelism.', { env: 'ARGON2_PARALLELISM' }),
  },
  lockout: {
    threshold: setting(integer(1, 100), 'Failed sign-ins (within the window) that lock an account.', { env: 'LOCKOUT_THRESHOLD' }),
    windowMinutes: setting(integer(1, 1440), 'The window in which failed sign-ins are counted, in minutes.', { env: 'LOCKOUT_WINDOW_MINUTES' }),
    autoUnlockMinutes: setting(integer(0, 10080), 'Minutes after which a locked account unlocks by itself (0: only an administrator or a password reset unlocks it).', { env: 'LOCKOUT_AUTO_UNLOCK_MINUTES' }),
  },
  session: {
    idleMinutes: setting(integer(1, 1440), 'A signed-in session ends after this many minutes without a request.', { env: 'SESSION_IDLE_MINUTES' }),
    absoluteHours: setting(integer(1, 720), 'A session ends this many hours after sign-in, however active.', { env: 'SESSION_ABSOLUTE_HOURS' }),
    pendingMinutes: setting(integer(1, 60), 'Time allowed to finish signing in (second factor, new password).', { env: 'SESSION_PENDING_MINUTES' }),
  },
  mfa: {
    issuer: setting(z.string().min(1).max(64), 'The name authenticator apps show next to the account.', { env: 'MFA_ISSUER' }),
    requiredForPlatformAdmins: setting(flag, 'Platform administrators must use two-step verification, whatever their organizations require.', { env: 'MFA_REQUIRED_FOR_PLATFORM_ADMINS' }),
    recoveryCodeCount: setting(integer(5, 20), 'How many single-use recovery codes a user gets.', { env: 'MFA_RECOVERY_CODES' }),
  },
  rateLimit: {
    signInPerMinute: setting(integer(1, 10_000), 'Sign-in and code attempts per client address per minute (counted in the database, for all instances together).', { env: 'RATE_LIMIT_SIGN_IN_PER_MINUTE' }),
    emailPerHour: setting(integer(1, 10_000), 'Requests that send email (forgot password) per client address per hour (counted in the database, for all instances together).', { env: 'RATE_LIMIT_EMAIL_PER_HOUR' }),
  },
  jobs: {
    expiryReminderIntervalMinutes: setting(integer(1, 1440), 'How often the password expiry reminders are sent.', { env: 'JOB_EXPIRY_REMINDER_MINUTES' }),
    mailPollMs: setting(integer(50, 60_000), 'How often the mail outbox is polled, in milliseconds.', { env: 'MAIL_POLL_MS' }),
    mailMaxAttempts: setting(integer(1, 50), 'Sending attempts before an email is abandoned.', { env: 'MAIL_MAX_ATTEMPTS' }),
    mailBackoffSeconds: setting(integer(1, 3600), 'Wait after the first failed attempt; it doubles with each further one.', { env: 'MAIL_BACKOFF_SECONDS' }),
  },
  events: {
    retentionDays: setting(integer(1, 3650), 'Days an event stays in the outbox and the change feed (GET /api/admin/v1/events); older ones are deleted every hour. A portal that is down longer than this reconciles from the users and groups instead.', { env: 'EVENTS_RETENTION_DAYS' }),
    feedScanPositions: setting(integer(100, 1_000_000), 'The most event positions one page of the change feed looks through: a filter that few events match answers a page with fewer events (or none) and a cursor past what it looked through (has_more says whether to read on), instead of reading the whole outbox in one request.', { env: 'EVENTS_FEED_SCAN_POSITIONS' }),
  },
  webhooks: {
    pollMs: setting(integer(50, 60_000), 'How often each instance looks for new events to fan out into webhook deliveries and for deliveries due, in milliseconds.', { env: 'WEBHOOK_POLL_MS' }),
    timeoutSeconds: setting(integer(1, 60), 'Longest one webhook request may take (connection, request and response); after it the attempt fails and is retried. A delivery claimed by an instance that stopped is retried this long plus webhooks.claimMarginSeconds after its attempt began.', { env: 'WEBHOOK_TIMEOUT_SECONDS' }),
    claimMarginSeconds: setting(integer(1, 600), 'What a claimed delivery waits beyond the request timeout before another instance may send it again (the claim of an instance that stopped, e.g. killed, lapses then): more than the clocks of the instances may differ.', { env: 'WEBHOOK_CLAIM_MARGIN_SECONDS' }),
    retrySchedule: setting(
      z.string().trim().regex(/^\d+[smhd](\s*,\s*\d+[smhd])*$/, 'a comma-separated list of waits such as 5s,5m,30m,2h,5h,10h,10h').transform((text) => text.split(',').map((part) => Number(part.trim().slice(0, -1)) * { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[part.trim().slice(-1) as 's' | 'm' | 'h' | 'd'])),
      'The longest wait before each retry of a failed webhook delivery (each wait is drawn at random between 0 and it: full jitter); after the last, the last wait repeats until retryWindowHours have passed since the first attempt.',
      { env: 'WEBHOOK_RETRY_SCHEDULE' },
    ),
    retryWindowHours: setting(integer(1, 720), 'A failing webhook delivery is retried for at least this many hours after its first attempt; an attempt that fails after it is the last (the delivery is "failed", the subscription flagged and its administrators emailed).', { env: 'WEBHOOK_RETRY_WINDOW_HOURS' }),
    circuitFailures: setting(integer(1, 1000), 'Consecutive failed attempts of one subscription that pause it (its deliveries wait, they do not fail); then one delivery is tried, and success resumes the others.', { env: 'WEBHOOK_CIRCUIT_FAILURES' }),
    circuitPauseSeconds: setting(integer(1, 86_400), 'How long a subscription stays paused after its circuit opens (and again after each failed trial).', { env: 'WEBHOOK_CIRCUIT_PAUSE_SECONDS' }),
    secretGraceHours: setting(integer(0, 720), 'After a signing secret is rotated, how long the previous one still signs (beside the new one), so that receivers can switch.', { env: 'WEBHOOK_SECRET_GRACE_HOURS' }),
    concurrency: setting(integer(1, 100), 'Webhook requests one instance sends at once.', { env: 'WEBHOOK_CONCURRENCY' }),
    batchSize: setting(integer(1, 5000), 'Events fanned out per subscription, and due deliveries taken up, in each round of an instance.', { env: 'WEBHOOK_BATCH_SIZE' }),
    logRetentionDays: setting(integer(1, 3650), 'Days a finished delivery (delivered or failed) stays in the delivery log.', { env: 'WEBHOOK_LOG_RETENTION_DAYS' }),
    allowPrivateNetworks: setting(flag, 'Let webhooks reach private, link-local and reserved addresses (10/8, 172.16/12, 192.168/16, 169.254/16, fc00::/7…), for portals on the internal network. Off: a subscription to such an address is refused, and a host name that resolves to one is not connected to (the check is made on each connection, against DNS rebinding). Loopback is reachable outside production only.', { env: 'WEBHOOK_ALLOW_PRIVATE_NETWORKS' }),
  },
  saml: {
    clockSkewSeconds: setting(integer(0, 300), 'Clock difference tolerated between an IdP and idbridge when checking assertion validity windows.', { env: 'SAML_CLOCK_SKEW_SECONDS' }),
    requestTtlMinutes: setting(integer(1, 60), 'How long an IdP may take to answer an AuthnRequest (the InResponseTo cache keeps its id that long).', { env: 'SAML_REQUEST_TTL_MINUTES' }),
    spPrivateKey: setting(z.string(), 'PEM private key (or a path to a file holding it) signing our AuthnRequests and LogoutRequests; empty: requests go unsigned and sign-out stays local.', { env: 'SAML_SP_PRIVATE_KEY', secret: true }),
    spCertificate: setting(z.string(), 'PEM certificate (or a path to it) matching SAML_SP_PRIVATE_KEY, published in the SP metadata.', { env: 'SAML_SP_CERTIFICATE' }),
    allowedReturnOrigins: setting(z.string(), 'Comma-separated origins (https://portal.example.com) that RelayState may return to, besides idbridge itself.', { env: 'SAML_ALLOWED_RETURN_ORIGINS' }),
  },
  oidc: {
    signingKeys: setting(z.string(), 'JWKS (JSON, or a path to a file holding it) of private signing keys; the first signs, all are published (rotation). Generated into dataDir outside production.', { env: 'OIDC_SIGNING_KEYS', secret: true }),
    accessTokenTtlSeconds: setting(integer(60, 86_400), 'Lifetime of an access token.', { env: 'OIDC_ACCESS_TOKEN_TTL_SECONDS' }),
    idTokenTtlSeconds: setting(integer(60, 86_400), 'Lifetime of an ID token.', { env: 'OIDC_ID_TOKEN_TTL_SECONDS' }),
    refreshTokenTtlDays: setting(integer(1, 365), 'Lifetime of a refresh token (each use replaces it).', { env: 'OIDC_REFRESH_TOKEN_TTL_DAYS' }),
    grantTtlDays: setting(integer(1, 365), 'How long a user\'s grant to a portal lasts before they sign in again.', { env: 'OIDC_GRANT_TTL_DAYS' }),
    backchannelLogoutTimeoutSeconds: setting(integer(1, 60), 'Longest one back-channel logout request to a portal may take; after it the attempt fails and is retried. A logout claimed by an instance that stopped is tried again this long plus 30 s after its attempt began.', { env: 'OIDC_BACKCHANNEL_LOGOUT_TIMEOUT_SECONDS' }),
    backchannelLogoutMaxAttempts: setting(integer(1, 50), 'Attempts to deliver a back-channel logout token before it is abandoned (a portal that answers 400, the token refused, is not retried).', { env: 'OIDC_BACKCHANNEL_LOGOUT_MAX_ATTEMPTS' }),
    backchannelLogoutBackoffSeconds: setting(integer(1, 3600), 'Wait after the first failed back-channel logout attempt; it doubles with each further one (at most an hour), with ±20 % jitter.', { env: 'OIDC_BACKCHANNEL_LOGOUT_BACKOFF_SECONDS' }),
    backchannelLogoutPollMs: setting(integer(50, 60_000), 'How often each instance looks for back-channel logouts to send (and for memberships removed and users deleted in the events), in milliseconds.', { env: 'OIDC_BACKCHANNEL_LOGOUT_POLL_MS' }),
  },
  roles: {
    catalogFile: setting(z.string().min(1), 'JSON file with the roles of each organization kind, highest first (relative to config/).', { env: 'ROLE_CATALOG_FILE' }),
  },
  scim: {
    tokenDefaultExpiresInDays: setting(integer(0, 3650), 'Default lifetime of a new SCIM token in days; 0 means no expiry (Entra ID quarantines jobs whose token expires).', { env: 'SCIM_TOKEN_EXPIRES_IN_DAYS' }),
    tokenCacheSeconds: setting(integer(0, 60), 'Seconds an instance trusts a SCIM token it has verified before asking the database again: a token revoked elsewhere stops working within this time (at once on the instance that revokes it); 0 checks every request.', { env: 'SCIM_TOKEN_CACHE_SECONDS' }),
    maxResults: setting(integer(1, 1000), 'Largest page a SCIM list or search returns (advertised as filter.maxResults); a larger count is clamped to it.', { env: 'SCIM_MAX_RESULTS' }),
    maxBodyBytes: setting(integer(1024, 256 * 1024 * 1024), "Largest body of a SCIM request to /Groups in bytes (50,000 members sent with their display names are about 4 MB); a larger one answers 413. Every other SCIM body is at most 1 MiB (or this, when smaller). Parsing holds the event loop about 10 ms per MB: a larger limit lets one request delay all others longer.", { env: 'SCIM_MAX_BODY_BYTES' }),
    rateLimitPerSecond: setting(integer(1, 1_000_000), 'Sustained SCIM requests per second per token, per instance (token bucket); beyond it 429 with Retry-After.', { env: 'SCIM_RATE_LIMIT_PER_SECOND' }),
    rateLimitBurst: setting(integer(1, 1_000_000), 'Requests a SCIM token may send at once before the per-second rate applies (per instance).', { env: 'SCIM_RATE_LIMIT_BURST' }),
    expectedCycleMinutes: setting(integer(1, 10_080), "How often an SSO directory's IdP is expected to call SCIM (Microsoft Entra ID provisions every 40 minutes): a directory with an active SCIM token and no request for longer shows a warning in its provisioning health.", { env: 'SCIM_EXPECTED_CYCLE_MINUTES' }),
    healthFlushSeconds: setting(integer(1, 300), 'How often each instance adds the SCIM requests it counted (per directory, hour and answer) and the errors it answered to the shared provisioning health tables; requests themselves never wait for it.', { env: 'SCIM_HEALTH_FLUSH_SECONDS' }),
  },
} as const;

export type Settings = SettingsOf<typeof configSchema> & {
  readonly catalog: RoleCatalogConfig;
  readonly configDir: string;
  /** The threads of libuv's pool in this process (UV_THREADPOOL_SIZE, read by load.ts: not a setting of idbridge's). */
  readonly threadpoolSize: number;
};

/** A role: its key, its label (English, and the default in every language), optional labels per language, and whether it manages users. */
const roleSchema = z.object({
  key: z.string().regex(/^[a-z][a-z0-9-]*$/),
  label: z.string(),
  labels: z.object({ en: z.string().min(1).optional(), es: z.string().min(1).optional() }).strict().optional(),
  canManageUsers: z.boolean(),
});

/** The role catalog file: per organization kind, roles from the highest to the lowest. */
export const roleCatalogSchema = z.object({
  utility: z.object({ default: z.string(), roles: z.array(roleSchema).min(1) }),
  customer: z.object({ default: z.string(), roles: z.array(roleSchema).min(1) }),
});

export type RoleCatalogConfig = z.output<typeof roleCatalogSchema>;

import type { UserView } from '../../identity/userView.js';

/** A CSV cell: quoted when needed, and never starting with a formula character (spreadsheet injection). */
export function csvCell(value: unknown): string {
  let text = value === null || value === undefined ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

const COLUMNS: Array<[string, (u: UserView) => unknown]> = [
  ['First name', (u) => u.name.givenName],
  ['Last name', (u) => u.name.familyName],
  ['Username', (u) => u.userName],
  ['Status', (u) => u.status],
  ['Role', (u) => u.memberships.map((m) => `${m.organization.name}: ${m.roleLabel}`).join('; ')],
  ['Email', (u) => u.email],
  ['Phone', (u) => u.phoneNumbers.find((p) => p.primary)?.value ?? ''],
  ['Job title', (u) => u.title],
  ['SDK access', (u) => (u.sdkAccess ? 'yes' : 'no')],
  ['Last sign-in (UTC)', (u) => u.lastSignInAt],
  ['Added (UTC)', (u) => u.createdAt],
  ['Modified (UTC)', (u) => u.updatedAt],
  ['Id', (u) => u.id],
];

export function usersCsv(users: readonly UserView[]): string {
  const lines = [COLUMNS.map(([name]) => csvCell(name)).join(','), ...users.map((u) => COLUMNS.map(([, get]) => csvCell(get(u))).join(','))];
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

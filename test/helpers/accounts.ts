import { createAccount } from '../../src/identity/accounts/create.js';
import { activateAccount } from '../../src/identity/selfService/activation.js';
import { generateSync } from 'otplib';
import { confirmTotpEnrolment, startTotpEnrolment } from '../../src/identity/selfService/enrolment.js';
import type { DomainContext } from '../../src/identity/context.js';
import { selfPrincipal } from '../../src/identity/principal.js';
import { testOperator } from './db.js';
import type { TestMailbox } from './smtp.js';

export const GOOD_PASSWORD = 'glacier tuba orchid 1987';
export const OTHER_PASSWORD = 'marble kettle zephyr 2041';

let n = 0;

/** A local user created the way administrators do, then activated with a password through the emailed token. */
export async function activeLocalUser(ctx: DomainContext, mailbox: TestMailbox, deliver: () => Promise<void>, options: { organizations?: Array<{ organization: string; role: string }>; password?: string; language?: 'en' | 'es' } = {}) {
  n += 1;
  const email = `person${n}.${Date.now()}@example.com`;
  const user = await createAccount(ctx, testOperator, {
    directory: 'local',
    attributes: { userName: email, name: { givenName: `Person${n}`, familyName: 'Tester' }, emails: [{ value: email, primary: true }] },
    memberships: options.organizations ?? [],
  });
  await deliver();
  const token = new URL(mailbox.last(email).link as string).searchParams.get('token') as string;
  await activateAccount(ctx, { token, password: options.password ?? GOOD_PASSWORD, language: options.language ?? 'en' });
  return { ...user, email, password: options.password ?? GOOD_PASSWORD };
}

/** Enrols TOTP for a user; returns the secret so that tests can compute codes. */
export async function enrolTotp(ctx: DomainContext, userId: string): Promise<{ secret: string; recoveryCodes: string[] }> {
  const { secret } = await startTotpEnrolment(ctx, selfPrincipal(userId));
  const codes = await confirmTotpEnrolment(ctx, selfPrincipal(userId), totpCode(secret, ctx.clock.now()));
  if (!codes) throw new Error('enrolment failed');
  return { secret, recoveryCodes: codes };
}

export function totpCode(secret: string, at: Date): string {
  return generateSync({ secret, epoch: Math.floor(at.getTime() / 1000) });
}

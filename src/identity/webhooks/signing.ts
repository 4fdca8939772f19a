import { createHmac } from 'node:crypto';
import type { Random } from '../../lib/random.js';

/** The prefix of a signing secret, as the Standard Webhooks convention writes it. */
export const SECRET_PREFIX = 'whsec_';

/** A new signing secret: `whsec_` and the base64 of 32 random bytes (the receiver's libraries read this form). */
export function generateSigningSecret(random: Random): string {
  return `${SECRET_PREFIX}${random.bytes(32).toString('base64')}`;
}

/** The key bytes of a secret: the base64 after `whsec_`. */
export function secretKey(secret: string): Buffer {
  return Buffer.from(secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret, 'base64');
}

/**
 * The `webhook-signature` header of a request (Standard Webhooks): for each secret that signs, `v1,` and the base64
 * of HMAC-SHA256 over `${id}.${timestamp}.${body}` keyed with the secret's bytes, separated by spaces. During a
 * rotation two secrets sign, so a receiver holding either verifies.
 */
export function signatureHeader(secrets: readonly string[], id: string, timestamp: number, body: string): string {
  const content = `${id}.${timestamp}.${body}`;
  return secrets.map((secret) => `v1,${createHmac('sha256', secretKey(secret)).update(content, 'utf8').digest('base64')}`).join(' ');
}

/** The last characters of a secret, so that an administrator can tell which one a receiver holds. */
export function secretHint(secret: string): string {
  return `…${secret.slice(-4)}`;
}

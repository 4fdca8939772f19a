import { Webhook } from 'standardwebhooks';
import { nextAttemptAt, MIN_RETRY_WAIT_MS } from '../../src/identity/webhooks/schedule.js';
import { generateSigningSecret, signatureHeader } from '../../src/identity/webhooks/signing.js';
import { checkWebhookUrl } from '../../src/identity/webhooks/urls.js';
import { HOUR, MINUTE } from '../../src/lib/clock.js';
import { systemRandom } from '../../src/lib/random.js';
import { excerptOf } from '../../src/webhooks/transport.js';

describe('a webhook address', () => {
  it('is https in production: http is refused there, even on loopback', () => {
    expect(checkWebhookUrl('https://portal.example.com/hook', 'production')).toBe('https://portal.example.com/hook');
    expect(() => checkWebhookUrl('http://127.0.0.1:8080/hook', 'production')).toThrow('must be https:// in production');
    expect(() => checkWebhookUrl('http://localhost/hook', 'production')).toThrow('must be https:// in production');
  });

  it('may be http on loopback outside production, never elsewhere', () => {
    expect(checkWebhookUrl('http://127.0.0.1:8080/hook', 'development')).toBe('http://127.0.0.1:8080/hook');
    expect(() => checkWebhookUrl('http://127.0.0.1.example.com/hook', 'development')).toThrow('only for localhost');
    expect(() => checkWebhookUrl('http://localhost.evil.example/hook', 'test')).toThrow('only for localhost');
  });
});

describe('the signature', () => {
  it('is the Standard Webhooks one: the standardwebhooks package computes the same', () => {
    const secret = generateSigningSecret(systemRandom);
    const body = JSON.stringify({ id: 'evt', type: 'user.created', data: { name: 'Zoë ✓' } });
    const timestamp = 1_767_000_000;
    expect(signatureHeader([secret], 'evt', timestamp, body)).toBe(new Webhook(secret).sign('evt', new Date(timestamp * 1000), body));
  });

  it('carries one signature per secret, separated by a space', () => {
    const [a, b] = [generateSigningSecret(systemRandom), generateSigningSecret(systemRandom)];
    const header = signatureHeader([a, b], 'evt', 1, '{}');
    expect(header.split(' ')).toEqual([signatureHeader([a], 'evt', 1, '{}'), signatureHeader([b], 'evt', 1, '{}')]);
  });
});

describe('the retry schedule', () => {
  const policy = { schedule: [5_000, 5 * MINUTE, 30 * MINUTE, 2 * HOUR, 5 * HOUR, 10 * HOUR, 10 * HOUR], windowMs: 24 * HOUR };
  const first = new Date('2026-01-01T00:00:00Z');
  const at = (ms: number) => new Date(first.getTime() + ms);

  it('waits between nothing (at least a second) and the step of the attempt: full jitter', () => {
    expect(nextAttemptAt(policy, 1, first, first, 0)).toEqual(at(MIN_RETRY_WAIT_MS));
    expect(nextAttemptAt(policy, 1, first, first, 0.999999)).toEqual(at(4_999));
    expect(nextAttemptAt(policy, 4, first, at(HOUR), 0.5)).toEqual(at(2 * HOUR));
    // Past the schedule's end the last step repeats.
    expect(nextAttemptAt(policy, 12, first, at(HOUR), 0.5)).toEqual(at(6 * HOUR));
  });

  it('never gives up before the window has passed since the first attempt, and never waits past its end', () => {
    expect(nextAttemptAt(policy, 7, first, at(20 * HOUR), 0.9)).toEqual(at(24 * HOUR));
    expect(nextAttemptAt(policy, 30, first, at(24 * HOUR - 1), 0)).toEqual(at(24 * HOUR));
    expect(nextAttemptAt(policy, 8, first, at(24 * HOUR), 0.5)).toBeNull();
  });

  it('with the largest waits drawn, retries over 24 hours in 8 attempts', () => {
    let now = first;
    let attempts = 1;
    for (let next = nextAttemptAt(policy, attempts, first, now, 0.999999); next; next = nextAttemptAt(policy, attempts, first, now, 0.999999)) {
      now = next;
      attempts += 1;
    }
    expect(attempts).toBe(8);
    expect(now.getTime() - first.getTime()).toBe(24 * HOUR);
  });
});

describe('the excerpt of an answer', () => {
  it('keeps at most 200 printable characters', () => {
    expect(excerptOf(Buffer.from(`line one\r\nline\ttwo\u0000 ${'x'.repeat(500)}`))).toBe(`line one line two ${'x'.repeat(182)}`);
    expect(excerptOf(Buffer.from('ok'))).toBe('ok');
  });
});

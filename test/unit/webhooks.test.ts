import { Webhook } from 'standardwebhooks';
import { nextAttemptAt, MIN_RETRY_WAIT_MS } from '../../src/identity/webhooks/schedule.js';
import { generateSigningSecret, signatureHeader } from '../../src/identity/webhooks/signing.js';
import { checkWebhookUrl } from '../../src/identity/webhooks/urls.js';
import { HOUR, MINUTE } from '../../src/lib/clock.js';
import { systemRandom } from '../../src/lib/random.js';
import { excerptOf } from '../../src/webhooks/transport.js';

describe('a webhook address', () => {
  const settings = (env: 'development' | 'test' | 'production', allowPrivateNetworks = false) => ({ env, webhooks: { allowPrivateNetworks } });
  const production = settings('production');

  it('is https in production: http is refused there, even on loopback', () => {
    expect(checkWebhookUrl('https://portal.example.com/hook', production)).toBe('https://portal.example.com/hook');
    expect(() => checkWebhookUrl('http://127.0.0.1:8080/hook', production)).toThrow('must be https:// in production');
    expect(() => checkWebhookUrl('http://localhost/hook', production)).toThrow('must be https:// in production');
  });

  it('may be http on loopback outside production, never elsewhere', () => {
    expect(checkWebhookUrl('http://127.0.0.1:8080/hook', settings('development'))).toBe('http://127.0.0.1:8080/hook');
    expect(() => checkWebhookUrl('http://127.0.0.1.example.com/hook', settings('development'))).toThrow('only for localhost');
    expect(() => checkWebhookUrl('http://localhost.evil.example/hook', settings('test'))).toThrow('only for localhost');
  });

  it('is not an address on the machine or its networks, unless the operator allows private networks', () => {
    for (const url of ['https://127.0.0.1/hook', 'https://[::1]/hook', 'https://10.1.2.3/hook', 'https://172.20.0.1/hook', 'https://192.168.1.10/hook', 'https://169.254.169.254/latest/meta-data', 'https://[fd00::1]/hook', 'https://[fe80::1]/hook', 'https://[::ffff:10.0.0.1]/hook', 'https://[::10.0.0.1]/hook', 'https://0.0.0.0/hook', 'https://100.64.0.1/hook']) {
      expect(() => checkWebhookUrl(url, production)).toThrow(/is this machine|is a private/);
    }
    expect(checkWebhookUrl('https://10.1.2.3/hook', settings('production', true))).toBe('https://10.1.2.3/hook');
    expect(() => checkWebhookUrl('https://127.0.0.1/hook', settings('production', true))).toThrow('is this machine');
    expect(checkWebhookUrl('https://93.184.215.14/hook', production)).toBe('https://93.184.215.14/hook');
    expect(checkWebhookUrl('https://[2606:4700::1]/hook', production)).toBe('https://[2606:4700::1]/hook');
    expect(() => checkWebhookUrl('https://192.168.1.10/hook', settings('development'))).toThrow('webhooks.allowPrivateNetworks');
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

import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { AttemptResult } from '../identity/webhooks/outcomes.js';
import { refusedAddress, type AddressRule } from '../lib/networkAddresses.js';

/** What sends one webhook request: the HTTP client below, or a stand-in in a test. */
export type WebhookTransport = (request: { url: string; headers: Record<string, string>; body: string }, timeoutMs: number) => Promise<AttemptResult>;

/** The most of a response's body read (for the excerpt); the rest is not read. */
const READ_LIMIT = 1024;
const EXCERPT = 200;

/** Printable text of a response's first bytes: control characters become spaces, at most 200 characters. */
export function excerptOf(bytes: Buffer): string {
  return bytes.toString('utf8').replace(/\uFFFD+$/, '').replace(/[\s\p{Cc}]+/gu, ' ').trim().slice(0, EXCERPT);
}

/**
 * Resolves a host name as dns.lookup does, and refuses it when any address it resolves to is one `rule` does not let
 * webhooks reach: checked when connecting, so that a name that resolved to a public address when the subscription was
 * made and to an internal one now (DNS rebinding) is not connected to.
 */
export function guardedLookup(rule: AddressRule): LookupFunction {
  return (hostname, options: LookupOptions, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error, '', 0);
      const refused = addresses.map((a) => refusedAddress(a.address, rule)).find((why) => why !== null);
      if (refused) {
        const refusal: NodeJS.ErrnoException = new Error(`${hostname} resolves to ${refused}`);
        refusal.code = 'EADDRNOTALLOWED';
        return callback(refusal, '', 0);
      }
      if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      const [first] = addresses;
      if (!first) return callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), '', 0);
      callback(null, first.address, first.family);
    });
  };
}

/**
 * POSTs a webhook with node's HTTP client: no redirect followed, no proxy, the whole exchange within `timeoutMs`
 * (connection, request, response headers and the start of the body), only to addresses `rule` lets webhooks reach.
 * Reads at most 1 KiB of the answer for the excerpt. Never throws: a failure is an AttemptResult with its reason.
 */
export function httpTransport(rule: AddressRule): WebhookTransport {
  // Connections of their own (kept alive between deliveries), each made through the guarded lookup: never one opened
  // under another rule.
  const lookup = guardedLookup(rule);
  const agents = { 'http:': new HttpAgent({ keepAlive: true, timeout: 5_000, lookup }), 'https:': new HttpsAgent({ keepAlive: true, timeout: 5_000, lookup }) };
  return (input, timeoutMs) =>
    new Promise<AttemptResult>((resolve) => {
      const started = performance.now();
      const url = new URL(input.url);
      const refused = refusedAddress(url.hostname, rule);
      if (refused) return resolve({ statusCode: null, excerpt: null, error: `not sent: ${refused}`, durationMs: 0 });
      const https = url.protocol === 'https:';
      const send = https ? httpsRequest : httpRequest;
      const body = Buffer.from(input.body, 'utf8');
      let settled = false;
      const finish = (result: Omit<AttemptResult, 'durationMs'>) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve({ ...result, durationMs: performance.now() - started });
      };
      const req = send(url, { method: 'POST', agent: agents[https ? 'https:' : 'http:'], headers: { ...input.headers, 'content-length': String(body.length), 'user-agent': 'idbridge-webhooks/1' } }, (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        let length = 0;
        const done = () => {
          finish({ statusCode: res.statusCode ?? null, excerpt: length > 0 ? excerptOf(Buffer.concat(chunks).subarray(0, READ_LIMIT)) : null, error: null });
          res.destroy();
        };
        res.on('data', (chunk: Buffer) => {
          chunks.push(chunk);
          length += chunk.length;
          if (length >= READ_LIMIT) done();
        });
        res.on('end', done);
        res.on('error', done);
      });
      const timer = setTimeout(() => {
        finish({ statusCode: null, excerpt: null, error: `no answer within ${timeoutMs / 1000} s` });
        req.destroy();
      }, timeoutMs);
      timer.unref();
      req.on('error', (error: NodeJS.ErrnoException) => finish({ statusCode: null, excerpt: null, error: error.code === 'EADDRNOTALLOWED' ? `not sent: ${error.message}` : `request failed: ${error.code ?? error.message}` }));
      req.end(body);
    });
}

import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { performance } from 'node:perf_hooks';
import type { AttemptResult } from '../identity/webhooks/outcomes.js';

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
 * POSTs a webhook with node's HTTP client: no redirect followed, no proxy, the whole exchange within `timeoutMs`
 * (connection, request, response headers and the start of the body). Reads at most 1 KiB of the answer for the
 * excerpt. Never throws: a failure is an AttemptResult with its reason.
 */
export const httpTransport: WebhookTransport = (input, timeoutMs) =>
  new Promise<AttemptResult>((resolve) => {
    const started = performance.now();
    const url = new URL(input.url);
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const body = Buffer.from(input.body, 'utf8');
    let settled = false;
    const finish = (result: Omit<AttemptResult, 'durationMs'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ ...result, durationMs: performance.now() - started });
    };
    const req = send(url, { method: 'POST', headers: { ...input.headers, 'content-length': String(body.length), 'user-agent': 'idbridge-webhooks/1' } }, (res: IncomingMessage) => {
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
    req.on('error', (error: NodeJS.ErrnoException) => finish({ statusCode: null, excerpt: null, error: `request failed: ${error.code ?? error.message}` }));
    req.end(body);
  });

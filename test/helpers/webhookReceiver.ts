import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import type { Clock } from '../../src/lib/clock.js';

/** One request a receiver got, as a portal would see it. */
export interface ReceivedWebhook {
  headers: IncomingHttpHeaders;
  body: string;
  payload: { id: string; type: string; timestamp: string; data: { id: string; position: number; userId: string | null; type: string } & Record<string, unknown> };
  /** What the receiver answered. */
  status: number;
}

/**
 * A portal's webhook endpoint on loopback (node:http): keeps every request, and answers what the test says (2xx by
 * default; `failNext(n)` answers 503 to the next n requests; `delayMs` holds each answer that long).
 */
export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  delayMs = 0;
  /** The body of each answer. */
  answerBody = 'ok';
  #failures = 0;
  #server: Server;
  url = '';

  constructor() {
    this.#server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const failing = this.#failures > 0;
        if (failing) this.#failures -= 1;
        const status = failing ? 503 : 200;
        this.received.push({ headers: req.headers, body, payload: JSON.parse(body) as ReceivedWebhook['payload'], status });
        const answer = () => res.writeHead(status, { 'content-type': 'text/plain' }).end(failing ? `unavailable: ${this.answerBody}` : this.answerBody);
        if (this.delayMs > 0) setTimeout(answer, this.delayMs);
        else answer();
      });
    });
  }

  async start(path = '/idbridge/events'): Promise<this> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}${path}`;
    return this;
  }

  failNext(count: number): void {
    this.#failures = count;
  }

  /** The requests it accepted (2xx). */
  accepted(): ReceivedWebhook[] {
    return this.received.filter((r) => r.status < 300);
  }

  async stop(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}

/**
 * Verifies a request with the `standardwebhooks` package, as a portal would, against `clock` (the portal and idbridge
 * share the test's clock: the package checks that webhook-timestamp is within five minutes of its now). Answers the
 * verified payload, or throws the package's error.
 */
export function verifyWebhook(secret: string, request: ReceivedWebhook, clock: Clock): unknown {
  const realNow = Date.now;
  Date.now = () => clock.now().getTime();
  try {
    return new Webhook(secret).verify(request.body, request.headers as Record<string, string>);
  } finally {
    Date.now = realNow;
  }
}

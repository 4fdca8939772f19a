import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface CapturedMail {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** The first http(s) link of the plain-text body. */
  link: string | undefined;
  parsed: ParsedMail;
}

/**
 * A real SMTP server on loopback that keeps every message it receives, for tests to read and follow links from.
 * `rejectNext(n)` makes the next n messages fail with a temporary error, to exercise retries.
 */
export class TestMailbox {
  readonly messages: CapturedMail[] = [];
  #rejections = 0;
  #server: SMTPServer;
  port = 0;

  constructor() {
    this.#server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', async () => {
          if (this.#rejections > 0) {
            this.#rejections -= 1;
            const error = new Error('try again later') as Error & { responseCode: number };
            error.responseCode = 451;
            return callback(error);
          }
          const parsed = await simpleParser(Buffer.concat(chunks));
          const text = parsed.text ?? '';
          this.messages.push({
            to: session.envelope.rcptTo.map((r) => r.address).join(','),
            subject: parsed.subject ?? '',
            text,
            html: typeof parsed.html === 'string' ? parsed.html : '',
            link: /https?:\/\/\S+/.exec(text)?.[0],
            parsed,
          });
          callback();
        });
      },
    });
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', () => resolve()));
    this.port = (this.#server.server.address() as { port: number }).port;
    return this;
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  rejectNext(count: number): void {
    this.#rejections = count;
  }

  to(address: string): CapturedMail[] {
    return this.messages.filter((m) => m.to.toLowerCase() === address.toLowerCase());
  }

  /** The newest message to `address`; fails the test if there is none. */
  last(address: string): CapturedMail {
    const list = this.to(address);
    const message = list[list.length - 1];
    if (!message) throw new Error(`no email to ${address}; got: ${this.messages.map((m) => `${m.to} "${m.subject}"`).join(', ') || 'none'}`);
    return message;
  }

  clear(): void {
    this.messages.length = 0;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}

import { pino, type Logger, type DestinationStream } from 'pino';
import { currentRequestId } from './requestContext.js';

export type { Logger };

/** Paths whose values never reach a log line, wherever they appear. */
export const REDACTED_PATHS = [
  'password', '*.password', 'newPassword', '*.newPassword', 'currentPassword', '*.currentPassword',
  'token', '*.token', 'secret', '*.secret', 'code', '*.code', 'link', '*.link',
  'authorization', '*.authorization', 'headers.authorization', 'headers.cookie', '*.headers.cookie',
  'req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]',
  'SAMLResponse', '*.SAMLResponse',
];

export interface LoggerOptions {
  level: string;
  destination?: DestinationStream;
}

/**
 * Standard output, written in the background a few kilobytes at a time (or every quarter second) rather than with a
 * blocking write per line: one write per request cost a quarter of a millisecond of CPU, as much as a SCIM lookup's
 * queries. What is buffered is flushed when the process exits (also on an uncaught error); only a SIGKILL can lose
 * the last quarter second of lines.
 */
export function bufferedStdout(): DestinationStream {
  const destination = pino.destination({ dest: 1, sync: false, minLength: 4096, periodicFlush: 250 });
  process.on('exit', () => destination.flushSync());
  return destination;
}

/** Structured JSON logs; every line written inside a request carries its request id. */
export function createLogger({ level, destination }: LoggerOptions): Logger {
  return pino(
    {
      level,
      base: { service: 'idbridge' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      mixin: () => {
        const requestId = currentRequestId();
        return requestId ? { requestId } : {};
      },
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
}

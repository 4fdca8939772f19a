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

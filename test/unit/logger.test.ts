import { Writable } from 'node:stream';
import { createLogger } from '../../src/lib/logger.js';
import { requestContext } from '../../src/lib/requestContext.js';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk, _encoding, callback) {
      lines.push(JSON.parse(String(chunk)));
      callback();
    },
  });
  return { lines, logger: createLogger({ level: 'info', destination }) };
}

describe('createLogger', () => {
  it('writes JSON lines that carry the request id of the request being served', () => {
    const { lines, logger } = capture();
    requestContext.run({ requestId: 'req-12345678' }, () => logger.info({ path: '/x' }, 'request'));
    expect(lines[0]).toMatchObject({ level: 'info', msg: 'request', requestId: 'req-12345678', path: '/x' });
  });

  it('never writes passwords, tokens, secrets or authorization headers', () => {
    const { lines, logger } = capture();
    logger.info({ password: 'hunter2', token: 'tok', body: { password: 'p2', token: 't2', code: '123456' }, headers: { authorization: 'Bearer abc' } }, 'x');
    const text = JSON.stringify(lines[0]);
    for (const secret of ['hunter2', '"tok"', 'p2', 't2', '123456', 'Bearer abc']) expect(text).not.toContain(secret);
  });
});

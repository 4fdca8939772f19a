/**
 * The yardstick the benchmarks measure idbridge against: a bare `node:http` server that reads each request's body and
 * answers one constant resource, with no framework, database or logic. Run beside idbridge in the same minute, it
 * tells what this machine charges for an HTTP exchange of that size, so a figure carries its own scale on a host
 * whose speed varies from one run to the next.
 *
 * The bench sets the answer before each workload with `PUT /__answer` ({ status, body }); every other request gets it.
 */
import http from 'node:http';

let status = 200;
let body = Buffer.from('{}');

const server = http.createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    if (request.url === '/__answer') {
      const answer = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { status: number; body: string };
      status = answer.status;
      body = Buffer.from(answer.body);
      response.writeHead(204).end();
      return;
    }
    if (status === 204) {
      response.writeHead(204).end();
      return;
    }
    response.writeHead(status, { 'content-type': 'application/scim+json', 'content-length': body.length }).end(body);
  });
});

server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  console.log(JSON.stringify({ port: typeof address === 'object' && address ? address.port : 0 }));
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));

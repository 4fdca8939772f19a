/**
 * `npm run bench` runs every workload with its defaults; `npm run bench -- <workload> [options]` runs one, passing
 * the options on (each workload's header comment lists its own). Every workload prints a markdown table.
 *
 *   npm run bench
 *   npm run bench -- scim --users 100000 --db postgres
 *   npm run bench -- admin --users 10000
 *   npm run bench -- signin --seconds 8
 *   npm run bench -- limits --db postgres
 *   npm run bench -- webhooks --users 3000
 *   npm run bench -- writes --baseline ../before
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildServer } from './lib.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const workloads: Record<string, string> = {
  scim: 'SCIM /Users and /Groups: throughput, latency and server CPU per request',
  admin: 'admin API user list, search and sort with many users',
  signin: 'password sign-in throughput and equal timing for unknown accounts',
  limits: 'requests at each SCIM limit, and the longest /healthz waits behind one',
  webhooks: 'webhook deliveries per second and their lag while SCIM writes, and what delivery costs the server',
  writes: 'the SCIM user writes of this checkout and of another (--baseline), side by side in the same minutes',
};

const [name, ...rest] = process.argv.slice(2);
if (name === '--help' || name === '-h') {
  console.log(`usage: npm run bench [-- <workload> [options]]\n\nworkloads:\n${Object.entries(workloads).map(([k, v]) => `  ${k.padEnd(8)} ${v}`).join('\n')}`);
  process.exit(0);
}
if (name && !workloads[name]) {
  console.error(`unknown workload "${name}"; one of: ${Object.keys(workloads).join(', ')}`);
  process.exit(2);
}

buildServer();
let failed = false;
for (const workload of name ? [name] : Object.keys(workloads)) {
  const file = path.join(here, `${workload}.ts`);
  if (!existsSync(file)) {
    console.error(`bench/${workload}.ts is missing`);
    failed = true;
    continue;
  }
  console.log(`\n## ${workload}: ${workloads[workload]}\n`);
  const result = spawnSync(process.execPath, ['--import', 'tsx', file, ...(name ? rest : [])], { stdio: 'inherit' });
  if (result.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);

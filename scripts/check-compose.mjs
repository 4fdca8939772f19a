// Checks docker-compose.yml without a Docker engine: it parses, names the services idbridge needs, and gives
// idbridge the environment README documents. Exits non-zero with the reason otherwise.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

const problems = [];
let doc;
try {
  doc = parse(readFileSync(new URL('../docker-compose.yml', import.meta.url), 'utf8'));
} catch (error) {
  console.error(`docker-compose.yml does not parse: ${error.message}`);
  process.exit(1);
}
const services = doc?.services ?? {};
for (const name of ['idbridge', 'postgres', 'mailpit']) if (!services[name]) problems.push(`service "${name}" is missing`);
const idbridge = services.idbridge ?? {};
const env = idbridge.environment ?? {};
for (const key of ['NODE_ENV', 'HOST', 'PUBLIC_URL', 'DATABASE_URL', 'SMTP_URL', 'SESSION_SECRET', 'DATA_ENCRYPTION_KEY']) {
  if (!(key in env)) problems.push(`idbridge has no ${key}`);
}
if (!String(env.DATABASE_URL ?? '').includes('@postgres:')) problems.push('idbridge DATABASE_URL does not point at the postgres service');
if (!String(env.SMTP_URL ?? '').includes('mailpit')) problems.push('idbridge SMTP_URL does not point at the mail catcher');
if (!idbridge.depends_on?.postgres) problems.push('idbridge does not wait for postgres');
if (!(idbridge.ports ?? []).some((p) => String(p).endsWith(':8080'))) problems.push('idbridge does not publish port 8080');
if (problems.length) {
  console.error(`docker-compose.yml: ${problems.join('; ')}`);
  process.exit(1);
}
console.log(`docker-compose.yml: services ${Object.keys(services).join(', ')}; idbridge environment complete`);

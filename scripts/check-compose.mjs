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
for (const key of ['NODE_ENV', 'HOST', 'PUBLIC_URL', 'DATABASE_URL', 'SMTP_URL', 'SESSION_SECRET', 'DATA_ENCRYPTION_KEY', 'OIDC_SIGNING_KEYS']) {
  if (!(key in env) && !(`${key}_FILE` in env)) problems.push(`idbridge has no ${key} (nor ${key}_FILE)`);
}
// Secrets come as files: each NAME_FILE names a secret the service mounts, declared with a file.
for (const [key, value] of Object.entries(env).filter(([k]) => k.endsWith('_FILE'))) {
  const name = String(value).replace('/run/secrets/', '');
  if (!(idbridge.secrets ?? []).includes(name)) problems.push(`idbridge ${key} names secret "${name}", which it does not mount`);
  if (!doc.secrets?.[name]?.file) problems.push(`secret "${name}" is not declared with a file`);
}
for (const key of ['SESSION_SECRET', 'DATA_ENCRYPTION_KEY', 'OIDC_SIGNING_KEYS', 'DATABASE_URL']) {
  if (key in env) problems.push(`idbridge ${key} is given in the environment; give it as ${key}_FILE (a secret)`);
}
if ('DATABASE_URL' in env && !String(env.DATABASE_URL).includes('@postgres:')) problems.push('idbridge DATABASE_URL does not point at the postgres service');
if (!String(env.SMTP_URL ?? '').includes('mailpit')) problems.push('idbridge SMTP_URL does not point at the mail catcher');
if (!idbridge.depends_on?.postgres) problems.push('idbridge does not wait for postgres');
if (!(idbridge.ports ?? []).some((p) => String(p).endsWith(':8080'))) problems.push('idbridge does not publish port 8080');
if (problems.length) {
  console.error(`docker-compose.yml: ${problems.join('; ')}`);
  process.exit(1);
}
console.log(`docker-compose.yml: services ${Object.keys(services).join(', ')}; idbridge environment complete`);

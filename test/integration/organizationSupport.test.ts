import { runCli } from '../../src/cli/run.js';
import { openTestDeps, type TestDeps } from '../helpers/db.js';

describe('an organization\'s support contact from the CLI', () => {
  let deps: TestDeps;
  const cli = (...argv: string[]) => runCli(argv, deps.env);
  const json = async (...argv: string[]) => {
    const outcome = await cli(...argv, '--json');
    expect(outcome).toMatchObject({ code: 0 });
    return JSON.parse(outcome.stdout as string);
  };

  beforeAll(async () => {
    deps = await openTestDeps();
  });
  afterAll(() => deps.close());

  it('sets it at creation, changes one part at a time, clears a part with an empty value, and refuses a bad one', async () => {
    const created = await json('org', 'create', '--kind', 'utility', '--name', 'River Water', '--slug', 'river', '--support-email', 'help@river.example', '--support-phone', '+1 555 010 0199');
    expect(created.support).toEqual({ email: 'help@river.example', phone: '+1 555 010 0199' });
    const updated = await json('org', 'update', '--org', 'river', '--support-url', 'https://help.river.example', '--support-text', 'IT service desk', '--support-phone', '');
    expect(updated.support).toEqual({ email: 'help@river.example', url: 'https://help.river.example', text: 'IT service desk' });
    const text = await cli('org', 'update', '--org', 'river', '--name', 'River Water Co');
    expect(text.stdout).toContain('support={"text":"IT service desk","email":"help@river.example","url":"https://help.river.example"}');
    const refused = await cli('org', 'update', '--org', 'river', '--support-url', 'javascript:alert(1)', '--json');
    expect(refused.code).toBe(1);
    expect(JSON.parse(refused.stderr as string)).toMatchObject({ error: { code: 'organization.invalid', message: expect.stringContaining('support.url: must be an https:// or http:// address') } });
  });
});

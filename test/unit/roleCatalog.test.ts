import { loadConfig } from '../../src/config/load.js';
import { RoleCatalog } from '../../src/identity/roleCatalog.js';

const catalog = new RoleCatalog(loadConfig({ env: {} }).catalog);

describe('RoleCatalog', () => {
  it('takes the highest role when several sources give roles in one organization', () => {
    expect(catalog.highest('customer', ['standard-user', 'full-access'])?.key).toBe('full-access');
    expect(catalog.highest('utility', ['viewer', 'operator'])?.key).toBe('operator');
  });

  it('names the default role of each kind', () => {
    expect(catalog.defaultRole('customer').key).toBe('standard-user');
    expect(catalog.defaultRole('utility').key).toBe('viewer');
  });

  it('refuses a role of another kind, listing the valid ones', () => {
    expect(() => catalog.require('customer', 'administrator')).toThrow('"administrator" is not a role of customer organizations; use one of: full-access, standard-user.');
  });

  it('compares roles by rank', () => {
    expect(catalog.isAtMost('utility', 'viewer', 'operator')).toBe(true);
    expect(catalog.isAtMost('utility', 'administrator', 'operator')).toBe(false);
  });
});

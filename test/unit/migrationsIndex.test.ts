import { readdirSync } from 'node:fs';
import path from 'node:path';
import { migrations } from '../../migrations/index.js';

describe('migrations/index.ts', () => {
  it('lists every migration file once, in name order, each named YYYYMMDDHHMMSS-verb-object', () => {
    const files = readdirSync(path.resolve('migrations'))
      .filter((f) => /^\d{14}-.*\.ts$/.test(f))
      .map((f) => f.replace(/\.ts$/, ''))
      .sort();
    expect(migrations.map((m) => m.name)).toEqual(files);
    for (const name of files) expect(name).toMatch(/^\d{14}-[a-z]+-[a-z-]+$/);
  });

  it('gives every migration a way back down', () => {
    for (const migration of migrations) expect(typeof migration.down).toBe('function');
  });
});

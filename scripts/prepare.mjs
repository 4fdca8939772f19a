// npm ci and npm install run this: it compiles the sources into dist/, so that `npx idbridge` runs the fast compiled
// CLI from the start. It does nothing where there are no sources yet (the Docker build installs packages before it
// copies them, then runs npm run build itself).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

if (!existsSync('src/main.ts') || !existsSync('tsconfig.build.json')) process.exit(0);
const build = spawnSync('npm', ['run', '-s', 'build'], { stdio: 'inherit' });
process.exit(build.status ?? 1);

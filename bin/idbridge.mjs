#!/usr/bin/env node
// The idbridge CLI (`npx idbridge …` in a clone, `idbridge …` in the Docker image). It runs the compiled build in
// dist/ (npm ci builds it; so does npm run build), which starts in a fraction of the time the TypeScript sources
// take. In a clone whose sources changed since that build, it runs the sources through tsx instead, so that it
// never runs stale code; the image has no sources and always runs dist/.
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const compiled = path.join(root, 'dist/src/cli/main.js');

function newestChange(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestChange(file) : statSync(file).mtimeMs);
  }
  return newest;
}

function compiledIsCurrent() {
  if (!existsSync(compiled)) return false;
  const sources = ['src', 'migrations'].map((dir) => path.join(root, dir)).filter((dir) => existsSync(dir));
  if (sources.length === 0) return true;
  const built = statSync(compiled).mtimeMs;
  return sources.every((dir) => newestChange(dir) <= built);
}

if (compiledIsCurrent()) {
  await import(pathToFileURL(compiled).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(pathToFileURL(path.join(root, 'src/cli/main.ts')).href);
}

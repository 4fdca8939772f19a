// Rewrites the configuration table of README.md from the schema: npm run docs:config
import { readFileSync, writeFileSync } from 'node:fs';
import { configTable } from '../src/config/docs.js';

const START = '<!-- config:start -->';
const END = '<!-- config:end -->';
const readme = readFileSync('README.md', 'utf8');
const before = readme.slice(0, readme.indexOf(START) + START.length);
const after = readme.slice(readme.indexOf(END));
writeFileSync('README.md', `${before}\n${configTable()}\n${after}`);

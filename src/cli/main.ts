import { runCli } from './run.js';

runCli(process.argv.slice(2)).then((outcome) => {
  if (outcome.stdout !== undefined) process.stdout.write(`${outcome.stdout}\n`);
  if (outcome.stderr !== undefined) process.stderr.write(`${outcome.stderr}\n`);
  process.exitCode = outcome.code;
});

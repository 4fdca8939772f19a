import { availableParallelism, loadavg } from 'node:os';

/**
 * IDBRIDGE_TEST_TIME_FACTOR (default 1): every test timeout and every long wait of the tests is multiplied by it. On
 * a slow or busy machine (a shared CI runner, a laptop on battery) set it to 2 or 3 rather than editing timeouts.
 * jest.config.js reads the same variable for the default timeout of each test.
 */
export const TIME_FACTOR = timeFactor(process.env.IDBRIDGE_TEST_TIME_FACTOR);

export function timeFactor(value: string | undefined): number {
  if (value === undefined || value === '') return 1;
  const factor = Number(value);
  if (!Number.isFinite(factor) || factor < 1 || factor > 20) throw new Error(`IDBRIDGE_TEST_TIME_FACTOR must be a number from 1 to 20, not "${value}"`);
  return factor;
}

/** A wait of `ms` on this machine: `ms` times IDBRIDGE_TEST_TIME_FACTOR. */
export function scaled(ms: number): number {
  return Math.round(ms * TIME_FACTOR);
}

/** How busy the machine is, for a message about a wait that ran out: "load 3.1 on 2 CPUs (time factor 1)". */
export function machineLoad(): string {
  return `load ${loadavg()[0]!.toFixed(1)} on ${availableParallelism()} CPUs (IDBRIDGE_TEST_TIME_FACTOR ${TIME_FACTOR}; raise it on a busy machine)`;
}

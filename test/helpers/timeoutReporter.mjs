// A jest reporter that says, when a test ran out of time, how busy the machine was then and what to do about it:
// a timeout on a loaded machine is rarely the code's fault, and the remedy is one variable, not an edit.
import { availableParallelism, loadavg } from 'node:os';

const TIMED_OUT = /Exceeded timeout of \d+ ms|did not (start|finish|answer)[^\n]* within|TimeoutError/;

export default class TimeoutReporter {
  #seen = [];

  onTestResult(_test, result) {
    for (const assertion of result.testResults) {
      if (assertion.status === 'failed' && assertion.failureMessages.some((m) => TIMED_OUT.test(m))) {
        this.#seen.push(`${assertion.fullName} (load ${loadavg()[0].toFixed(1)} on ${availableParallelism()} CPUs when it failed)`);
      }
    }
  }

  onRunComplete() {
    if (this.#seen.length === 0) return;
    const factor = process.env.IDBRIDGE_TEST_TIME_FACTOR || '1';
    process.stderr.write(
      [
        '',
        `${this.#seen.length} test(s) ran out of time:`,
        ...this.#seen.map((line) => `  - ${line}`),
        `Timeouts are multiplied by IDBRIDGE_TEST_TIME_FACTOR (now ${factor}). If this machine is slow or busy (load above`,
        'its CPU count), run again with IDBRIDGE_TEST_TIME_FACTOR=2 or 3 before suspecting the code.',
        '',
      ].join('\n'),
    );
  }
}

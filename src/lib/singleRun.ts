/**
 * Work that runs at most once at a time in this process: a call while a run is under way gets that run's promise
 * (the outbox senders: a poll, a test's drain and a shutdown never overlap two rounds).
 */
export class SingleRun<T> {
  #running: Promise<T> | undefined;

  constructor(private readonly work: () => Promise<T>) {}

  run(): Promise<T> {
    this.#running ??= this.work().finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  /** The run under way, if any (a shutdown waits for it). */
  get current(): Promise<T> | undefined {
    return this.#running;
  }
}

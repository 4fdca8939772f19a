/** A FIFO async lock: SQLite has one writer, so write transactions of this process wait here, not in the driver. */
export class Mutex {
  #tail: Promise<void> = Promise.resolve();
  #entered = 0;

  /** Callers holding the lock or waiting for it. */
  get entered(): number {
    return this.#entered;
  }

  async run<T>(fn: () => Promise<T>): Promise<T> {
    this.#entered += 1;
    let release!: () => void;
    const turn = new Promise<void>((resolve) => (release = resolve));
    const previous = this.#tail;
    this.#tail = previous.then(() => turn);
    await previous;
    try {
      return await fn();
    } finally {
      this.#entered -= 1;
      release();
    }
  }
}

import { loadConfig, ConfigError } from '../../src/config/load.js';
import { OTHER_WORK_THREADS, Slots, argon2Slots, describeThreadpool, recommendedThreadpoolSize } from '../../src/identity/credentials/hashingThreads.js';
import { TEST_ENCRYPTION_KEY, TEST_SESSION_SECRET, tempDir } from '../helpers/settings.js';

describe('argon2 share of the thread pool', () => {
  it('gives argon2 a thread per CPU, leaving the other work its threads', () => {
    expect(argon2Slots(4, 2)).toBe(2);
    expect(argon2Slots(10, 8)).toBe(8);
    expect(argon2Slots(64, 2)).toBe(2);
    expect(recommendedThreadpoolSize(2)).toBe(2 + OTHER_WORK_THREADS);
    expect(argon2Slots(recommendedThreadpoolSize(16), 16)).toBe(16);
  });

  it('takes fewer argon2 threads than CPUs in a small pool, but always one', () => {
    expect(argon2Slots(4, 8)).toBe(2);
    expect(argon2Slots(2, 2)).toBe(1);
    expect(argon2Slots(1, 2)).toBe(1);
    expect(describeThreadpool(4, 8)).toEqual({ threadpool: 4, argon2Slots: 2, cpus: 8, recommended: 10 });
  });
});

describe('Slots', () => {
  const tick = () => new Promise((resolve) => setImmediate(resolve));

  it('runs at most its size at once, in the order asked', async () => {
    const slots = new Slots(2);
    let running = 0;
    let most = 0;
    const started: number[] = [];
    const releases: (() => void)[] = [];
    const works = [0, 1, 2, 3, 4].map((i) =>
      slots.run(async () => {
        started.push(i);
        most = Math.max(most, ++running);
        await new Promise<void>((resolve) => releases.push(resolve));
        running -= 1;
        return i;
      }),
    );
    for (let done = 0; done < 5; done++) {
      await tick();
      releases.shift()?.();
    }
    expect(await Promise.all(works)).toEqual([0, 1, 2, 3, 4]);
    expect(started).toEqual([0, 1, 2, 3, 4]);
    expect(most).toBe(2);
  });

  it('frees the slot of work that fails', async () => {
    const slots = new Slots(1);
    await expect(slots.run(() => Promise.reject(new Error('broken')))).rejects.toThrow('broken');
    await expect(slots.run(async () => 'next')).resolves.toBe('next');
  });

  it('refuses a size that would run nothing', () => {
    expect(() => new Slots(0)).toThrow();
  });
});

describe('UV_THREADPOOL_SIZE', () => {
  const load = (value?: string) =>
    loadConfig({ env: { NODE_ENV: 'test', DATA_DIR: tempDir(), SESSION_SECRET: TEST_SESSION_SECRET, DATA_ENCRYPTION_KEY: TEST_ENCRYPTION_KEY, ...(value === undefined ? {} : { UV_THREADPOOL_SIZE: value }) } });

  it('is libuv\'s default of 4 threads when unset, else the number given', () => {
    expect(load().threadpoolSize).toBe(4);
    expect(load('6').threadpoolSize).toBe(6);
    expect(load(' 12 ').threadpoolSize).toBe(12);
  });

  it('refuses what libuv would read as another number of threads', () => {
    for (const value of ['', 'abc', '8x', '0', '-2', '0x10', '1025']) {
      expect(() => load(value)).toThrow(ConfigError);
    }
    expect(() => load('abc')).toThrow(/UV_THREADPOOL_SIZE: libuv's thread pool takes a whole number of threads from 1 to 1024 \(got "abc"\)/);
  });
});

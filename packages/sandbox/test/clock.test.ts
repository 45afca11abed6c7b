/**
 * The clock's task queue with many tasks pending, as a full sandbox has (an expiry per open order):
 * tasks still run in time order (scheduling order on a tie), a cancelled task never runs, a task can
 * be cancelled from inside another, and `pending()` lists exactly what is left, earliest first. No
 * timing is asserted; the order of runs is compared with a plain sort of the same tasks.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { VirtualClock, type TaskHandle } from '../src/clock.js';

const MANY = 10_000;

/** A small deterministic generator (mulberry32), so a failure replays. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe(`the clock with ${MANY} tasks pending`, () => {
  test('runs them in time order, ties in scheduling order, and never a cancelled one', async () => {
    const rnd = random(1);
    const clock = new VirtualClock({ start: 0 });
    const ran: number[] = [];
    const tasks: { n: number; at: number; handle: TaskHandle }[] = [];
    for (let n = 0; n < MANY; n++) {
      // Few distinct times, so many ties.
      const at = 1000 * Math.floor(rnd() * 500);
      tasks.push({ n, at, handle: clock.schedule(at, `task ${n}`, () => ran.push(n)) });
    }
    const cancelled = new Set<number>();
    for (const t of tasks) {
      if (rnd() < 0.3) {
        t.handle.cancel();
        t.handle.cancel(); // a second cancel is harmless
        cancelled.add(t.n);
      }
    }
    const expected = tasks
      .filter((t) => !cancelled.has(t.n))
      .sort((a, b) => a.at - b.at || a.n - b.n)
      .map((t) => t.n);
    assert.deepEqual(
      clock.pending().map((p) => p.label),
      expected.map((n) => `task ${n}`),
    );

    // In steps, so some tasks are due and some are not at each one.
    for (let step = 0; step < 10; step++) {
      await clock.advance(50_000);
      const due = expected.filter((n) => tasks[n]!.at <= clock.now());
      assert.deepEqual(ran, due, `after ${clock.now()} ms`);
      assert.equal(clock.pending().length, expected.length - due.length);
    }
    assert.deepEqual(ran, expected);
    assert.deepEqual(clock.pending(), []);
    clock.stop();
  });

  test('a task may cancel or schedule others while it runs; stop drops the rest', async () => {
    const clock = new VirtualClock({ start: 0 });
    const ran: string[] = [];
    const later: TaskHandle[] = [];
    for (let n = 0; n < MANY; n++)
      later.push(clock.schedule(10_000 + n, `late ${n}`, () => ran.push(`late ${n}`)));
    clock.schedule(5_000, 'canceller', () => {
      ran.push('canceller');
      // Every other late task is cancelled from inside a running task…
      for (let n = 0; n < MANY; n += 2) later[n]!.cancel();
      // …and a new one is scheduled between the survivors.
      clock.schedule(10_001.5, 'newcomer', () => ran.push('newcomer'));
    });
    await clock.advance(10_002);
    assert.deepEqual(ran, ['canceller', 'late 1', 'newcomer']);
    assert.equal(clock.pending()[0]?.label, 'late 3');
    assert.equal(clock.pending().length, MANY / 2 - 1);
    clock.stop();
    assert.deepEqual(clock.pending(), []);
    later[5]!.cancel(); // cancelling after stop is harmless
    await clock.advance(MANY * 2);
    assert.deepEqual(ran, ['canceller', 'late 1', 'newcomer']);
  });
});

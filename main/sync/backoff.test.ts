import { describe, expect, it } from 'vitest';
import { backoffDelay, RetryGate } from './backoff';

const policy = { initialMs: 100, maxMs: 1_000 };

describe('backoff', () => {
  it('doubles the wait after each failure up to the ceiling, never less than half of each step', () => {
    const lowest = [0, 1, 2, 3, 4, 10].map((attempt) => backoffDelay(attempt, policy, () => 0));
    const highest = [0, 1, 2, 3, 4, 10].map((attempt) => backoffDelay(attempt, policy, () => 1));
    expect(highest).toEqual([100, 200, 400, 800, 1_000, 1_000]);
    expect(lowest).toEqual([50, 100, 200, 400, 500, 500]);
  });

  it('spreads the retries of many workstations that failed together', () => {
    const delays = new Set(Array.from({ length: 50 }, () => backoffDelay(3, policy)));
    expect(delays.size).toBeGreaterThan(20);
    for (const delay of delays) expect(delay).toBeGreaterThanOrEqual(400);
  });

  it('wakes every waiting request as soon as one request succeeds', async () => {
    const gate = new RetryGate({ initialMs: 60_000, maxMs: 60_000 });
    const started = Date.now();
    const waits = [gate.wait(0), gate.wait(3), gate.wait(7)];
    setTimeout(() => gate.succeeded(), 20);
    await Promise.all(waits);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('stops waiting when the sync stops', async () => {
    const gate = new RetryGate({ initialMs: 60_000, maxMs: 60_000 });
    const controller = new AbortController();
    const wait = gate.wait(0, controller.signal);
    controller.abort(new Error('stopped'));
    await expect(wait).rejects.toThrow('stopped');
  });
});

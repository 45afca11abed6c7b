/** The order ids the kit mints: unguessable, within HaiPay's 48 characters, and in time order. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mintOrderId } from '../src/checkout/index.js';

describe('mintOrderId', () => {
  it('is the prefix, 8 characters of time and 22 random url-safe characters: at most 48 in all', () => {
    for (const prefix of ['hp_', 'hps_', 'hpo_', 'hpr_']) {
      const id = mintOrderId(prefix);
      assert.match(id, /^hp[sor]?_[0-9a-z]{8}[A-Za-z0-9_-]{22}$/);
      assert.ok(id.length <= 48, id);
    }
    const time = Number.parseInt(mintOrderId().slice(3, 11), 36);
    assert.ok(Math.abs(time - Date.now()) < 60_000, 'the time part is the time in milliseconds');
  });

  it('never repeats, across many refills of its entropy buffer (4 KB, 256 ids each)', () => {
    const ids = Array.from({ length: 5000 }, () => mintOrderId());
    assert.equal(new Set(ids).size, ids.length);
    const randoms = new Set(ids.map((id) => id.slice(11)));
    assert.equal(randoms.size, ids.length, 'the random part alone is unique too');
  });

  it('sorts by the time it was made', async () => {
    const first = mintOrderId();
    await new Promise((r) => setTimeout(r, 5));
    const second = mintOrderId();
    assert.ok(first.slice(0, 11) < second.slice(0, 11), `${first} < ${second}`);
  });
});

/** GET /payments/:id/events — server-sent status changes, and subscriptions create/read/cancel. */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { HaiPayNotConfirmedError } from '@haipay-kit/express';
import { createSandbox, type Sandbox } from '@haipay-kit/sandbox';
import { startHarness, idem, BUYER, CARD, ORIGIN, type Harness } from '@haipay-kit/test-support';

let sandbox: Sandbox;
let h: Harness;
before(async () => {
  sandbox = await createSandbox();
  h = await startHarness({ sandbox, router: { heartbeatMs: 50 } });
});
after(async () => {
  await h.close();
  await sandbox.close();
});

interface SseEvent {
  id?: string;
  event?: string;
  data?: string;
}

/**
 * Opens an SSE stream; `next()` resolves with the next event, `comment(text)` once that comment line
 * has arrived, `ended` when the server closes it.
 */
function openStream(url: string, headers: Record<string, string> = {}) {
  const events: SseEvent[] = [];
  const comments: string[] = [];
  const waiters: ((e: SseEvent) => void)[] = [];
  const commentWaiters = new Map<string, (() => void)[]>();
  let buffer = '';
  let status = 0;
  let contentType = '';
  const ended = new Promise<void>((resolve, reject) => {
    const req = request(url, { headers: { accept: 'text/event-stream', ...headers } }, (res) => {
      status = res.statusCode ?? 0;
      contentType = String(res.headers['content-type']);
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let idx;
        while ((idx = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, idx);
          buffer = buffer.slice(idx + 2);
          const ev: SseEvent = {};
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) {
              comments.push(line);
              for (const resolve of commentWaiters.get(line)?.splice(0) ?? []) resolve();
            }
            const m = /^(id|event|data): (.*)$/.exec(line);
            if (m) ev[m[1] as keyof SseEvent] = m[2];
          }
          if (ev.event) {
            const w = waiters.shift();
            if (w) w(ev);
            else events.push(ev);
          }
        }
      });
      res.on('end', resolve);
    });
    req.on('error', reject);
    req.end();
  });
  return {
    get status() {
      return status;
    },
    get contentType() {
      return contentType;
    },
    ended,
    comment: (text: string) =>
      Promise.race([
        new Promise<void>((resolve) => {
          if (comments.includes(text)) resolve();
          else commentWaiters.set(text, [...(commentWaiters.get(text) ?? []), resolve]);
        }),
        ended.then(() => Promise.reject(new Error(`the stream ended before "${text}"`))),
      ]),
    next: () =>
      new Promise<SseEvent>((resolve) => (events.length ? resolve(events.shift()!) : waiters.push(resolve))),
  };
}

describe('SSE status stream', () => {
  it('sends the current state first, then the change, then ends after a final status', async () => {
    h.order = { amount: '100.00', currency: 'THB', subject: 'Order #1', buyerId: 'u-1001' };
    const p = (await h.post('/haipay/payments', { method: 'promptpay', ...BUYER }, idem())).json;
    const stream = openStream(`${h.url}/haipay/payments/${p.orderId}/events`, { origin: ORIGIN });
    const first = await stream.next();
    assert.equal(stream.status, 200);
    assert.match(stream.contentType, /text\/event-stream/);
    assert.equal(first.event, 'status');
    const firstView = JSON.parse(first.data!);
    assert.equal(firstView.status, 'pending');
    assert.equal(firstView.next.type, 'qr');
    sandbox.complete(p.orderNo, 'success');
    const second = await stream.next();
    assert.equal(JSON.parse(second.data!).status, 'succeeded');
    assert.ok(Number(second.id) > Number(first.id), 'ids increase');
    await stream.ended;
    await sandbox.idle();

    // Resuming with the last id: nothing new for a final order → the stream ends without repeating.
    const resumed = openStream(`${h.url}/haipay/payments/${p.orderId}/events`, {
      'last-event-id': second.id!,
    });
    await resumed.ended;
    // Resuming with an older id replays the current state.
    const older = openStream(`${h.url}/haipay/payments/${p.orderId}/events`, { 'last-event-id': first.id! });
    assert.equal(JSON.parse((await older.next()).data!).status, 'succeeded');
    await older.ended;
  });

  it('sends heartbeats while waiting', async () => {
    const p = (await h.post('/haipay/payments', { method: 'promptpay', ...BUYER }, idem())).json;
    const stream = openStream(`${h.url}/haipay/payments/${p.orderId}/events`);
    await stream.next();
    await stream.comment(': ping');
    sandbox.complete(p.orderNo, 'failure');
    assert.equal(JSON.parse((await stream.next()).data!).status, 'failed');
    await stream.ended;
    await sandbox.idle();
  });
});

describe('subscriptions', () => {
  it('create (card) → authorized → active hook; cancel needs authorize → cancelled hook', async () => {
    const res = await h.post('/haipay/subscriptions', { planRef: 'monthly', ...BUYER, ...CARD }, idem());
    assert.equal(res.status, 201, JSON.stringify(res.json));
    const sub = res.json;
    assert.match(sub.subscriptionId, /^hps_/);
    assert.ok(sub.subscriptionNo);
    assert.ok(!JSON.stringify(sub).includes(CARD.cardNumber));
    if (sub.status !== 'active') {
      sandbox.complete(sub.subscriptionNo, 'success');
      await sandbox.idle();
    }
    const read = await h.get(`/haipay/subscriptions/${sub.subscriptionId}`);
    assert.equal(read.json.status, 'active');
    const denied = await h.post(
      `/haipay/subscriptions/${sub.subscriptionId}/cancel`,
      {},
      { 'x-test-user': 'someone-else' },
    );
    assert.equal(denied.status, 403);
    const cancelled = await h.post(
      `/haipay/subscriptions/${sub.subscriptionId}/cancel`,
      {},
      { 'x-test-user': 'u-1001' },
    );
    assert.equal(cancelled.status, 200, JSON.stringify(cancelled.json));
    assert.equal(cancelled.json.status, 'cancelled');
    await sandbox.idle();
    assert.deepEqual(
      h.calls.filter((c) => c.endsWith(sub.subscriptionId)),
      [`subscription-active:${sub.subscriptionId}`, `subscription-cancelled:${sub.subscriptionId}`],
    );
  });

  it('cancel before HaiPay confirmed the subscription: 409 not_confirmed, nothing sent, nothing changed', async () => {
    // The apply's answer is lost (1003: HaiPay may have it), so the kit has no subscriptionNo to cancel.
    sandbox.injectFault({ mode: '1003', endpoint: 'subscription/apply' });
    const res = await h.post('/haipay/subscriptions', { planRef: 'monthly', ...BUYER, ...CARD }, idem());
    assert.equal(res.status, 202, JSON.stringify(res.json));
    const sub = res.json;
    assert.equal(sub.status, 'unknown');
    assert.equal(sub.subscriptionNo, null);
    // A tripwire: a cancel call reaching HaiPay would use it up and answer 502.
    const tripwire = sandbox.injectFault({ mode: 'error', code: '1002', endpoint: 'subscription/cancel' });
    try {
      const cancel = await h.post(
        `/haipay/subscriptions/${sub.subscriptionId}/cancel`,
        {},
        { 'x-test-user': 'u-1001' },
      );
      assert.equal(cancel.status, 409, JSON.stringify(cancel.json));
      assert.deepEqual(cancel.json, {
        error: {
          type: 'not_confirmed',
          message: 'Subscription not confirmed by HaiPay yet; try again shortly.',
        },
      });
      const { faults } = (await (await fetch(`${sandbox.url}/_sandbox/faults`)).json()) as {
        faults: { id: number }[];
      };
      assert.ok(
        faults.some((f) => f.id === tripwire.id),
        'HaiPay got no cancel call',
      );
      const stored = await h.store.get(sub.subscriptionId);
      assert.equal(stored?.status, 'unknown');
      assert.equal(stored?.orderNo, null);
      await assert.rejects(h.router.checkout.cancelSubscription(sub.subscriptionId), (err: unknown) => {
        assert.ok(err instanceof HaiPayNotConfirmedError);
        assert.equal(err.code, 'not_confirmed');
        return true;
      });
    } finally {
      sandbox.clearFaults();
    }
  });
});

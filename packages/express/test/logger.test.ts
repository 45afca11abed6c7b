import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createConsoleLogger, redact, REDACTED } from '../src/logger.js';
import { requestHash } from '../src/checkout/index.js';

describe('logger redaction', () => {
  it('redacts sensitive keys at any depth, extra paths with wildcards, and stray card numbers', () => {
    const out = redact(
      {
        body: { cardNumber: '4242424242424242', cvv: '123', name: 'A' },
        merchant: { secretKey: 's' },
        a: { b: { token: 't' } },
        note: 'card 4242 4242 4242 4242 used',
        orderNo: '6026010112000002',
      },
      ['cardNumber', 'cvv', 'secretKey', 'a.*.token'],
    ) as {
      body: Record<string, string>;
      merchant: { secretKey: string };
      a: { b: { token: string } };
      note: string;
      orderNo: string;
    };
    assert.equal(out.body.cardNumber, REDACTED);
    assert.equal(out.body.cvv, REDACTED);
    assert.equal(out.body.name, 'A');
    assert.equal(out.merchant.secretKey, REDACTED);
    assert.equal(out.a.b.token, REDACTED);
    assert.equal(out.note, 'card ****4242 used');
    assert.equal(out.orderNo, '6026010112000002', 'non-Luhn order numbers stay readable');
  });

  it('writes JSON lines through the default redaction', () => {
    const lines: string[] = [];
    const log = createConsoleLogger({ level: 'debug', write: (l) => void lines.push(l) });
    log.info('hello', { req: { body: { cardNumber: '4242424242424242', accountNo: '4242424242424242' } } });
    assert.equal(lines.length, 1);
    assert.ok(!lines[0]!.includes('4242424242424242'));
    assert.throws(() => createConsoleLogger({ level: 'loud' as never }), /level/);
  });

  it('hashes idempotency bodies without the card number or CVV', () => {
    const a = requestHash('payments', { method: 'card', cardNumber: '4242424242424242', cvv: '123' });
    const b = requestHash('payments', { method: 'card', cardNumber: '4000000000004242', cvv: '999' });
    const c = requestHash('payments', { method: 'card', cardNumber: '4242424242424241', cvv: '123' });
    assert.equal(a, b, 'only the last four digits take part');
    assert.notEqual(a, c);
  });
});

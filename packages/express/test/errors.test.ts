import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as kit from '@haipay-kit/express';
import { HaiPayError as ProtocolHaiPayError } from '@haipay-kit/protocol';
import { parsePrivateKey } from '@haipay-kit/protocol/node';
import { resolveStreamLimits } from '../src/router/stream-limits.js';

// Every error class the package root exports, found by walking the exports (a new class that forgets the
// base or its code fails here without anyone having to list it).
type ErrorClass = new (...args: never[]) => Error;
const errorClasses: [string, ErrorClass][] = [];
for (const [name, value] of Object.entries(kit) as [string, unknown][]) {
  if (typeof value === 'function' && (value as { prototype: unknown }).prototype instanceof Error) {
    errorClasses.push([name, value as ErrorClass]);
  }
}

function instance(name: string, Ctor: ErrorClass): Error {
  const make = Ctor as unknown as new (...args: unknown[]) => Error;
  if (name === 'HaiPayApiError') return new make('4013', 'order not exit');
  if (name === 'HaiPayValidationError') return new make('bad', []);
  if (name === 'HaiPayOutcomeUnknownError') return new make('ORD1', new Error('timeout'));
  if (name === 'HaiPayKeyError') return new make('privateKey', 'is empty.');
  return new make('message');
}

describe('the error tree', () => {
  it('every exported error is a HaiPayError, named after its class, with its own stable code', () => {
    const names = errorClasses.map(([name]) => name).sort();
    assert.ok(names.includes('HaiPayKeyError') && names.includes('HaiPayIdempotencyError'), names.join());
    const codes = new Map<string, string>();
    for (const [name, Ctor] of errorClasses) {
      const err = instance(name, Ctor);
      assert.ok(err instanceof kit.HaiPayError, `${name} extends HaiPayError`);
      assert.equal(err.name, name);
      const code = err.code;
      assert.match(code, /^[a-z_]+$/, `${name}.code is a stable word`);
      assert.equal(codes.get(code), undefined, `${name} and ${codes.get(code)} share the code ${code}`);
      codes.set(code, name);
    }
  });

  it('has one base, shared with the protocol package (a bad key is a HaiPayError too)', () => {
    assert.equal(kit.HaiPayError, ProtocolHaiPayError);
    assert.throws(
      () => parsePrivateKey('not a key', 'privateKey'),
      (err: unknown) =>
        err instanceof kit.HaiPayKeyError && err instanceof kit.HaiPayError && err.code === 'key_error',
    );
  });

  it("keeps HaiPay's own code apart from the kit's", () => {
    const err = new kit.HaiPayApiError('4013', 'order not exit', 200);
    assert.equal(err.code, 'gateway_error');
    assert.equal(err.gatewayCode, '4013');
    assert.equal(err.msg, 'order not exit');
    assert.match(err.message, /4013/);
  });
});

describe('configuration errors', () => {
  it('a bad stream limit is a HaiPayConfigError naming the option', () => {
    assert.throws(
      () => resolveStreamLimits({ total: 0 }),
      (err: unknown) =>
        err instanceof kit.HaiPayConfigError &&
        err.code === 'config_error' &&
        /streams\.total/.test(err.message),
    );
  });
});

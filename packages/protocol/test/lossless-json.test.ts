import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  parseJsonLossless,
  toPlain,
  stringifyLossless,
  LosslessNumber,
  scalarText,
  type LosslessObject,
} from '@haipay-kit/protocol';

describe('parseJsonLossless', () => {
  test('keeps number source text and parses everything else like JSON.parse', () => {
    const text = '{"a":0.50000000,"b":-1.5e+3,"c":"x\\u00e9\\n","d":[1,true,null,{"e":"f"}],"g":false}';
    const v = parseJsonLossless(text) as LosslessObject;
    assert.ok(v.a instanceof LosslessNumber);
    assert.equal(String(v.a), '0.50000000');
    assert.ok(v.b instanceof LosslessNumber);
    assert.equal(String(v.b), '-1.5e+3');
    assert.deepEqual(toPlain(v), JSON.parse(text));
  });
  test('large integers keep every digit in their source text', () => {
    const v = parseJsonLossless('{"orderNo":4025071719404220010}') as LosslessObject;
    assert.ok(v.orderNo instanceof LosslessNumber);
    assert.equal(String(v.orderNo), '4025071719404220010');
  });
  test('stringifyLossless writes numbers back as their source', () => {
    const text = '{"amount":0.50000000,"list":[1.10,2]}';
    assert.equal(stringifyLossless(parseJsonLossless(text)), text);
  });
  test('rejects invalid JSON with an offset', () => {
    for (const bad of [
      '',
      '{',
      '{"a":01}',
      '{"a":1,}',
      "{'a':1}",
      '[1 2]',
      '{"a":1} x',
      '"\u0001"',
      'NaN',
      '{"a":.5}',
    ]) {
      assert.throws(() => parseJsonLossless(bad), SyntaxError, bad);
    }
  });
  test('__proto__ keys become plain data and never pollute prototypes', () => {
    const v = parseJsonLossless(
      '{"__proto__":{"polluted":true},"constructor":{"prototype":{"x":1}}}',
    ) as LosslessObject;
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.ok(Object.prototype.hasOwnProperty.call(v, '__proto__'));
    const plain = toPlain(v) as Record<string, unknown>;
    assert.equal(Object.prototype.hasOwnProperty.call(plain, '__proto__'), false);
    assert.equal(Object.getPrototypeOf(plain), Object.prototype);
  });
  test('refuses nesting deeper than 64', () => {
    assert.throws(() => parseJsonLossless('['.repeat(100) + ']'.repeat(100)), /deeper than 64/);
  });
});

describe('scalarText', () => {
  test('the text of a string, number, boolean or lossless number; nothing for anything else', () => {
    assert.equal(scalarText('THB'), 'THB');
    assert.equal(scalarText(2), '2');
    assert.equal(scalarText(false), 'false');
    const v = parseJsonLossless('{"amount":0.50000000}') as LosslessObject;
    assert.equal(scalarText(v.amount), '0.50000000');
    for (const none of [undefined, null, {}, [2], { toString: () => 'x' }])
      assert.equal(scalarText(none), '');
  });
});

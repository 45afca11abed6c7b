// The edges of the string to sign and of the signer and verifier: how every kind of value is written,
// what is left out, and how the verifier answers input that is malformed rather than merely wrong —
// always `false`, never a throw, never `true` for a signature it did not check.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  LosslessNumber,
  hasNestedValues,
  isOmittedFromSign,
  parseJsonLossless,
  renderSignValue,
  stringToSign,
} from '@haipay-kit/protocol';
import { HaiPayKeyError, createSigner, createVerifier } from '@haipay-kit/protocol/node';
import { SIGN_UNSAFE_PATTERN, isSignSafe } from '@haipay-kit/protocol/rules';

const fixture = JSON.parse(
  readFileSync(new URL('./fixtures/haipay-signature-vectors.json', import.meta.url), 'utf8'),
) as {
  merchantSecretKey: string;
  privateKeyPkcs8Base64: string;
  publicKeySpkiBase64: string;
  vectors: { params: Record<string, unknown>; sign: string }[];
};
const secretKey = fixture.merchantSecretKey;
const signer = createSigner({ privateKey: fixture.privateKeyPkcs8Base64, secretKey });
const verifier = createVerifier({ publicKey: fixture.publicKeySpkiBase64, secretKey });

describe('renderSignValue', () => {
  test('scalars: strings as they are, numbers, booleans and bigints as their text', () => {
    assert.equal(renderSignValue(' a&b '), ' a&b ');
    assert.equal(renderSignValue(0.5), '0.5');
    assert.equal(renderSignValue(-0), '0');
    assert.equal(renderSignValue(true), 'true');
    assert.equal(renderSignValue(false), 'false');
    assert.equal(renderSignValue(12345678901234567890n), '12345678901234567890');
    assert.equal(renderSignValue(new LosslessNumber('0.50000000')), '0.50000000');
  });
  test('a non-finite number cannot be signed', () => {
    for (const n of [Infinity, -Infinity, NaN]) {
      assert.throws(() => renderSignValue(n), {
        name: 'TypeError',
        message: `Cannot sign a non-finite number (${n})`,
      });
    }
  });
  test('nested values: compact JSON by default and with "json", Java toString with "java"', () => {
    const value = [{ b: new LosslessNumber('1.50'), a: 'x' }];
    assert.equal(renderSignValue(value), '[{"b":1.50,"a":"x"}]');
    assert.equal(renderSignValue(value, 'json'), '[{"b":1.50,"a":"x"}]');
    assert.equal(renderSignValue(value, 'java'), '[{b=1.50, a=x}]');
  });
  test('Java rendering of every kind of element', () => {
    assert.equal(
      renderSignValue(
        [null, undefined, new LosslessNumber('7.0'), 'x y', true, 2, [1, [2]], {}, { k: null, m: [] }],
        'java',
      ),
      '[null, null, 7.0, x y, true, 2, [1, [2]], {}, {k=null, m=[]}]',
    );
    assert.equal(renderSignValue({ a: { b: { c: 'd' } } }, 'java'), '{a={b={c=d}}}');
    assert.equal(renderSignValue([], 'java'), '[]');
  });
});

describe('stringToSign: what is left out and how the secret is checked', () => {
  test('isOmittedFromSign: null, undefined and "" only', () => {
    assert.deepEqual([null, undefined, '', ' ', 0, '0', false, [], {}].map(isOmittedFromSign), [
      true,
      true,
      true,
      false,
      false,
      false,
      false,
      false,
      false,
    ]);
  });
  test('a secret that is not a non-empty string is refused before anything is built', () => {
    for (const bad of ['', undefined, null, 42]) {
      assert.throws(() => stringToSign({ a: '1' }, bad as string), {
        name: 'TypeError',
        message: 'stringToSign: secretKey must be a non-empty string (the merchant secret key)',
      });
    }
  });
  test('the nested style reaches nested values only', () => {
    const params = { n: 1, s: 'x', list: [{ a: 1 }] };
    assert.equal(stringToSign(params, 'K'), 'list=[{"a":1}]&n=1&s=x&key=K');
    assert.equal(stringToSign(params, 'K', 'json'), 'list=[{"a":1}]&n=1&s=x&key=K');
    assert.equal(stringToSign(params, 'K', 'java'), 'list=[{a=1}]&n=1&s=x&key=K');
  });
  test('keys sort by UTF-16 code unit, not by locale', () => {
    assert.equal(
      stringToSign({ b: '2', B: '1', a_: '3', a: '4', é: '5' }, 'K'),
      'B=1&a=4&a_=3&b=2&é=5&key=K',
    );
  });
});

describe('hasNestedValues', () => {
  test('true for an array or an object among the signed keys', () => {
    assert.equal(hasNestedValues({ a: '1', b: [] }), true);
    assert.equal(hasNestedValues({ a: {} }), true);
  });
  test('false for scalars, null, lossless numbers, and nested values under sign or sign_type', () => {
    assert.equal(hasNestedValues({}), false);
    assert.equal(hasNestedValues({ a: null, b: 1, c: 'x', d: new LosslessNumber('1.0') }), false);
    assert.equal(hasNestedValues({ sign: ['x'], sign_type: { a: 1 }, a: '1' }), false);
  });
});

describe('createSigner and createVerifier: options', () => {
  test('a secret that is missing, blank or not a string is a key error naming secretKey', () => {
    for (const bad of [undefined, '', '   ', 42]) {
      const make = [
        () => createSigner({ privateKey: fixture.privateKeyPkcs8Base64, secretKey: bad as string }),
        () => createVerifier({ publicKey: fixture.publicKeySpkiBase64, secretKey: bad as string }),
      ];
      for (const fn of make) {
        assert.throws(fn, (err: unknown) => {
          assert.ok(err instanceof HaiPayKeyError);
          assert.match(err.message, /secretKey: is missing\. Give the merchant secret key/);
          return true;
        });
      }
    }
  });
  test('surrounding whitespace is refused, not trimmed', () => {
    for (const padded of [` ${secretKey}`, `${secretKey}\n`]) {
      assert.throws(
        () => createSigner({ privateKey: fixture.privateKeyPkcs8Base64, secretKey: padded }),
        (err: unknown) =>
          err instanceof HaiPayKeyError && /^secretKey: has leading or trailing whitespace/.test(err.message),
      );
    }
  });
  test('no options at all is a key error, not a TypeError', () => {
    assert.throws(() => createSigner(undefined as never), HaiPayKeyError);
    assert.throws(() => createVerifier(undefined as never), HaiPayKeyError);
  });
});

describe('signing', () => {
  const v = fixture.vectors[0]!;
  test('the signature covers the string to sign in UTF-8', () => {
    const thai = { appId: 1000, name: 'สมชาย ใจดี', orderNo: '1' };
    const signed = signer.signParams(thai);
    assert.equal(verifier.verify(signed), true);
    assert.equal(verifier.verify({ ...signed, name: 'สมชาย ใจด' }), false);
  });
  test('signParams keeps every field and adds the signature of the fields', () => {
    const signed = signer.signParams(v.params);
    assert.deepEqual({ ...signed, sign: undefined }, { ...v.params, sign: undefined });
    assert.equal(signed.sign, v.sign);
  });
});

describe('verifier: malformed input is false, never a throw', () => {
  const v = fixture.vectors[0]!;
  test('params that are not an object', () => {
    for (const params of [null, undefined, 'appId=1', 42]) {
      assert.equal(verifier.verify(params as never, v.sign), false, String(params));
      assert.equal(verifier.verify(params as never), false, String(params));
    }
  });
  test('a signature with characters outside base64 is refused even when it decodes to the right bytes', () => {
    // Node's base64 decoder skips characters it does not know; the verifier must not.
    const mid = v.sign.length >> 1;
    for (const bad of [
      `${v.sign.slice(0, mid)}!${v.sign.slice(mid)}`,
      `!${v.sign}`,
      `${v.sign}!`,
      `${v.sign}\n`,
      ` ${v.sign}`,
      v.sign.replace(/\+/g, '-').replace(/\//g, '_'),
    ]) {
      if (bad === v.sign) continue;
      assert.equal(verifier.verify(v.params, bad), false, JSON.stringify(bad));
    }
    assert.equal(verifier.verify(v.params, v.sign), true);
  });
  test('padding: at most two "=" at the end', () => {
    const unpadded = v.sign.replace(/=+$/, '');
    assert.equal(verifier.verify(v.params, `${unpadded}===`), false);
    assert.equal(verifier.verify(v.params, `${unpadded}=A=`), false);
  });
  test('a value the string to sign refuses (a non-finite number) is false', () => {
    assert.equal(verifier.verify({ ...v.params, amount: Infinity }, v.sign), false);
    assert.equal(verifier.verify({ ...v.params, list: [NaN] }, v.sign), false);
  });
  test('a signature of the right length but over other data is false for flat and nested params', () => {
    const other = signer.sign({ appId: 1 });
    assert.equal(verifier.verify(v.params, other), false);
    assert.equal(verifier.verify({ ...v.params, list: [{ a: 1 }] }, other), false);
  });
  test('the signature length follows the key: a 3072-bit key signs and verifies, a 2048-bit signature does not', () => {
    const pair = generateKeyPairSync('rsa', { modulusLength: 3072 });
    const big = {
      sign: createSigner({ privateKey: pair.privateKey, secretKey: 's' }),
      check: createVerifier({ publicKey: pair.publicKey, secretKey: 's' }),
    };
    const params = { appId: 1, orderNo: '1' };
    const signature = big.sign.sign(params);
    assert.equal(Buffer.from(signature, 'base64').length, 384);
    assert.equal(big.check.verify(params, signature), true);
    assert.equal(big.check.verify(params, signer.sign(params)), false);
  });
  test('a signature over the Java rendering of flat params is the same as over JSON', () => {
    const body = parseJsonLossless('{"appId":1,"amount":0.50}') as Record<string, unknown>;
    assert.equal(stringToSign(body, secretKey, 'java'), stringToSign(body, secretKey, 'json'));
    assert.equal(verifier.verify(body, signer.sign(body)), true);
  });
});

describe('isSignSafe: every character that could cut a signed value', () => {
  test('& and =, each C0 and C1 control character, DEL, and the line and paragraph separators', () => {
    const unsafe = ['&', '=', '\u2028', '\u2029'];
    for (let c = 0x00; c <= 0x1f; c++) unsafe.push(String.fromCharCode(c));
    for (let c = 0x7f; c <= 0x9f; c++) unsafe.push(String.fromCharCode(c));
    for (const ch of unsafe) {
      assert.equal(isSignSafe(`a${ch}b`), false, JSON.stringify(ch));
      assert.equal(isSignSafe(ch), false, JSON.stringify(ch));
    }
  });
  test('everything around them is safe: space, printable ASCII, NBSP, other separators and scripts', () => {
    const safe = [' ', '~', '%', '+', '\u00a0', '\u2027', '\u202a', '\u3000', 'ทดสอบ', '😀'];
    for (let c = 0x20; c < 0x7f; c++) if (c !== 0x26 && c !== 0x3d) safe.push(String.fromCharCode(c));
    for (const ch of safe) assert.equal(isSignSafe(`a${ch}b`), true, JSON.stringify(ch));
  });
  test('the exported pattern is the rule isSignSafe applies', () => {
    assert.equal(SIGN_UNSAFE_PATTERN.test('a=b'), true);
    assert.equal(SIGN_UNSAFE_PATTERN.test('ab'), false);
  });
});

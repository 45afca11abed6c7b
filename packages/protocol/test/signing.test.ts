import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { stringToSign, parseJsonLossless, type LosslessObject } from '@haipay-kit/protocol';
import { sign as cryptoSign } from 'node:crypto';
import { createSigner, createVerifier, parsePrivateKey } from '@haipay-kit/protocol/node';

interface Vector {
  name: string;
  params: Record<string, unknown>;
  stringToSign: string;
  sign: string;
}
const fixture = JSON.parse(
  readFileSync(new URL('./fixtures/haipay-signature-vectors.json', import.meta.url), 'utf8'),
) as {
  merchantSecretKey: string;
  privateKeyPkcs8Base64: string;
  publicKeySpkiBase64: string;
  vectors: Vector[];
};
const secretKey = fixture.merchantSecretKey;
const signer = createSigner({ privateKey: fixture.privateKeyPkcs8Base64, secretKey });
const verifier = createVerifier({ publicKey: fixture.publicKeySpkiBase64, secretKey });

describe('HaiPay published signature vectors', () => {
  test('the fixture holds the five published vectors', () => {
    assert.equal(fixture.vectors.length, 5);
  });
  for (const v of fixture.vectors) {
    describe(v.name, () => {
      test('string to sign is byte-exact', () => {
        assert.equal(stringToSign(v.params, secretKey), v.stringToSign);
      });
      test('signature is byte-exact', () => {
        assert.equal(signer.sign(v.params), v.sign);
      });
      test('verifies with the public key', () => {
        assert.equal(verifier.verify(v.params, v.sign), true);
      });
      test('a one-character change in any value fails verification', () => {
        for (const key of Object.keys(v.params)) {
          const value = v.params[key];
          if (value === null || value === '' || value === undefined) continue;
          assert.ok(typeof value === 'string' || typeof value === 'number', `${key} is a scalar`);
          const text = String(value);
          const changed = text.slice(0, -1) + (text.endsWith('1') ? '2' : '1');
          const tampered = { ...v.params, [key]: typeof value === 'number' ? Number(changed) : changed };
          assert.equal(verifier.verify(tampered, v.sign), false, `changing ${key} must break the signature`);
        }
      });
      test('a one-character change in the signature fails verification', () => {
        const i = 10;
        const flipped = v.sign.slice(0, i) + (v.sign[i] === 'A' ? 'B' : 'A') + v.sign.slice(i + 1);
        assert.equal(verifier.verify(v.params, flipped), false);
      });
    });
  }
  test('a different secret key fails verification', () => {
    const other = createVerifier({ publicKey: fixture.publicKeySpkiBase64, secretKey: secretKey + 'x' });
    const v = fixture.vectors[0]!;
    assert.equal(other.verify(v.params, v.sign), false);
  });
});

describe('stringToSign rules (docs/protocol.md §2.2)', () => {
  test('drops sign, sign_type, null, undefined and empty strings; keeps 0, "0", false and spaces', () => {
    const s = stringToSign(
      { sign: 'x', sign_type: 'RSA', a: null, b: '', c: undefined, d: 0, e: '0', f: false, g: ' ' },
      'K',
    );
    assert.equal(s, 'd=0&e=0&f=false&g= &key=K');
  });
  test('sorts by code unit: upper case before lower case', () => {
    assert.equal(
      stringToSign({ callBackUrl: 'u', callBackFailUrl: 'f', amount: '1', appId: 1, Zeta: 'z' }, 'K'),
      'Zeta=z&amount=1&appId=1&callBackFailUrl=f&callBackUrl=u&key=K',
    );
  });
  test('values are raw: no URL-encoding, trimming or quoting', () => {
    assert.equal(
      stringToSign({ name: 'Somchai Jaidee', url: 'https://a.example/x?y=1&z=2' }, 'K'),
      'name=Somchai Jaidee&url=https://a.example/x?y=1&z=2&key=K',
    );
  });
  test('only the key when every field is dropped', () => {
    assert.equal(stringToSign({ sign: 's', x: '' }, 'K'), 'key=K');
  });
  test('nested values render as compact JSON', () => {
    assert.equal(
      stringToSign({ list: ['a', 1], obj: { b: true } }, 'K'),
      'list=["a",1]&obj={"b":true}&key=K',
    );
  });
  test('refuses an empty secret', () => {
    assert.throws(() => stringToSign({ a: '1' }, ''), /secretKey/);
  });
});

describe('number-literal preservation (docs/protocol.md §2.4)', () => {
  const raw =
    '{"subscriptionNo":"4025011311423010028","appId":1724,"amount":0.50000000,"status":"2","rate":1.0E+2}';
  const data = parseJsonLossless(raw) as LosslessObject;
  test('the string to sign keeps each number as its source text', () => {
    assert.equal(
      stringToSign(data, secretKey),
      `amount=0.50000000&appId=1724&rate=1.0E+2&status=2&subscriptionNo=4025011311423010028&key=${secretKey}`,
    );
  });
  test('a signature over the source text verifies through parseJsonLossless, but not through JSON.parse', () => {
    const signature = signer.sign(data);
    const signedBody = raw.replace(/}$/, `,"sign":"${signature}"}`);
    assert.equal(verifier.verify(parseJsonLossless(signedBody) as LosslessObject), true);
    assert.equal(verifier.verify(JSON.parse(signedBody) as Record<string, unknown>), false);
  });
  test('numbers stay usable as values', () => {
    assert.equal(Number(data.amount), 0.5);
    assert.equal(Number(data.appId) + 1, 1725);
  });
});

describe('verifier input handling', () => {
  const v = fixture.vectors[1]!;
  test('a missing, non-string, non-base64 or wrong-length signature is false, not a throw', () => {
    for (const bad of [undefined, null, 42, '', '!!!', 'AAAA', v.sign + 'AAAA']) {
      assert.equal(verifier.verify(v.params, bad), false, String(bad));
    }
  });
  test('reads params.sign when no signature is passed', () => {
    assert.equal(verifier.verify({ ...v.params, sign: v.sign }), true);
  });
  test('signParams adds a verifiable sign without changing the input', () => {
    const input = { appId: 1, orderId: 'A' };
    const signed = signer.signParams(input);
    assert.equal('sign' in input, false);
    assert.equal(verifier.verify(signed), true);
  });
});

describe('nested values (docs/protocol.md §2.4)', () => {
  const data = {
    subscriptionNo: 'S1',
    deductList: [{ deductNo: 'D1', amount: '0.50', status: 2 }],
  };
  test('java rendering follows List/Map toString', () => {
    assert.equal(
      stringToSign(data, 'K', 'java'),
      'deductList=[{deductNo=D1, amount=0.50, status=2}]&subscriptionNo=S1&key=K',
    );
  });
  test('the verifier accepts a signature over either rendering, and nothing else', () => {
    const key = parsePrivateKey(fixture.privateKeyPkcs8Base64);
    const rawSign = (text: string) => cryptoSign('sha256', Buffer.from(text, 'utf8'), key).toString('base64');
    assert.equal(verifier.verify(data, rawSign(stringToSign(data, secretKey, 'json'))), true);
    assert.equal(verifier.verify(data, rawSign(stringToSign(data, secretKey, 'java'))), true);
    assert.equal(verifier.verify(data, rawSign(stringToSign(data, secretKey).replace('0.50', '0.5'))), false);
    const changed = { ...data, deductList: [{ deductNo: 'D1', amount: '5.00', status: 2 }] };
    assert.equal(verifier.verify(changed, rawSign(stringToSign(data, secretKey, 'java'))), false);
  });
});

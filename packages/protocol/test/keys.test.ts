import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import {
  createSigner,
  createVerifier,
  parsePrivateKey,
  parsePublicKey,
  generateHaiPayKeyPair,
  toPem,
  HaiPayKeyError,
} from '@haipay-kit/protocol/node';

const fixture = JSON.parse(
  readFileSync(new URL('./fixtures/haipay-signature-vectors.json', import.meta.url), 'utf8'),
) as { merchantSecretKey: string; privateKeyPkcs8Base64: string; publicKeySpkiBase64: string };
const secretKey = fixture.merchantSecretKey;
const barePrivate = fixture.privateKeyPkcs8Base64;
const barePublic = fixture.publicKeySpkiBase64;
const privateKey = parsePrivateKey(barePrivate);
const pemPkcs8 = toPem(privateKey);
const pemPkcs1 = String(privateKey.export({ format: 'pem', type: 'pkcs1' }));
const pemSpki = toPem(parsePublicKey(barePublic));
const wrap = (label: string, body: string) =>
  `-----BEGIN ${label}-----\n${body.match(/.{1,64}/g)!.join('\n')}\n-----END ${label}-----\n`;

/** Signs with the reference key and checks the result against the published key pair. */
const reference = createSigner({ privateKey: barePrivate, secretKey }).sign({ appId: 1000, orderNo: '1000' });

describe('private key formats', () => {
  const accepted: Array<[string, string | Buffer]> = [
    ['bare base64 PKCS#8 (HaiPay format)', barePrivate],
    ['bare base64 with line breaks and spaces', barePrivate.match(/.{1,64}/g)!.join('\n  ')],
    ['PEM PKCS#8', pemPkcs8],
    ['PEM PKCS#1', pemPkcs1],
    [
      "PKCS#8 body under an RSA PRIVATE KEY label (HaiPay's PHP sample)",
      wrap('RSA PRIVATE KEY', barePrivate),
    ],
    ['PEM in a Buffer', Buffer.from(pemPkcs8)],
  ];
  for (const [name, input] of accepted) {
    test(`accepts ${name} and signs identically`, () => {
      assert.equal(
        createSigner({ privateKey: input, secretKey }).sign({ appId: 1000, orderNo: '1000' }),
        reference,
      );
    });
  }
});

describe('public key formats', () => {
  const accepted: Array<[string, string]> = [
    ['bare base64 SPKI (HaiPay format)', barePublic],
    ['PEM SPKI', pemSpki],
    [
      'PEM PKCS#1 RSA PUBLIC KEY',
      String(parsePublicKey(barePublic).export({ format: 'pem', type: 'pkcs1' })),
    ],
  ];
  for (const [name, input] of accepted) {
    test(`accepts ${name}`, () => {
      const verifier = createVerifier({ publicKey: input, secretKey });
      assert.equal(verifier.verify({ appId: 1000, orderNo: '1000' }, reference), true);
    });
  }
});

describe('bad keys fail at construction with an error that says how to fix them', () => {
  const cases: Array<[string, () => unknown, RegExp]> = [
    [
      'public key given as the private key (bare)',
      () => parsePrivateKey(barePublic),
      /looks like a public key.*swap/,
    ],
    [
      'public key given as the private key (PEM)',
      () => parsePrivateKey(pemSpki),
      /looks like a public key.*swap/,
    ],
    [
      'private key given as the public key (bare)',
      () => parsePublicKey(barePrivate),
      /looks like a private key.*swap/,
    ],
    [
      'private key given as the public key (PEM)',
      () => parsePublicKey(pemPkcs8),
      /looks like a private key.*swap/,
    ],
    ['the merchant secret given as a key', () => parsePrivateKey(secretKey), /too short.*secret key/],
    ['garbage text', () => parsePrivateKey('not a key at all!'), /neither PEM .* nor base64/],
    ['empty string', () => parsePublicKey(''), /is empty/],
    ['missing', () => createSigner({ secretKey } as never), /privateKey: is missing/],
    [
      'base64 that is not a key',
      () => parsePrivateKey(Buffer.alloc(600, 7).toString('base64')),
      /not an RSA private key/,
    ],
    ['truncated key', () => parsePublicKey(barePublic.slice(0, 300)), /not an RSA public key/],
    [
      'an encrypted private key',
      () =>
        parsePrivateKey(
          String(
            privateKey.export({ format: 'pem', type: 'pkcs8', cipher: 'aes-256-cbc', passphrase: 'pw' }),
          ),
        ),
      /encrypted.*openssl/,
    ],
    [
      'an EC key',
      () => parsePrivateKey(toPem(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey)),
      /is a ec key.*RSA/,
    ],
    [
      'an RSA-1024 key',
      () => parsePrivateKey(toPem(generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey)),
      /1024-bit.*at least 2048/,
    ],
    [
      'an empty secret key',
      () => createSigner({ privateKey: barePrivate, secretKey: '' }),
      /secretKey: is missing/,
    ],
    [
      'a secret key with stray whitespace',
      () => createVerifier({ publicKey: barePublic, secretKey: ` ${secretKey}\n` }),
      /whitespace/,
    ],
  ];
  for (const [name, fn, message] of cases) {
    test(name, () => {
      assert.throws(fn, (err: Error) => {
        assert.match(err.message, message);
        assert.ok(err instanceof HaiPayKeyError, `${err.name} is a HaiPayKeyError`);
        assert.equal(err.code, 'key_error');
        return true;
      });
    });
  }
  test('key errors are HaiPayKeyError and name the option', () => {
    assert.throws(
      () => createVerifier({ publicKey: barePrivate, secretKey }),
      (err: unknown) => err instanceof HaiPayKeyError && err.option === 'publicKey',
    );
  });
});

describe('generateHaiPayKeyPair', () => {
  test('produces bare base64 PKCS#8/SPKI that sign and verify together', () => {
    const pair = generateHaiPayKeyPair();
    assert.match(pair.privateKey, /^MII[A-Za-z0-9+/]+=*$/);
    assert.match(pair.publicKey, /^MIIBIjAN[A-Za-z0-9+/]+=*$/);
    assert.equal(
      createPrivateKey({ key: Buffer.from(pair.privateKey, 'base64'), format: 'der', type: 'pkcs8' }).type,
      'private',
    );
    const signed = createSigner({ privateKey: pair.privateKey, secretKey: 's' }).signParams({ a: '1' });
    assert.equal(createVerifier({ publicKey: pair.publicKey, secretKey: 's' }).verify(signed), true);
    assert.equal(createVerifier({ publicKey: barePublic, secretKey: 's' }).verify(signed), false);
  });
});

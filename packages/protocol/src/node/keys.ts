/**
 * RSA key parsing with errors that say how to fix the key — docs/protocol.md §2.1.
 *
 * HaiPay's canonical formats are bare base64 DER without armour: PKCS#8 for private keys, X.509
 * SubjectPublicKeyInfo for public keys. PEM is accepted too (PKCS#8, PKCS#1, SPKI), including HaiPay's
 * PHP sample quirk of a PKCS#8 body under a `BEGIN RSA PRIVATE KEY` label.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, KeyObject } from 'node:crypto';
import { HaiPayError } from '../haipay-error.js';

/** Anything the kit accepts as a key: bare base64 DER, PEM text, a Buffer of DER or PEM, or a KeyObject. */
export type KeyInput = string | Uint8Array | KeyObject;

/** Raised when a key cannot be used; the message names the option and says how to fix it. */
export class HaiPayKeyError extends HaiPayError {
  override name = 'HaiPayKeyError';
  override readonly code = 'key_error';
  /** The option the bad key was given as, e.g. `privateKey` or `platformPublicKey`. */
  readonly option: string;
  constructor(option: string, message: string) {
    super(`${option}: ${message}`);
    this.option = option;
  }
}

const PEM_RE = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/;
const BASE64_RE = /^[A-Za-z0-9+/]+={0,2}$/;
const MIN_BITS = 2048;

function tryOr<T>(fn: () => T): T | undefined {
  try {
    return fn();
  } catch {
    return undefined;
  }
}

function asText(input: string | Uint8Array): string {
  return typeof input === 'string' ? input : Buffer.from(input).toString('latin1');
}

function checkRsa(key: KeyObject, option: string): KeyObject {
  if (key.asymmetricKeyType !== 'rsa') {
    throw new HaiPayKeyError(
      option,
      `is a ${key.asymmetricKeyType ?? 'non-asymmetric'} key; HaiPay uses RSA 2048 (SHA256WithRSA). ` +
        'Generate one with `pnpm haipay keygen`.',
    );
  }
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits < MIN_BITS) {
    throw new HaiPayKeyError(
      option,
      `is an RSA ${bits}-bit key; HaiPay requires at least ${MIN_BITS} bits. Generate a new pair with \`pnpm haipay keygen\`.`,
    );
  }
  return key;
}

function decodeBare(text: string, option: string, expected: 'private' | 'public'): Buffer {
  const compact = text.replace(/\s+/g, '');
  if (compact === '')
    throw new HaiPayKeyError(option, 'is empty. Paste the key from the HaiPay back office.');
  if (!BASE64_RE.test(compact)) {
    throw new HaiPayKeyError(
      option,
      `is neither PEM ("-----BEGIN ...") nor base64. Expected HaiPay's bare base64 ${
        expected === 'private' ? 'PKCS#8 private key (starts "MII")' : 'SPKI public key (starts "MIIBIjAN")'
      }.`,
    );
  }
  if (compact.length < 200) {
    throw new HaiPayKeyError(
      option,
      `is only ${compact.length} characters: too short for an RSA key. ` +
        'Is this the merchant secret key? That goes in `secretKey`; this option takes the RSA key.',
    );
  }
  return Buffer.from(compact, 'base64');
}

/**
 * Parses an RSA private key (the merchant's, or the sandbox platform's) into a KeyObject, once.
 *
 * @param input - bare base64 PKCS#8 (HaiPay's format), PEM PKCS#8 or PKCS#1, DER/PEM bytes, or a KeyObject
 * @param option - the option name used in error messages
 * @throws {@link HaiPayKeyError} naming the problem: a public key given by mistake, an encrypted key,
 *   not RSA, shorter than 2048 bits, or not a key at all.
 */
export function parsePrivateKey(input: KeyInput, option = 'privateKey'): KeyObject {
  const swapped = `looks like a public key, not a private key — did you swap \`${option}\` and the public key option?`;
  if (input instanceof KeyObject) {
    if (input.type === 'public') throw new HaiPayKeyError(option, swapped);
    if (input.type !== 'private')
      throw new HaiPayKeyError(option, 'must be an RSA private key, not a secret key.');
    return checkRsa(input, option);
  }
  if (typeof input !== 'string' && !(input instanceof Uint8Array)) {
    throw new HaiPayKeyError(
      option,
      'is missing. Give the merchant RSA private key (bare base64 PKCS#8 or PEM).',
    );
  }
  const text = asText(input).trim();
  const pem = PEM_RE.exec(text);
  if (pem) {
    const label = pem[1]!;
    if (label.includes('PUBLIC KEY') || label === 'CERTIFICATE') throw new HaiPayKeyError(option, swapped);
    if (label === 'ENCRYPTED PRIVATE KEY') {
      throw new HaiPayKeyError(
        option,
        'is encrypted with a passphrase. Decrypt it first: `openssl pkcs8 -in key.pem -nocrypt -topk8 -out plain.pem`.',
      );
    }
    const key =
      tryOr(() => createPrivateKey({ key: pem[0], format: 'pem' })) ??
      // HaiPay's PHP sample wraps the bare PKCS#8 body in a "RSA PRIVATE KEY" (PKCS#1) label.
      tryOr(() =>
        createPrivateKey({
          key: Buffer.from(pem[2]!.replace(/\s+/g, ''), 'base64'),
          format: 'der',
          type: 'pkcs8',
        }),
      );
    if (!key)
      throw new HaiPayKeyError(
        option,
        `has a "${label}" PEM block that does not parse as an RSA private key.`,
      );
    return checkRsa(key, option);
  }
  const der = decodeBare(text, option, 'private');
  const key =
    tryOr(() => createPrivateKey({ key: der, format: 'der', type: 'pkcs8' })) ??
    tryOr(() => createPrivateKey({ key: der, format: 'der', type: 'pkcs1' }));
  if (key) return checkRsa(key, option);
  if (tryOr(() => createPublicKey({ key: der, format: 'der', type: 'spki' })))
    throw new HaiPayKeyError(option, swapped);
  throw new HaiPayKeyError(
    option,
    'is base64 but not an RSA private key (PKCS#8 or PKCS#1 DER). Copy the whole key, without line breaks lost in the middle.',
  );
}

/**
 * Parses an RSA public key (HaiPay's platform key, or a merchant's in the sandbox) into a KeyObject.
 *
 * @param input - bare base64 SPKI (HaiPay's format), PEM SPKI or PKCS#1, DER/PEM bytes, or a KeyObject
 * @param option - the option name used in error messages
 * @throws {@link HaiPayKeyError} naming the problem. A private key given here is refused rather than
 *   silently reduced to its public half: it almost always means two options were swapped, and a
 *   private key does not belong in a public-key setting.
 */
export function parsePublicKey(input: KeyInput, option = 'publicKey'): KeyObject {
  const swapped =
    `looks like a private key, not a public key — did you swap \`${option}\` and the private key option? ` +
    'The public key starts "MIIBIjAN" (bare) or "-----BEGIN PUBLIC KEY-----".';
  if (input instanceof KeyObject) {
    if (input.type === 'private') throw new HaiPayKeyError(option, swapped);
    if (input.type !== 'public')
      throw new HaiPayKeyError(option, 'must be an RSA public key, not a secret key.');
    return checkRsa(input, option);
  }
  if (typeof input !== 'string' && !(input instanceof Uint8Array)) {
    throw new HaiPayKeyError(option, 'is missing. Give the RSA public key (bare base64 SPKI or PEM).');
  }
  const text = asText(input).trim();
  const pem = PEM_RE.exec(text);
  if (pem) {
    const label = pem[1]!;
    if (label.includes('PRIVATE KEY')) throw new HaiPayKeyError(option, swapped);
    const key = tryOr(() => createPublicKey({ key: pem[0], format: 'pem' }));
    if (!key)
      throw new HaiPayKeyError(
        option,
        `has a "${label}" PEM block that does not parse as an RSA public key.`,
      );
    return checkRsa(key, option);
  }
  const der = decodeBare(text, option, 'public');
  // Check for private key material first: createPublicKey() would silently derive a public key from it.
  if (
    tryOr(() => createPrivateKey({ key: der, format: 'der', type: 'pkcs8' })) ??
    tryOr(() => createPrivateKey({ key: der, format: 'der', type: 'pkcs1' }))
  ) {
    throw new HaiPayKeyError(option, swapped);
  }
  const key =
    tryOr(() => createPublicKey({ key: der, format: 'der', type: 'spki' })) ??
    tryOr(() => createPublicKey({ key: der, format: 'der', type: 'pkcs1' }));
  if (key) return checkRsa(key, option);
  throw new HaiPayKeyError(option, 'is base64 but not an RSA public key (SPKI DER). Copy the whole key.');
}

/** A key pair in HaiPay's upload format: bare base64 DER, no armour or line breaks. */
export interface HaiPayKeyPair {
  /** PKCS#8 DER, base64 — keep on the server, never in a bundle or a log. */
  privateKey: string;
  /** SPKI DER, base64 — upload to the HaiPay back office. */
  publicKey: string;
}

/** Generates an RSA-2048 key pair in HaiPay's bare base64 format (PKCS#8 private, SPKI public). */
export function generateHaiPayKeyPair(): HaiPayKeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { privateKey: toBareBase64(privateKey), publicKey: toBareBase64(publicKey) };
}

/** Exports a KeyObject as HaiPay's bare base64 DER (PKCS#8 for private keys, SPKI for public keys). */
export function toBareBase64(key: KeyObject): string {
  return key.type === 'private'
    ? key.export({ format: 'der', type: 'pkcs8' }).toString('base64')
    : key.export({ format: 'der', type: 'spki' }).toString('base64');
}

/** Exports a KeyObject as PEM (PKCS#8 `PRIVATE KEY` or SPKI `PUBLIC KEY`). */
export function toPem(key: KeyObject): string {
  return key.type === 'private'
    ? String(key.export({ format: 'pem', type: 'pkcs8' }))
    : String(key.export({ format: 'pem', type: 'spki' }));
}

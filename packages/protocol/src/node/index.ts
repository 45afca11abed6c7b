/**
 * `@haipay-kit/protocol/node` — signing and verification on `node:crypto` (server side only).
 *
 * Keys are parsed and turned into KeyObjects once, at construction: a per-call PEM parse costs 3–6×.
 * docs/protocol.md §2: SHA256WithRSA (RSASSA-PKCS1-v1_5 + SHA-256) over the UTF-8 string to sign,
 * standard base64 output.
 */
import { sign as cryptoSign, verify as cryptoVerify, type KeyObject } from 'node:crypto';
import { hasNestedValues, stringToSign } from '../sign-string.js';
import { HaiPayKeyError, parsePrivateKey, parsePublicKey, type KeyInput } from './keys.js';

export {
  HaiPayKeyError,
  parsePrivateKey,
  parsePublicKey,
  generateHaiPayKeyPair,
  toBareBase64,
  toPem,
  type KeyInput,
  type HaiPayKeyPair,
} from './keys.js';

function checkSecret(secretKey: unknown): string {
  if (typeof secretKey !== 'string' || secretKey.trim() === '') {
    throw new HaiPayKeyError(
      'secretKey',
      'is missing. Give the merchant secret key from the HaiPay back office.',
    );
  }
  if (secretKey !== secretKey.trim()) {
    throw new HaiPayKeyError(
      'secretKey',
      'has leading or trailing whitespace; HaiPay signs it verbatim, so trim it.',
    );
  }
  return secretKey;
}

/** Options for {@link createSigner}. */
export interface SignerOptions {
  /** RSA private key: bare base64 PKCS#8 (HaiPay's format), PEM (PKCS#8 or PKCS#1), or a KeyObject. */
  privateKey: KeyInput;
  /** The merchant secret key of the appId this signer signs for. */
  secretKey: string;
}

/** Signs HaiPay parameter maps. Built by {@link createSigner}. */
export interface Signer {
  /** Returns the base64 SHA256WithRSA signature of `params` (see `stringToSign`). */
  sign(params: Readonly<Record<string, unknown>>): string;
  /** Returns a copy of `params` with `sign` set — a ready request body or test notification. */
  signParams<T extends Record<string, unknown>>(params: T): T & { sign: string };
}

/**
 * Creates a signer for one appId. The key is validated and parsed once; a swapped, malformed or weak
 * key throws `HaiPayKeyError` here, not at the first payment.
 *
 * @example
 * const signer = createSigner({ privateKey: process.env.HAIPAY_PRIVATE_KEY!, secretKey: process.env.HAIPAY_SECRET! });
 * const body = signer.signParams({ appId: 1054, orderId: 'M1', ... });
 */
export function createSigner(options: SignerOptions): Signer {
  const key: KeyObject = parsePrivateKey(options?.privateKey, 'privateKey');
  // Stryker disable next-line OptionalChaining: without options, parsePrivateKey above has thrown already
  const secretKey = checkSecret(options?.secretKey);
  const sign = (params: Readonly<Record<string, unknown>>): string =>
    cryptoSign('sha256', Buffer.from(stringToSign(params, secretKey), 'utf8'), key).toString('base64');
  return {
    sign,
    signParams: (params) => ({ ...params, sign: sign(params) }),
  };
}

/** Options for {@link createVerifier}. */
export interface VerifierOptions {
  /** RSA public key of the signer (HaiPay's platform key): bare base64 SPKI, PEM, or a KeyObject. */
  publicKey: KeyInput;
  /** The merchant secret key of the appId concerned. */
  secretKey: string;
}

/** Verifies HaiPay signatures. Built by {@link createVerifier}. */
export interface Verifier {
  /**
   * True when `signature` (default: `params.sign`) is a valid signature of `params`. Never throws for
   * a bad or missing signature: it returns false. Pass lossless values (`parseJsonLossless`) so
   * numbers are checked as the text HaiPay signed. Arrays and objects are accepted in compact-JSON or
   * Java `toString` rendering (docs/protocol.md §2.4).
   */
  verify(params: Readonly<Record<string, unknown>>, signature?: unknown): boolean;
}

const SIGNATURE_RE = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * Creates a verifier for one appId's messages (responses' `data` and notifications).
 *
 * @example
 * const verifier = createVerifier({ publicKey: HAIPAY_PLATFORM_PUBLIC_KEY, secretKey });
 * verifier.verify(parseJsonLossless(rawBody) as LosslessObject); // uses body.sign
 */
export function createVerifier(options: VerifierOptions): Verifier {
  const key: KeyObject = parsePublicKey(options?.publicKey, 'publicKey');
  // Stryker disable next-line OptionalChaining: without options parsePublicKey has already thrown
  const secretKey = checkSecret(options?.secretKey);
  return {
    verify(params, signature = params?.sign) {
      if (params === null || typeof params !== 'object') return false;
      if (typeof signature !== 'string' || !SIGNATURE_RE.test(signature)) return false;
      const bytes = Buffer.from(signature, 'base64');
      // Stryker disable next-line OptionalChaining: an RSA KeyObject always has asymmetricKeyDetails
      if (bytes.length !== (key.asymmetricKeyDetails?.modulusLength ?? 2048) / 8) return false;
      const check = (nested: 'json' | 'java') => {
        try {
          return cryptoVerify(
            'sha256',
            // Stryker disable next-line StringLiteral: Buffer.from reads an empty encoding as UTF-8
            Buffer.from(stringToSign(params, secretKey, nested), 'utf8'),
            key,
            bytes,
          );
        } catch {
          return false;
        }
      };
      // docs/protocol.md §2.4: nested values have no documented rendering; accept a signature that
      // matches either compact JSON (ours) or Java's toString (likely HaiPay's). Both cover every field.
      return check('json') || (hasNestedValues(params) && check('java'));
    },
  };
}

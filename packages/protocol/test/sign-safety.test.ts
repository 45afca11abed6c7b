/**
 * Unambiguous values (docs/protocol.md §2.5).
 *
 * HaiPay signs `k=v&k=v…&key=secret` with raw values (§2.2). The string is only a faithful picture of
 * the map when no key or value holds `&` or `=`: then it parses back to exactly the pairs that were
 * signed. When one does, another map signs the very same string, so one signature stands for two
 * messages. These properties show both halves, and that the kit refuses such a map on the way out
 * (`signSafetyIssues`, `validateRequest(…, { signSafe: true })`, `validateEmail`) and on the way in
 * (`ambiguousSignedKeys`).
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import {
  stringToSign,
  renderSignValue,
  isOmittedFromSign,
  UNSIGNED_KEYS,
  LosslessNumber,
  isSignSafe,
  signSafetyIssues,
  ambiguousSignedKeys,
  validateRequest,
  validateEmail,
  type FieldIssue,
} from '@haipay-kit/protocol';
import { createSigner, createVerifier } from '@haipay-kit/protocol/node';

const SEED = Number(process.env.HAIPAY_FUZZ_SEED ?? 2505);
const RUNS = 2000;
const check = <T>(arb: fc.Arbitrary<T>, prop: (v: T) => void, numRuns = RUNS) =>
  fc.assert(fc.property(arb, prop), { seed: SEED, numRuns });

// ---------------------------------------------------------------- helpers

type Pair = [key: string, value: string];

/** The pairs a map contributes to its string to sign, in signing order, values as signed. */
function signedPairs(map: Readonly<Record<string, unknown>>): Pair[] {
  return Object.keys(map)
    .filter((k) => !UNSIGNED_KEYS.includes(k) && !isOmittedFromSign(map[k]))
    .sort()
    .map((k) => [k, renderSignValue(map[k])]);
}

/**
 * Reads a string to sign back into pairs, the only way it can be read: drop the final `key=<secret>`,
 * split on `&`, split each pair at its first `=`.
 */
function parseStringToSign(text: string, secret: string): Pair[] {
  const tail = `key=${secret}`;
  if (text === tail) return [];
  assert.ok(text.endsWith(`&${tail}`), 'the string to sign ends with &key=<secret>');
  return text
    .slice(0, -(tail.length + 1))
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      assert.ok(eq > 0, `pair ${JSON.stringify(pair)} has a key and an =`);
      return [pair.slice(0, eq), pair.slice(eq + 1)];
    });
}

// ---------------------------------------------------------------- generators

/** Field names HaiPay requests, answers and notifications use (plus the two that are never signed). */
const HAIPAY_FIELDS = [
  'appId',
  'orderId',
  'orderNo',
  'amount',
  'actualAmount',
  'fee',
  'currency',
  'status',
  'name',
  'phone',
  'email',
  'payType',
  'inBankCode',
  'callBackUrl',
  'callBackFailUrl',
  'notifyUrl',
  'subject',
  'body',
  'partnerUserId',
  'payTime',
  'errorMsg',
  'bankNo',
  'qrCode',
  'payUrl',
  'customerIp',
  'userAgent',
  'referer',
  'subscriptionNo',
  'subscriptionOrderId',
  'deductNo',
  'type',
  'key',
  'sign',
  'sign_type',
];
const fieldName = fc.oneof(
  fc.constantFrom(...HAIPAY_FIELDS),
  fc.stringMatching(/^[A-Za-z][A-Za-z0-9_]{0,15}$/),
);

/** Strings that look dangerous but are sign-safe: escapes, look-alikes, other separators. */
const trickySafe = fc.constantFrom(
  ' ',
  '%26',
  '%3D',
  'a%26b%3Dc',
  '\uff06',
  '\uff1d',
  '\u2028',
  '\u00a0',
  '\u0085',
  '?a;b',
  'key',
  'sign',
  'ทดสอบ',
  '商品',
  '😀',
);

/** Arbitrary unicode text the kit would sign: anything {@link isSignSafe} accepts. */
const safeText = fc
  .oneof(
    fc.string({ maxLength: 30 }),
    fc.string({ unit: 'binary', maxLength: 30 }),
    fc.string({ unit: 'grapheme', maxLength: 15 }),
    fc.string({
      unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)),
      maxLength: 20,
    }),
    trickySafe,
  )
  .filter(isSignSafe);

const losslessNumber = fc
  .stringMatching(/^-?(0|[1-9]\d{0,24})(\.\d{1,12})?([eE][+-]?\d{1,3})?$/)
  .map((source) => new LosslessNumber(source));

/** A value the kit accepts in a flat map: safe text, numbers, booleans, or an omitted value. */
const safeValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: safeText },
  { weight: 1, arbitrary: fc.integer() },
  { weight: 1, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }) },
  { weight: 1, arbitrary: fc.bigInt() },
  { weight: 1, arbitrary: losslessNumber },
  { weight: 1, arbitrary: fc.boolean() },
  { weight: 1, arbitrary: fc.constantFrom(null, '', undefined) },
);

const flatMap = (value: fc.Arbitrary<unknown>, minLength = 0) =>
  fc
    .uniqueArray(fc.tuple(fieldName, value), { selector: ([k]) => k, minLength, maxLength: 20 })
    .map((entries) => Object.fromEntries(entries) as Record<string, unknown>);

const secret = fc.stringMatching(/^[A-Za-z0-9+/]{8,48}={0,2}$/);

/** A sign-safe identifier (order ids, HaiPay order numbers). */
const safeId = fc.stringMatching(/^[A-Za-z0-9_-]{1,32}$/);

// ---------------------------------------------------------------- tests

describe('sign-safe maps: the string to sign is a faithful picture', () => {
  test('every map the kit accepts parses back to exactly the pairs it signed', () => {
    check(fc.tuple(flatMap(safeValue), secret), ([map, key]) => {
      assert.deepEqual(signSafetyIssues(map), [], 'the kit accepts it');
      assert.deepEqual(ambiguousSignedKeys(map), [], 'and would believe it');
      const expected = Object.entries(map)
        .filter(([k, v]) => !UNSIGNED_KEYS.includes(k) && v !== null && v !== undefined && v !== '')
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([k, v]): Pair => [k, renderSignValue(v)]);
      assert.deepEqual(parseStringToSign(stringToSign(map, key), key), expected);
    });
  });
});

describe('a value with & or =: one signature, two messages', () => {
  // The security review's case: the buyer's e-mail, echoed by HaiPay in the signed notification for
  // order O1, re-cut into a success for order O2.
  const fixture = JSON.parse(
    readFileSync(new URL('./fixtures/haipay-signature-vectors.json', import.meta.url), 'utf8'),
  ) as { merchantSecretKey: string; privateKeyPkcs8Base64: string; publicKeySpkiBase64: string };
  const key = fixture.merchantSecretKey;
  const email = 'a&orderId=O2&status=2&zz=b@example.com';
  const original = {
    amount: '100.00',
    appId: 1054,
    currency: 'THB',
    email,
    fee: '1.50',
    name: 'Somchai Jaidee',
    orderId: 'O1',
    orderNo: 'H100001',
    payTime: '2026-11-22 10:00:00',
    status: 3,
  };
  const recut = {
    amount: '100.00',
    appId: 1054,
    currency: 'THB',
    email: 'a',
    orderId: 'O2',
    status: '2',
    zz: 'b@example.com&fee=1.50&name=Somchai Jaidee&orderId=O1&orderNo=H100001&payTime=2026-11-22 10:00:00&status=3',
  };

  test('the e-mail example: a failure for O1 re-cuts into a success for O2 with the same signature', () => {
    assert.equal(stringToSign(recut, key), stringToSign(original, key));
    const haipay = createSigner({ privateKey: fixture.privateKeyPkcs8Base64, secretKey: key });
    const verifier = createVerifier({ publicKey: fixture.publicKeySpkiBase64, secretKey: key });
    const { sign } = haipay.signParams(original);
    assert.equal(verifier.verify(original, sign), true);
    assert.equal(verifier.verify(recut, sign), true, 'the signature made for O1 verifies for O2');
  });

  test('the e-mail example: neither can be signed by the kit nor believed from HaiPay', () => {
    assert.deepEqual(ambiguousSignedKeys(original), ['email']);
    assert.deepEqual(ambiguousSignedKeys(recut), ['zz']);
    const fields = (issues: FieldIssue[]) => issues.map((i) => `${i.field}:${i.code}`);
    assert.deepEqual(fields(signSafetyIssues(original)), ['email:not_allowed']);
    assert.deepEqual(fields(signSafetyIssues(recut)), ['zz:not_allowed']);
    assert.equal(validateEmail(email)?.code, 'invalid_email');
  });

  test('any such e-mail re-cuts the notification of one order into a success for another', () => {
    const arb = fc.record({
      key: secret,
      o1: safeId,
      o2: safeId,
      orderNo: safeId,
      amount: fc.stringMatching(/^[1-9]\d{0,3}\.\d{2}$/),
      status: fc.constantFrom(2, 3, 4, 5),
      local: fc.stringMatching(/^[a-z0-9._+-]{1,12}$/),
      domain: fc.stringMatching(/^[a-z0-9]{1,10}\.(com|co\.th|io)$/),
      extra: flatMap(safeValue),
    });
    check(arb, ({ key, o1, o2, orderNo, amount, status, local, domain, extra }) => {
      fc.pre(o1 !== o2);
      const email = `${local}&orderId=${o2}&status=2&zz=${domain}`;
      // Extra fields HaiPay may send; only keys sorting before `email` keep their place in the re-cut.
      const original: Record<string, unknown> = {
        ...extra,
        amount,
        appId: 1054,
        currency: 'THB',
        email,
        orderId: o1,
        orderNo,
        status,
      };
      delete original.zz;
      const pairs = signedPairs(original);
      const at = pairs.findIndex(([k]) => k === 'email');
      const before = Object.fromEntries(pairs.slice(0, at));
      const after = pairs.slice(at + 1).map(([k, v]) => `${k}=${v}`);
      const recut = {
        ...before,
        email: local,
        orderId: o2,
        status: '2',
        zz: [domain, ...after].join('&'),
      };
      assert.equal(stringToSign(recut, key), stringToSign(original, key));
      assert.equal(recut.orderId, o2);
      assert.ok(ambiguousSignedKeys(original).includes('email'));
      assert.ok(ambiguousSignedKeys(recut).includes('zz'), 'the swallowed fields leave & and = in zz');
      assert.ok(signSafetyIssues(original).some((i) => i.field === 'email' && i.code === 'not_allowed'));
      assert.equal(validateEmail(email)?.code, 'invalid_email');
    });
  });

  test('any map holding & or = in a value has a different map with the same string to sign', () => {
    // Insert `&` or `=` into one value of a sign-safe map with at least two pairs.
    const arb = fc
      .record({
        key: secret,
        map: flatMap(safeText, 2),
        pick: fc.nat(),
        at: fc.nat(),
        bad: fc.constantFrom('&', '=', '&=', '=&', '&x=y', 'a=b&c'),
      })
      .map(({ key, map, pick, at, bad }) => {
        const keys = signedPairs(map).map(([k]) => k);
        if (keys.length < 2) return { key, map, unsafe: null };
        const k = keys[pick % keys.length]!;
        const v = renderSignValue(map[k]);
        const i = at % (v.length + 1);
        return { key, map: { ...map, [k]: v.slice(0, i) + bad + v.slice(i) }, unsafe: k };
      });
    check(arb, ({ key, map, unsafe }) => {
      fc.pre(unsafe !== null);
      const pairs = signedPairs(map);
      // The re-cut: the unsafe pair and its neighbour read as one value (`k=v&k2=v2` → k = `v&k2=v2`).
      const i = pairs.findIndex(([k]) => k === unsafe);
      const j = i < pairs.length - 1 ? i : i - 1;
      const recut: Record<string, string> = Object.fromEntries(pairs);
      recut[pairs[j]![0]] = `${pairs[j]![1]}&${pairs[j + 1]![0]}=${pairs[j + 1]![1]}`;
      delete recut[pairs[j + 1]![0]];

      assert.equal(stringToSign(recut, key), stringToSign(map, key));
      assert.notDeepEqual(signedPairs(recut), pairs, 'a different message');
      assert.ok(ambiguousSignedKeys(map).includes(unsafe), 'the original is not believed');
      assert.ok(ambiguousSignedKeys(recut).includes(pairs[j]![0]), 'nor is the re-cut');
      assert.ok(
        signSafetyIssues(map).some((x) => x.field === unsafe && x.code === 'not_allowed'),
        'and the kit never signs the original',
      );
    });
  });

  test('a re-cut that only adds new keys is clean: only the outbound rule keeps it from existing', () => {
    // When the cut swallows nothing (the injected keys fit between the existing ones), the re-cut
    // holds no `&` or `=`, so `ambiguousSignedKeys` cannot see it. It can only add keys the original
    // lacked, each sorting between the original's keys; the kit refuses to sign the original value.
    const original = { amount: '100.00', appId: 1054, currency: 'THB', email: 'a@b.io&emailx=1', status: 2 };
    const recut = { amount: '100.00', appId: 1054, currency: 'THB', email: 'a@b.io', emailx: '1', status: 2 };
    assert.equal(stringToSign(recut, 'k'), stringToSign(original, 'k'));
    assert.deepEqual(ambiguousSignedKeys(original), ['email']);
    assert.deepEqual(ambiguousSignedKeys(recut), []);
    assert.equal(signSafetyIssues(original)[0]?.field, 'email');
    assert.equal(validateEmail(original.email)?.code, 'invalid_email');
  });

  test('a key holding & or = is refused the same way', () => {
    for (const k of ['a&b', 'a=b']) {
      assert.deepEqual(ambiguousSignedKeys({ [k]: 'x' }), [k]);
      assert.deepEqual(
        signSafetyIssues({ [k]: 'x' }).map((i) => i.code),
        ['not_allowed'],
      );
    }
    // Control characters make nothing ambiguous to read back, but the kit never signs them either.
    assert.deepEqual(ambiguousSignedKeys({ a: 'x\ny' }), []);
    assert.deepEqual(
      signSafetyIssues({ a: 'x\ny', b: 'x\u0000', c: 'x\u007f', d: 'fine' }).map((i) => i.field),
      ['a', 'b', 'c'],
    );
    // Omitted and unsigned entries are not looked at.
    assert.deepEqual(signSafetyIssues({ sign: 'a=b', sign_type: '&', e: '', n: null }), []);
    assert.deepEqual(ambiguousSignedKeys({ sign: 'ab==', e: '', n: null }), []);
  });
});

describe('validateRequest({ signSafe: true })', () => {
  // Reference §2.5 V3 — the documented THB collect request (as in endpoints.test.ts).
  const thbApply: Record<string, unknown> = {
    appId: 1054,
    orderId: 'M20260101000001',
    name: 'Somchai Jaidee',
    phone: '0812345678',
    email: 'somchai@example.com',
    amount: '100.00',
    payType: 'QR',
    inBankCode: 'QR',
    callBackUrl: 'https://merchant.example/ok',
    callBackFailUrl: 'https://merchant.example/fail',
    notifyUrl: 'https://merchant.example/haipay/notify',
    subject: 'Top-up',
    partnerUserId: 'u-1001',
    body: 'Coins',
    sign: 'c2lnbg==',
  };
  const UNSAFE = ['&', '=', '\n', '\u0000', '\u007f'];
  const label = (ch: string) =>
    (ch.length === 1 && ch < ' ') || ch === '\u007f'
      ? `U+${ch.charCodeAt(0).toString(16).padStart(4, '0')}`
      : ch;
  const FIELDS = Object.keys(thbApply).filter((k) => k !== 'appId' && k !== 'sign');
  /** The field's valid value with `ch` inside it (in the local part for the e-mail). */
  const spoil = (field: string, ch: string): string => {
    const v = String(thbApply[field]);
    if (field === 'email') return `somchai${ch}x@example.com`;
    if (field.endsWith('Url')) return `${v}/a${ch}b`;
    return `${v.slice(0, 1)}${ch}${v.slice(1)}`;
  };
  const on = (issues: FieldIssue[], field: string) => issues.filter((i) => i.field === field);

  test('the documented body is valid either way', () => {
    assert.deepEqual(validateRequest('collectApply', 'THB', thbApply, { signSafe: true }), []);
  });

  for (const ch of UNSAFE) {
    test(`every field holding ${label(ch)} is refused with the option`, () => {
      for (const field of FIELDS) {
        const body = { ...thbApply, [field]: spoil(field, ch) };
        const without = validateRequest('collectApply', 'THB', body);
        const withOption = validateRequest('collectApply', 'THB', body, { signSafe: true });
        const mine = on(withOption, field);
        assert.equal(mine.length, 1, `${field} is refused`);
        // A field whose own rule already refuses the value keeps that issue (one issue per field).
        if (on(without, field).length === 0) assert.equal(mine[0]!.code, 'not_allowed', field);
        else assert.deepEqual(mine, on(without, field), field);
      }
    });
  }

  test('without the option, free-text fields holding them pass (the sandbox answers like HaiPay)', () => {
    const cases: [string, string[]][] = [
      ['orderId', UNSAFE],
      ['subject', UNSAFE],
      ['body', UNSAFE],
      ['callBackUrl', ['&', '=', '\u0000', '\u007f']],
      ['callBackFailUrl', ['&', '=', '\u0000', '\u007f']],
      ['notifyUrl', ['&', '=', '\u0000', '\u007f']],
      ['partnerUserId', ['&']], // reference §3.1 allows `&` in partnerUserId
      ['name', ['\n']], // the THB name pattern allows whitespace, `\n` included
    ];
    for (const [field, chars] of cases) {
      for (const ch of chars) {
        const body = { ...thbApply, [field]: spoil(field, ch) };
        assert.deepEqual(validateRequest('collectApply', 'THB', body), [], `${field} ${JSON.stringify(ch)}`);
        assert.deepEqual(
          validateRequest('collectApply', 'THB', body, { signSafe: true }).map((i) => `${i.field}:${i.code}`),
          [`${field}:not_allowed`],
          `${field} ${JSON.stringify(ch)} with signSafe`,
        );
      }
    }
  });
});

describe('validateEmail refuses & and =', () => {
  // docs/protocol.md §2.5: "the e-mail rule refuses `&` and `=` although RFC 5322 allows them" —
  // HaiPay echoes the e-mail in its signed notifications, where they would make the string to sign
  // ambiguous.
  test('a&b@example.com and a=b@example.com are invalid_email', () => {
    for (const email of ['a&b@example.com', 'a=b@example.com']) {
      assert.equal(validateEmail(email)?.code, 'invalid_email', email);
    }
    // Their neighbours in RFC 5322's atext stay valid: only the two separators are refused.
    for (const email of ['a+b@example.com', "a'b@example.com", 'a#b@example.com']) {
      assert.equal(validateEmail(email), null, email);
    }
  });
});

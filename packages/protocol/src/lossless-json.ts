/**
 * Lossless JSON parsing for signature verification.
 *
 * docs/protocol.md §2.4: HaiPay signs the Java text of its own values, so `"amount": 0.50000000` is
 * signed as `0.50000000`. `JSON.parse` would turn that into `0.5` and break verification, so the kit
 * parses responses and notifications with this parser, which keeps every number's source text.
 */

/**
 * A JSON number that remembers its source text. `String(n)` and string templates give the source text
 * (what HaiPay signed); `Number(n)`, arithmetic and comparisons use its numeric value; `JSON.stringify`
 * writes the numeric value. Use {@link toPlain} to turn a parsed tree into ordinary JS values.
 */
export class LosslessNumber {
  /** The number exactly as it appeared in the JSON text, e.g. `"0.50000000"`. */
  readonly source: string;

  constructor(source: string) {
    if (!NUMBER_RE.test(source)) throw new SyntaxError(`Not a JSON number: ${JSON.stringify(source)}`);
    this.source = source;
  }

  /** The numeric value (may lose precision for very large or very precise literals). */
  valueOf(): number {
    return Number(this.source);
  }

  toString(): string {
    return this.source;
  }

  toJSON(): number {
    return Number(this.source);
  }
}

/**
 * The text of a scalar wire value — a string as is, a number, boolean or {@link LosslessNumber} as
 * `String()` writes it — and `''` for anything else (absent, `null`, an object or an array), which
 * has no text to compare: its field's own schema reports it.
 */
export function scalarText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || value instanceof LosslessNumber) {
    return String(value);
  }
  return '';
}

/** A value produced by {@link parseJsonLossless}: like JSON, but numbers are {@link LosslessNumber}s. */
export type LosslessValue =
  string | boolean | null | LosslessNumber | LosslessValue[] | { [key: string]: LosslessValue };

/** A JSON object as produced by {@link parseJsonLossless}. */
export type LosslessObject = { [key: string]: LosslessValue };

const NUMBER_RE = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

/**
 * Parses JSON text, keeping every number's source text as a {@link LosslessNumber}.
 *
 * Strict JSON only (RFC 8259): no comments, no trailing commas, no leading zeros. Object keys
 * `__proto__`, `constructor` and `prototype` are stored as own data properties of a null-prototype
 * object, so hostile input cannot pollute prototypes. Throws `SyntaxError` with an offset on bad input.
 *
 * @example
 * const data = parseJsonLossless('{"amount":0.50000000,"status":2}') as LosslessObject;
 * String(data.amount); // "0.50000000" — what HaiPay signed
 * Number(data.status); // 2
 */
export function parseJsonLossless(text: string): LosslessValue {
  let i = 0;
  const n = text.length;

  const fail = (what: string): never => {
    throw new SyntaxError(`Invalid JSON at offset ${i}: ${what}`);
  };
  const ws = () => {
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) i++;
      else break;
    }
  };

  const parseString = (): string => {
    // text[i] === '"'
    i++;
    let out = '';
    let start = i;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        out += text.slice(start, i);
        i++;
        return out;
      }
      if (c === 0x5c) {
        out += text.slice(start, i);
        i++;
        const e = text[i];
        switch (e) {
          case '"':
          case '\\':
          case '/':
            out += e;
            break;
          case 'b':
            out += '\b';
            break;
          case 'f':
            out += '\f';
            break;
          case 'n':
            out += '\n';
            break;
          case 'r':
            out += '\r';
            break;
          case 't':
            out += '\t';
            break;
          case 'u': {
            const hex = text.slice(i + 1, i + 5);
            if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail('bad \\u escape');
            out += String.fromCharCode(parseInt(hex, 16));
            i += 4;
            break;
          }
          default:
            fail('bad escape');
        }
        i++;
        start = i;
        continue;
      }
      if (c < 0x20) fail('control character in string');
      i++;
    }
    return fail('unterminated string');
  };

  const parseNumber = (): LosslessNumber => {
    const m = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
    m.lastIndex = i;
    const r = m.exec(text);
    if (!r) return fail('bad number');
    i += r[0].length;
    return new LosslessNumber(r[0]);
  };

  const parseValue = (depth: number): LosslessValue => {
    if (depth > 64) fail('nesting deeper than 64');
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      const obj: LosslessObject = Object.create(null) as LosslessObject;
      ws();
      if (text[i] === '}') {
        i++;
        return obj;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail('expected a string key');
        const key = parseString();
        ws();
        if (text[i] !== ':') fail('expected ":"');
        i++;
        const value = parseValue(depth + 1);
        Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return obj;
        }
        fail('expected "," or "}"');
      }
    }
    if (c === '[') {
      i++;
      const arr: LosslessValue[] = [];
      ws();
      if (text[i] === ']') {
        i++;
        return arr;
      }
      for (;;) {
        arr.push(parseValue(depth + 1));
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return arr;
        }
        fail('expected "," or "]"');
      }
    }
    if (c === '"') return parseString();
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return parseNumber();
    if (text.startsWith('true', i)) {
      i += 4;
      return true;
    }
    if (text.startsWith('false', i)) {
      i += 5;
      return false;
    }
    if (text.startsWith('null', i)) {
      i += 4;
      return null;
    }
    return fail(c === undefined ? 'unexpected end of input' : `unexpected ${JSON.stringify(c)}`);
  };

  const value = parseValue(0);
  ws();
  if (i !== n) fail('trailing characters');
  return value;
}

/** A JSON-like value after {@link toPlain}: numbers are plain JS numbers. */
export type PlainValue = string | number | boolean | null | PlainValue[] | { [key: string]: PlainValue };

/**
 * Converts a {@link parseJsonLossless} tree into plain JS values (numbers become `number`), for typed
 * use after the signature has been verified. Objects come back as ordinary objects; dangerous keys
 * (`__proto__`, `constructor`, `prototype`) are dropped.
 */
export function toPlain(value: LosslessValue): PlainValue {
  if (value instanceof LosslessNumber) return value.valueOf();
  if (Array.isArray(value)) return value.map(toPlain);
  if (value !== null && typeof value === 'object') {
    const out: { [key: string]: PlainValue } = {};
    for (const key of Object.keys(value)) {
      if (key === '__proto__' || key === 'constructor' || key === 'prototype') continue;
      out[key] = toPlain(value[key] as LosslessValue);
    }
    return out;
  }
  return value;
}

/**
 * Serializes a value as compact JSON, writing each {@link LosslessNumber} as its source text. Used to
 * render nested values in a string-to-sign (docs/protocol.md §2.4) and by the sandbox to emit numbers
 * with a chosen scale.
 */
export function stringifyLossless(value: unknown): string {
  if (value instanceof LosslessNumber) return value.source;
  if (Array.isArray(value))
    return `[${value.map((v) => (v === undefined ? 'null' : stringifyLossless(v))).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const parts: string[] = [];
    for (const key of Object.keys(value)) {
      const v = (value as Record<string, unknown>)[key];
      if (v === undefined || typeof v === 'function') continue;
      parts.push(`${JSON.stringify(key)}:${stringifyLossless(v)}`);
    }
    return `{${parts.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

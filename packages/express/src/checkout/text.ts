import { scalarText } from '@haipay-kit/protocol';

/**
 * A reported or stored value as text: a string as it is, a number or boolean as its text, anything
 * else (absent, `null`, an object, an array) as `""` — so a `[2]` is never read as status `2`.
 */
export const str: (v: unknown) => string = scalarText;

/** The first few issues of a failed schema check, for a log line. */
export function schemaDetail(issues: readonly { path: PropertyKey[]; message: string }[]): string {
  return issues
    .slice(0, 5)
    .map((i) => `${i.path.map(String).join('.') || '(body)'}: ${i.message}`)
    .join('; ');
}

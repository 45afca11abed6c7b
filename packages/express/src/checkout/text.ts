/** A reported or stored value as text: strings as they are, `null`/`undefined` as `""`, the rest by `String`. */
export function str(v: unknown): string {
  return typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v);
}

/** The first few issues of a failed schema check, for a log line. */
export function schemaDetail(issues: readonly { path: PropertyKey[]; message: string }[]): string {
  return issues
    .slice(0, 5)
    .map((i) => `${i.path.map(String).join('.') || '(body)'}: ${i.message}`)
    .join('; ');
}

/**
 * `isFollowableUrl` of `@haipay-kit/protocol/rules`, for `<haipay-card-form>` in hosted card mode: true
 * when a payment page address may be opened by a full-page redirect — `https:` always, `http:` only when
 * `allowHttp` (a plain-HTTP development page) — so a tampered `payUrl` (`javascript:`, `data:`, relative)
 * can never run script in the shop's origin. test/card-form-hosted.test.ts holds the two equal.
 *
 * Written out rather than re-exported: whatever a chunk imports from that module, a bundler's code
 * splitting (esbuild's) shares the card rules with it, and hosted mode never loads the card rules.
 */
export function isFollowableUrl(url: unknown, allowHttp: boolean): boolean {
  if (typeof url != 'string' || !/^https?:\/\//i.test(url)) return false;
  try {
    const { protocol } = new URL(url);
    return protocol == 'https:' || (allowHttp && protocol == 'http:');
  } catch {
    return false;
  }
}

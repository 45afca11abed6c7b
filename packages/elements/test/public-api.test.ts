import { expect } from '@open-wc/testing';

interface Declaration {
  tagName?: string;
  members?: { name: string; privacy?: string }[];
  attributes?: { name: string; fieldName?: string }[];
}

/** The tags' declarations in `custom-elements.json`, the API contract generated from the class JSDoc. */
async function tags(): Promise<Map<string, Declaration>> {
  const res = await fetch(new URL('../custom-elements.json', import.meta.url));
  const manifest = (await res.json()) as { modules: { declarations?: Declaration[] }[] };
  const all = manifest.modules.flatMap((m) => m.declarations ?? []);
  return new Map(all.filter((d) => d.tagName).map((d) => [d.tagName!, d]));
}

const isPublic = (m: { privacy?: string }) => !m.privacy || m.privacy === 'public';

describe('custom-elements.json', () => {
  it('offers no test seams (clock, navigate, saveFile) and no attribute for internal state', async () => {
    const declared = await tags();
    expect([...declared.keys()].sort()).to.deep.equal([
      'haipay-bank-transfer',
      'haipay-card-form',
      'haipay-checkout',
      'haipay-qr',
    ]);
    for (const [tag, d] of declared) {
      const members = (d.members ?? []).filter(isPublic).map((m) => m.name);
      // The drop-in shows payments through the tags it mounts: it has methods, not an order id.
      const own = tag === 'haipay-checkout' ? ['method', 'methods', 'theme'] : ['orderId'];
      expect(members, tag).to.include.members(['endpoint', 'orderRef', 'locale', 'strings', ...own]);
      expect(members, tag).to.not.include.oneOf(['clock', 'navigate', 'saveFile']);
      const internal = new Set((d.members ?? []).filter((m) => !isPublic(m)).map((m) => m.name));
      const attributes = (d.attributes ?? []).filter((a) => internal.has(a.fieldName ?? ''));
      expect(
        attributes.map((a) => a.name),
        `${tag}: attributes of internal fields`,
      ).to.deep.equal([]);
    }
  });
});

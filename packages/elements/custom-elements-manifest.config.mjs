// Generates custom-elements.json from the classes' JSDoc (`pnpm --dir packages/elements analyze`).
export default {
  // The public surface only (what src/index.ts exports, and the base class the tags inherit their
  // common attributes from), so internal helpers don't churn the manifest.
  globs: [
    'src/index.ts',
    'src/*/*.register.ts',
    'src/card-form/card-form.ts',
    'src/qr/qr.ts',
    'src/bank-transfer/bank-transfer.ts',
    'src/checkout/checkout.ts',
    'src/bank-transfer/banks.ts',
    'src/shared/payment-element.ts',
    'src/controllers/*.ts',
    'src/events.ts',
    'src/types.ts',
  ],
  // test/elements-manifest.test.ts writes a fresh copy elsewhere and compares it with the committed one.
  outdir: process.env.CEM_OUTDIR ?? '.',
  // …and must not point package.json's `customElements` at that copy.
  packagejson: !process.env.CEM_OUTDIR,
  litelement: true,
  plugins: [
    {
      // The analyzer resolves re-exports asynchronously, so their order varies from run to run; sort
      // them, so the same source always gives the same manifest.
      name: 'haipay-stable-order',
      packageLinkPhase({ customElementsManifest }) {
        const key = (e) => `${e.kind}\u0000${e.name}\u0000${e.declaration?.module ?? ''}`;
        for (const m of customElementsManifest.modules ?? [])
          m.exports?.sort((a, b) => (key(a) < key(b) ? -1 : 1));
        customElementsManifest.modules?.sort((a, b) => (a.path < b.path ? -1 : 1));
      },
    },
    {
      // Lit's `{ state: true }` properties have no attribute, but the analyzer lists every static
      // property without `attribute: false` as one (`busy`, `loadError`, …). Ours are all private or
      // protected, so an attribute whose field is not public is dropped.
      name: 'haipay-no-state-attributes',
      packageLinkPhase({ customElementsManifest }) {
        for (const d of (customElementsManifest.modules ?? []).flatMap((m) => m.declarations ?? [])) {
          const hidden = new Set(
            (d.members ?? []).filter((m) => m.privacy && m.privacy !== 'public').map((m) => m.name),
          );
          if (d.attributes) d.attributes = d.attributes.filter((a) => !hidden.has(a.fieldName));
        }
      },
    },
  ],
};

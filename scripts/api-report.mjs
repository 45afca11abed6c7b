#!/usr/bin/env node
// The public API of every package, as a committed report (`packages/<name>/api-report.md`), so any change
// to what a user can import is a visible diff in review — the job API Extractor does for larger repos.
//
// For each entry of each package's `exports` map (its TypeScript source, through the `@haipay-kit/source`
// condition) the TypeScript compiler lists what the entry exports and each export's type: functions with
// their signatures, classes with their public members, interfaces and type aliases with their shape,
// constants with their type. Sorted, so only real changes show.
//
//   node scripts/api-report.mjs            check: exits 1 and prints the difference when a report is stale
//   node scripts/api-report.mjs --update   rewrite the reports
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';

const root = new URL('..', import.meta.url).pathname;
const require = createRequire(import.meta.url);
const ts = require('typescript');
const PACKAGES = ['protocol', 'express', 'elements', 'sandbox', 'postgres'];
const update = process.argv.includes('--update');

/** Every entry: { pkg, entry ('.', './rules', …), file }. */
const entries = [];
for (const pkg of PACKAGES) {
  const manifest = JSON.parse(readFileSync(join(root, 'packages', pkg, 'package.json'), 'utf8'));
  for (const [entry, target] of Object.entries(manifest.exports ?? {})) {
    const source = typeof target === 'object' ? target['@haipay-kit/source'] : null;
    if (typeof source === 'string' && source.endsWith('.ts'))
      entries.push({ pkg, entry, file: join(root, 'packages', pkg, source) });
  }
}

const config = ts.getParsedCommandLineOfConfigFile(
  join(root, 'tsconfig.json'),
  {},
  {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => {
      throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    },
  },
);
const program = ts.createProgram({
  rootNames: entries.map((e) => e.file),
  options: { ...config.options, noEmit: true },
});
const checker = program.getTypeChecker();
const F = ts.TypeFormatFlags;
const flags = F.NoTruncation | F.UseFullyQualifiedType | F.WriteArrowStyleSignature;

/** Absolute import paths in compiler output shortened (`express:logger#Logger`, `lit#LitElement`). */
function clean(t) {
  return t
    .replace(/import\("[^"]*\/packages\/([a-z]+)\/(?:src|dist)\/([^"]*)"\)\./g, '$1:$2#')
    .replace(/import\("[^"]*\/node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?([^"]*)"\)\./g, '$1#');
}

/** A type as text. */
function text(type, at) {
  return clean(checker.typeToString(type, at, flags));
}

/** A signature as text. */
function signature(sig, at) {
  return clean(checker.signatureToString(sig, at, flags));
}

/** True when a symbol is declared in this repository's packages (not inherited from the DOM or Lit). */
function ownDeclaration(symbol) {
  return (symbol.declarations ?? []).some((d) => d.getSourceFile().fileName.includes('/packages/'));
}

function isPublicMember(decl) {
  // `@internal` members (test seams) are not part of the promise.
  if (ts.getJSDocTags(decl).some((t) => t.tagName.text === 'internal')) return false;
  const mods = ts.canHaveModifiers(decl) ? (ts.getModifiers(decl) ?? []) : [];
  if (mods.some((m) => m.kind === ts.SyntaxKind.PrivateKeyword || m.kind === ts.SyntaxKind.ProtectedKeyword))
    return false;
  return !(decl.name && ts.isPrivateIdentifier(decl.name));
}

/** The members of an interface or class instance type, one line each. */
function members(type, at) {
  const lines = [];
  for (const prop of checker.getPropertiesOfType(type).sort((a, b) => a.name.localeCompare(b.name))) {
    const decl = prop.valueDeclaration ?? prop.declarations?.[0];
    if (decl && !isPublicMember(decl)) continue;
    if (prop.name.startsWith('#') || prop.name.startsWith('__') || !ownDeclaration(prop)) continue;
    const optional = prop.flags & ts.SymbolFlags.Optional ? '?' : '';
    const ro = decl && ts.getCombinedModifierFlags(decl) & ts.ModifierFlags.Readonly ? 'readonly ' : '';
    lines.push(`  ${ro}${prop.name}${optional}: ${text(checker.getTypeOfSymbolAtLocation(prop, at), at)};`);
  }
  return lines;
}

/** One exported symbol as report text. */
function describe(name, symbol, at) {
  const s = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
  const out = [];
  if (s.flags & ts.SymbolFlags.Class) {
    const decl = s.valueDeclaration;
    const staticType = checker.getTypeOfSymbolAtLocation(s, at);
    const ctor = staticType.getConstructSignatures()[0];
    const base = decl?.heritageClauses?.map((h) => h.getText()).join(' ') ?? '';
    out.push(`class ${name}${base ? ` ${base}` : ''} {`);
    if (ctor) out.push(`  constructor${signature(ctor, at).replace(/ =>.*$/, '')};`);
    out.push(...members(checker.getDeclaredTypeOfSymbol(s), at), '}');
  } else if (s.flags & ts.SymbolFlags.Function) {
    const type = checker.getTypeOfSymbolAtLocation(s, at);
    for (const sig of type.getCallSignatures()) out.push(`function ${name}${signature(sig, at)}`);
  } else if (s.flags & ts.SymbolFlags.Interface) {
    out.push(`interface ${name} {`, ...members(checker.getDeclaredTypeOfSymbol(s), at), '}');
  } else if (s.flags & ts.SymbolFlags.TypeAlias) {
    const decl = s.declarations?.[0];
    out.push(
      `type ${name} = ${decl && ts.isTypeAliasDeclaration(decl) ? decl.type.getText().replace(/\s+/g, ' ') : text(checker.getDeclaredTypeOfSymbol(s), at)};`,
    );
  } else if (s.flags & (ts.SymbolFlags.Variable | ts.SymbolFlags.Property)) {
    out.push(`const ${name}: ${text(checker.getTypeOfSymbolAtLocation(s, at), at)};`);
  } else {
    out.push(`${name} (${ts.SymbolFlags[s.flags] ?? s.flags})`);
  }
  return out.join('\n');
}

const reports = new Map();
for (const { pkg, entry, file } of entries) {
  const source = program.getSourceFile(file);
  if (!source) throw new Error(`api-report: ${file} is not in the program`);
  const moduleSymbol = checker.getSymbolAtLocation(source);
  const exported = moduleSymbol ? checker.getExportsOfModule(moduleSymbol) : [];
  const blocks = exported
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((sym) => describe(sym.name, sym, source));
  const spec = entry === '.' ? `@haipay-kit/${pkg}` : `@haipay-kit/${pkg}/${entry.slice(2)}`;
  const section = [`## \`${spec}\` (${exported.length} exports)`, '', '```ts', ...blocks, '```', ''].join(
    '\n',
  );
  reports.set(pkg, [...(reports.get(pkg) ?? []), section]);
}

let stale = 0;
for (const [pkg, sections] of reports) {
  const body = [
    `# API report: @haipay-kit/${pkg}`,
    '',
    "Generated by `node scripts/api-report.mjs --update` from the package's exports; `npm test` fails when it",
    'is stale. Every line here is a promise to users: review a change to it as an API change (a changeset).',
    '',
    ...sections,
  ].join('\n');
  const file = join(root, 'packages', pkg, 'api-report.md');
  const current = existsSync(file) ? readFileSync(file, 'utf8') : '';
  if (current === body) continue;
  if (update) {
    writeFileSync(file, body);
    console.log(`api-report: wrote packages/${pkg}/api-report.md`);
  } else {
    stale++;
    const old = new Set(current.split('\n'));
    const now = new Set(body.split('\n'));
    console.error(`api-report: packages/${pkg}/api-report.md is stale — the public API changed:`);
    for (const l of body.split('\n')) if (!old.has(l)) console.error(`  + ${l}`);
    for (const l of current.split('\n')) if (!now.has(l)) console.error(`  - ${l}`);
  }
}
if (stale > 0) {
  console.error(
    'Review the change, add a changeset (`pnpm changeset`), then run `node scripts/api-report.mjs --update`.',
  );
  process.exit(1);
}
if (!update) console.log(`api-report: ${reports.size} reports, ${entries.length} entries, all current`);

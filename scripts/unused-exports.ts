/**
 * The unused-export check of `npm run lint`: every name a package exports
 * from its src/index.ts (or src/testing.ts, the `./testing` export) must be
 * imported by another package, a script or a scenario; a name only the
 * package itself uses is no part of its interface. Reads import declarations
 * with the TypeScript parser; exits non-zero listing every unused export not
 * in the baseline (the debt found when the check came), and every baseline
 * entry that is no longer unused, so the baseline only shrinks.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = fileURLToPath(new URL('..', import.meta.url));
const packagesDir = join(root, 'packages');

function sourceFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === 'node_modules' || name === 'dist') return [];
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|mts)$/.test(name) && !name.endsWith('.d.ts') ? [path] : [];
  });
}

const parse = (file: string) => ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, false);

/** Names exported by an entry file (re-exports and local declarations). */
function exportedNames(file: string): string[] {
  const names: string[] = [];
  for (const statement of parse(file).statements) {
    if (ts.isExportDeclaration(statement) && statement.exportClause && ts.isNamedExports(statement.exportClause)) {
      for (const element of statement.exportClause.elements) names.push(element.name.text);
    } else if (ts.canHaveModifiers(statement) && ts.getModifiers(statement)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)) {
      const name = (statement as ts.DeclarationStatement).name;
      if (name && ts.isIdentifier(name)) names.push(name.text);
      if (ts.isVariableStatement(statement)) for (const d of statement.declarationList.declarations) if (ts.isIdentifier(d.name)) names.push(d.name.text);
    }
  }
  return names;
}

/** `@seedbed/x[/sub]` specifier → imported names, over every file outside package x. */
function importsByModule(files: string[]): Map<string, Set<string>> {
  const used = new Map<string, Set<string>>();
  for (const file of files) {
    for (const statement of parse(file).statements) {
      const isImport = ts.isImportDeclaration(statement);
      const isReExport = ts.isExportDeclaration(statement);
      if ((!isImport && !isReExport) || !statement.moduleSpecifier || !ts.isStringLiteral(statement.moduleSpecifier)) continue;
      const module = statement.moduleSpecifier.text;
      if (!module.startsWith('@seedbed/')) continue;
      const owner = `@seedbed/${module.split('/')[1]}`;
      if (file.startsWith(join(packagesDir, owner.slice('@seedbed/'.length), '/'))) continue;
      const names = used.get(module) ?? new Set<string>();
      used.set(module, names);
      const bindings = isImport ? statement.importClause?.namedBindings : statement.exportClause;
      if (bindings && ts.isNamedImports(bindings)) for (const e of bindings.elements) names.add((e.propertyName ?? e.name).text);
      else if (bindings && ts.isNamedExports(bindings)) for (const e of bindings.elements) names.add((e.propertyName ?? e.name).text);
      else names.add('*'); // a namespace import or export * uses everything
    }
  }
  return used;
}

const packages = readdirSync(packagesDir).filter((p) => existsSync(join(packagesDir, p, 'package.json')));
const files = [...packages.flatMap((p) => sourceFiles(join(packagesDir, p, 'src'))), ...sourceFiles(join(root, 'scripts')), ...sourceFiles(join(root, 'scenarios'))];
const used = importsByModule(files);
const problems: string[] = [];
for (const pkg of packages) {
  const exports = JSON.parse(readFileSync(join(packagesDir, pkg, 'package.json'), 'utf8')).exports as Record<string, string> | undefined;
  for (const [subpath, target] of Object.entries(exports ?? {})) {
    if (!target.endsWith('.ts')) continue;
    const module = `@seedbed/${pkg}${subpath === '.' ? '' : subpath.slice(1)}`;
    const names = used.get(module) ?? new Set();
    if (names.has('*')) continue;
    const entry = join(packagesDir, pkg, target);
    for (const name of exportedNames(entry)) if (!names.has(name)) problems.push(`${relative(root, entry)}: ${name}`);
  }
}
// The exports that were already unused when the check came: known debt, to be removed, never added to.
const baselineFile = join(root, 'scripts', 'unused-exports.baseline.txt');
const baseline = new Set(readFileSync(baselineFile, 'utf8').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#')));
const added = problems.filter((p) => !baseline.has(p));
const gone = [...baseline].filter((b) => !problems.includes(b));
if (added.length) console.error(`unused exports (${added.length}): exported from a package's entry but imported nowhere else — remove the export, or the code if nothing uses it:\n${added.map((p) => `  ${p}`).join('\n')}`);
if (gone.length) console.error(`used or removed since, so delete from ${relative(root, baselineFile)}:\n${gone.map((p) => `  ${p}`).join('\n')}`);
if (added.length || gone.length) process.exit(1);
console.log(`unused exports: none new (${baseline.size} known in ${relative(root, baselineFile)}, to be removed)`);

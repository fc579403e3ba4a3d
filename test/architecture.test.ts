// The import rules of /ARCHITECTURE.md, checked on every file under src/. The checker reads imports
// with the TypeScript parser (multi-line imports, `export … from`, `import()` and `import type` all
// count) and is itself tested on made-up files below, so a rule that never fires would be noticed.
import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const LAYERS = ['engine', 'analysis', 'scenario', 'export', 'app', 'render', 'cli'] as const;
type Layer = (typeof LAYERS)[number];

/**
 * Which layers each layer may import, besides engine types (type-only imports from src/engine, or
 * anything from src/engine/types.ts, the engine's contract), which every layer may import. Nothing
 * imports app/ or cli/ from outside; render may read app/store types only.
 */
const MAY_IMPORT: Record<Layer, readonly Layer[]> = {
  engine: ['engine'],
  analysis: ['engine', 'analysis'],
  scenario: ['scenario'],
  export: ['engine', 'analysis', 'scenario', 'export'],
  app: ['engine', 'analysis', 'scenario', 'export', 'render', 'app'],
  render: ['engine', 'analysis', 'render'],
  cli: ['engine', 'analysis', 'scenario', 'export', 'cli'],
};

/** Packages the deterministic engine must not touch (Node built-ins are refused separately). */
const ENGINE_FORBIDDEN_PACKAGES = ['pixi.js', '@pixi/', 'zustand', 'immer'];

/** Sources of wall-clock time or ambient randomness, as `object.property`. */
const ENGINE_FORBIDDEN_CALLS = ['Math.random', 'Date.now', 'performance.now', 'crypto.getRandomValues', 'crypto.randomUUID'];

interface SourceText {
  /** Repository-relative, with forward slashes: `src/engine/sim.ts`. */
  path: string;
  text: string;
}

interface ImportRef {
  specifier: string;
  typeOnly: boolean;
  line: number;
}

interface Violation {
  file: string;
  line: number;
  problem: string;
}

function scriptKind(path: string): ts.ScriptKind {
  if (path.endsWith('.tsx')) return ts.ScriptKind.TSX;
  if (/\.[cm]?js$/.test(path)) return ts.ScriptKind.JS;
  return ts.ScriptKind.TS;
}

function parse(file: SourceText): ts.SourceFile {
  return ts.createSourceFile(file.path, file.text, ts.ScriptTarget.Latest, true, scriptKind(file.path));
}

function lineOf(source: ts.SourceFile, node: ts.Node): number {
  return source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
}

function importsOf(source: ts.SourceFile): ImportRef[] {
  const found: ImportRef[] = [];
  const add = (node: ts.Node, specifier: ts.Node | undefined, typeOnly: boolean) => {
    if (specifier && ts.isStringLiteralLike(specifier)) found.push({ specifier: specifier.text, typeOnly, line: lineOf(source, node) });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) {
      const clause = node.importClause;
      const bindings = clause?.namedBindings;
      const allNamedAreTypes =
        !!clause &&
        !clause.name &&
        !!bindings &&
        ts.isNamedImports(bindings) &&
        bindings.elements.length > 0 &&
        bindings.elements.every((element) => element.isTypeOnly);
      add(node, node.moduleSpecifier, !!clause && (clause.isTypeOnly || allNamedAreTypes));
    } else if (ts.isExportDeclaration(node)) {
      const clause = node.exportClause;
      const allNamedAreTypes = !!clause && ts.isNamedExports(clause) && clause.elements.length > 0 && clause.elements.every((element) => element.isTypeOnly);
      add(node, node.moduleSpecifier, node.isTypeOnly || allNamedAreTypes);
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      add(node, node.moduleReference.expression, node.isTypeOnly);
    } else if (ts.isImportTypeNode(node)) {
      const argument = node.argument;
      if (ts.isLiteralTypeNode(argument)) add(node, argument.literal, true);
    } else if (ts.isCallExpression(node)) {
      const callee = node.expression;
      const isDynamicImport = callee.kind === ts.SyntaxKind.ImportKeyword;
      const isRequire = ts.isIdentifier(callee) && callee.text === 'require';
      if (isDynamicImport || isRequire) add(node, node.arguments[0], false);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** The last name of an expression: `Math` for `Math` and for `globalThis.Math`. */
function nameOf(expression: ts.Expression): string | undefined {
  if (ts.isIdentifier(expression)) return expression.text;
  if (ts.isPropertyAccessExpression(expression)) return expression.name.text;
  return undefined;
}

function forbiddenCallsOf(source: ts.SourceFile): { what: string; line: number }[] {
  const found: { what: string; line: number }[] = [];
  const visit = (node: ts.Node): void => {
    let member: string | undefined;
    if (ts.isPropertyAccessExpression(node)) member = `${nameOf(node.expression)}.${node.name.text}`;
    else if (ts.isElementAccessExpression(node) && ts.isStringLiteralLike(node.argumentExpression)) {
      member = `${nameOf(node.expression)}.${node.argumentExpression.text}`;
    }
    if (member && ENGINE_FORBIDDEN_CALLS.includes(member)) found.push({ what: member, line: lineOf(source, node) });
    const isDate = (callee: ts.Expression) => ts.isIdentifier(callee) && callee.text === 'Date';
    if (ts.isNewExpression(node) && isDate(node.expression) && (node.arguments?.length ?? 0) === 0) {
      found.push({ what: 'new Date()', line: lineOf(source, node) });
    }
    if (ts.isCallExpression(node) && isDate(node.expression)) found.push({ what: 'Date()', line: lineOf(source, node) });
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** `src/engine/sim.ts` → engine; undefined outside src/ or outside every known layer. */
function layerOf(path: string): Layer | undefined {
  const [top, folder] = path.split('/');
  if (top !== 'src' || folder === undefined) return undefined;
  return LAYERS.find((layer) => layer === folder);
}

function withoutExtension(path: string): string {
  return path.replace(/\.(d\.)?[cm]?[jt]sx?$/, '');
}

function isNodeBuiltin(specifier: string): boolean {
  return specifier.startsWith('node:') || builtinModules.includes(specifier.split('/')[0]!);
}

function isPackage(specifier: string, name: string): boolean {
  return name.endsWith('/') ? specifier.startsWith(name) : specifier === name || specifier.startsWith(`${name}/`);
}

function problemWith(from: Layer, ref: ImportRef, fromPath: string): string | undefined {
  const specifier = ref.specifier.split('?')[0]!;
  if (!specifier.startsWith('.')) {
    if (from !== 'engine') return undefined;
    if (isNodeBuiltin(specifier)) return 'the engine runs in the browser too: no Node built-ins';
    if (ENGINE_FORBIDDEN_PACKAGES.some((name) => isPackage(specifier, name))) return `the engine must not depend on ${specifier}`;
    return undefined;
  }
  const target = withoutExtension(posix.normalize(posix.join(posix.dirname(fromPath), specifier)));
  const to = layerOf(target);
  if (!target.startsWith('src/')) {
    if (from === 'engine') return 'the engine imports nothing outside src/engine';
    return specifier.endsWith('.json') ? undefined : 'code outside src/ must not be imported';
  }
  if (to === undefined) return `${target} is in no layer of ARCHITECTURE.md`;
  if (MAY_IMPORT[from].includes(to)) return undefined;
  if (to === 'engine' && (ref.typeOnly || target === 'src/engine/types')) return undefined;
  const isStoreTypes = ref.typeOnly && (target === 'src/app/store' || target.startsWith('src/app/store/'));
  if (from === 'render' && isStoreTypes) return undefined;
  if (to === 'engine') return `${from}/ may import engine types only (import type, or src/engine/types.ts)`;
  if (from === 'render' && to === 'app') return 'render/ may import app/store types only (import type)';
  return `${from}/ must not import ${to}/`;
}

function checkArchitecture(files: readonly SourceText[]): Violation[] {
  const violations: Violation[] = [];
  for (const file of files) {
    const from = layerOf(file.path);
    if (from === undefined) {
      violations.push({ file: file.path, line: 1, problem: 'file is in no layer of ARCHITECTURE.md' });
      continue;
    }
    const source = parse(file);
    for (const ref of importsOf(source)) {
      const problem = problemWith(from, ref, file.path);
      if (problem) violations.push({ file: file.path, line: ref.line, problem: `imports '${ref.specifier}': ${problem}` });
    }
    if (from === 'engine') {
      for (const call of forbiddenCallsOf(source)) {
        violations.push({ file: file.path, line: call.line, problem: `uses ${call.what}: the engine has simulated time and a seeded PRNG only` });
      }
    }
  }
  return violations;
}

function format(violation: Violation): string {
  return `${violation.file}:${violation.line} ${violation.problem}`;
}

function sourcesUnder(root: string, dir: string): SourceText[] {
  return readdirSync(`${root}/${dir}`, { withFileTypes: true }).flatMap((entry) => {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory()) return sourcesUnder(root, path);
    return /\.[cm]?[jt]sx?$/.test(entry.name) ? [{ path, text: readFileSync(`${root}/${path}`, 'utf8') }] : [];
  });
}

const check = (path: string, text: string) => checkArchitecture([{ path, text }]).map(format);

describe('the architecture', () => {
  it('every file under src/ imports only what ARCHITECTURE.md allows', () => {
    const root = fileURLToPath(new URL('..', import.meta.url));
    const files = sourcesUnder(root, 'src');
    expect(files.map((file) => file.path)).toContain('src/engine/types.ts');
    expect(checkArchitecture(files).map(format)).toEqual([]);
  });
});

describe('the architecture checker', () => {
  it('lets each layer import what the arrows allow', () => {
    const text = [
      "import type { SimConfig } from '../engine/sim';",
      "import { MAX_SIM_TIME } from '../engine/types';",
    ].join('\n');
    expect(check('src/scenario/schema.ts', text)).toEqual([]);
    expect(check('src/analysis/ledger.ts', "import { Sim } from '../engine/sim';")).toEqual([]);
    expect(check('src/render/scene.ts', "import { Graphics } from 'pixi.js';\nimport type { UiState } from '../app/store';")).toEqual([]);
    expect(check('src/app/main.ts', "import { createScene } from '../render/scene';\nimport x from '../../scenarios/a.json';")).toEqual([]);
    expect(check('src/cli/main.ts', "import { writeFileSync } from 'node:fs';\nimport { toCsv } from '../export/csv';")).toEqual([]);
    expect(check('src/engine/sim.ts', "import { sha256 } from '@noble/hashes/sha2.js';\nimport { Heap } from './heap';")).toEqual([]);
  });

  it('names the file, the line and the import that broke a rule', () => {
    expect(check('src/engine/sim.ts', "// setup\nimport { Graphics } from 'pixi.js';")).toEqual([
      "src/engine/sim.ts:2 imports 'pixi.js': the engine must not depend on pixi.js",
    ]);
  });

  it('keeps Node built-ins, zustand and other layers out of the engine', () => {
    const text = [
      "import { createHash } from 'node:crypto';",
      "import { readFileSync } from 'fs';",
      "import { createStore } from 'zustand/vanilla';",
      "import { ledger } from '../analysis/ledger';",
      "import type { Scene } from '../render/scene';",
      "import data from '../../scenarios/a.json';",
    ].join('\n');
    expect(check('src/engine/sim.ts', text)).toHaveLength(6);
  });

  it('lets scenario/ import engine types but not engine code', () => {
    expect(check('src/scenario/parse.ts', "import { Sim } from '../engine/sim';")).toEqual([
      "src/scenario/parse.ts:1 imports '../engine/sim': scenario/ may import engine types only (import type, or src/engine/types.ts)",
    ]);
    expect(check('src/scenario/parse.ts', "import { type SimConfig, Sim } from '../engine/sim';")).toHaveLength(1);
  });

  it('lets nothing outside app/ and cli/ import them', () => {
    expect(check('src/app/main.ts', "import { main } from '../cli/main';")).toHaveLength(1);
    expect(check('src/export/csv.ts', "import { store } from '../app/store';")).toHaveLength(1);
    expect(check('src/render/scene.ts', "import { store } from '../app/store';")).toHaveLength(1);
    expect(check('src/render/scene.ts', "import type { Commands } from '../app/commands';")).toHaveLength(1);
    expect(check('src/analysis/report.ts', "import { parseScenario } from '../scenario';")).toHaveLength(1);
  });

  it('sees multi-line imports, re-exports, dynamic imports and require', () => {
    const text = [
      'import {',
      '  a,',
      '  b,',
      "} from '../cli/args';",
      "export { c } from '../app/store';",
      "const lazy = () => import('../cli/main');",
      "const old = require('../app/main');",
    ].join('\n');
    expect(check('src/export/csv.ts', text).map((line) => line.split(' ')[0])).toEqual([
      'src/export/csv.ts:1',
      'src/export/csv.ts:5',
      'src/export/csv.ts:6',
      'src/export/csv.ts:7',
    ]);
  });

  it('finds wall-clock time and ambient randomness in the engine, not in comments', () => {
    const text = [
      '// never Math.random() or Date.now() here',
      'const a = Math.random();',
      'const b = Date.now();',
      'const c = globalThis.performance.now();',
      "const d = Math['random']();",
      'const e = new Date();',
    ].join('\n');
    expect(check('src/engine/prng.ts', text).map((line) => line.split(' ')[0])).toEqual([
      'src/engine/prng.ts:2',
      'src/engine/prng.ts:3',
      'src/engine/prng.ts:4',
      'src/engine/prng.ts:5',
      'src/engine/prng.ts:6',
    ]);
    expect(check('src/app/main.ts', 'const t = performance.now();')).toEqual([]);
  });

  it('refuses files outside the layers', () => {
    expect(check('src/util.ts', '')).toEqual(['src/util.ts:1 file is in no layer of ARCHITECTURE.md']);
    expect(check('src/app/main.ts', "import { x } from '../util';")).toHaveLength(1);
  });
});

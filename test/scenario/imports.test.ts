// ARCHITECTURE.md: scenario → engine types only; export → engine, analysis, scenario;
// cli → engine, analysis, scenario, export. Nothing imports app/ or cli/.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const src = new URL('../../src/', import.meta.url).pathname;

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

function imports(file: string): { spec: string; typeOnly: boolean }[] {
  const text = readFileSync(file, 'utf8');
  const out: { spec: string; typeOnly: boolean }[] = [];
  for (const m of text.matchAll(/^\s*(import|export)\s+(type\s+)?[^'"]*?from\s+['"]([^'"]+)['"]/gm)) {
    out.push({ spec: m[3]!, typeOnly: m[2] !== undefined });
  }
  return out;
}

/** The src/ folder an import lands in, or null for a package. */
function target(file: string, spec: string): string | null {
  if (!spec.startsWith('.')) return null;
  return relative(src, join(file, '..', spec)).split('/')[0]!;
}

describe('import boundaries', () => {
  it('scenario/ imports only engine types (and zod)', () => {
    for (const file of files(join(src, 'scenario'))) {
      for (const { spec, typeOnly } of imports(file)) {
        const to = target(file, spec);
        if (to === null) expect(spec, file).toBe('zod');
        else if (to !== 'scenario') {
          expect(`${to}:${typeOnly}`, `${file} imports ${spec}`).toBe('engine:true');
          expect(spec, file).toMatch(/engine\/types$/);
        }
      }
    }
  });

  it('export/ and cli/ import only what they may', () => {
    const allowed: Record<string, string[]> = {
      export: ['export', 'engine', 'analysis', 'scenario'],
      cli: ['cli', 'engine', 'analysis', 'scenario', 'export'],
    };
    for (const [folder, ok] of Object.entries(allowed)) {
      for (const file of files(join(src, folder))) {
        for (const { spec } of imports(file)) {
          const to = target(file, spec);
          if (to !== null) expect(ok, `${file} imports ${spec}`).toContain(to);
        }
      }
    }
  });
});

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const coreDir = dirname(fileURLToPath(import.meta.url));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return sourceFiles(p);
    return /\.tsx?$/.test(name) && !/\.(test|bench)\.tsx?$/.test(name) ? [p] : [];
  });
}

const IMPORT_RE = /(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

describe('src/core is pure', () => {
  const files = sourceFiles(coreDir);

  it('has source files to check', () => {
    expect(files.length).toBeGreaterThan(3);
  });

  it('imports nothing outside src/core and no node: module', () => {
    const offenders: string[] = [];
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(IMPORT_RE)) {
        const spec = m[1] ?? m[2];
        const where = relative(coreDir, file);
        if (spec.startsWith('node:')) offenders.push(`${where}: ${spec}`);
        else if (spec.startsWith('.')) {
          const target = resolve(dirname(file), spec);
          if (!target.startsWith(coreDir)) offenders.push(`${where}: ${spec}`);
        } else if (!['zod', 'yaml'].includes(spec)) offenders.push(`${where}: ${spec} (package)`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it('reads no clock, no Math.random and no process', () => {
    const offenders: string[] = [];
    for (const file of files) {
      const text = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
      // new Date(ms) formats a given instant (pure); new Date() reads the clock.
      for (const bad of [/Math\.random/, /Date\.now/, /new Date\(\s*\)/, /performance\.now/, /\bprocess\./]) {
        if (bad.test(text)) offenders.push(`${relative(coreDir, file)}: ${bad.source}`);
      }
    }
    expect(offenders).toEqual([]);
  });
});

/**
 * How tests start a real `colossus` process: the built CLI (`bin/colossus.js`, what users
 * run) when `dist/` is at least as new as every source file it is built from, else the
 * source through tsx. Both run the same `main()`; the built one starts in a third of the
 * CPU time (no transpiling), which matters for a suite that starts hundreds of them on
 * 2 cores. `npm ci` builds `dist/` (prepare), so CI uses it; after an edit without
 * `npm run build`, tests fall back to the source by themselves. COLOSSUS_TEST_FROM_SOURCE=1
 * forces the source.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const BIN = join(repoRoot, 'bin/colossus.js');
const ENTRY = join(repoRoot, 'src/cli/entry.ts');
const BUILT_MAIN = join(repoRoot, 'dist/cli/main.js');

/** Newest modification time (ms) of the non-test TypeScript under `dir`. */
function newestSourceMs(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestSourceMs(p));
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.test.ts')) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

let built: boolean | undefined;
/** Is `dist/` a build of the current sources? */
export function builtIsFresh(): boolean {
  if (built !== undefined) return built;
  if (process.env.COLOSSUS_TEST_FROM_SOURCE === '1' || !existsSync(BUILT_MAIN)) return (built = false);
  built = statSync(BUILT_MAIN).mtimeMs >= newestSourceMs(join(repoRoot, 'src'));
  return built;
}

/** The node arguments that run `colossus ARGS...`: put them after any node flags of your own. */
export function colossusArgs(args: readonly string[]): string[] {
  if (builtIsFresh()) return [BIN, ...args];
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  return ['--import', tsx, ENTRY, ...args];
}

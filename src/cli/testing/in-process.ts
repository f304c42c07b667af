/**
 * Test harness: a real control-plane server (SQLite in a temporary data dir) on loopback,
 * and the CLI's `main` run in this process against it with stdout/stderr captured.
 * Shared by the CLI tests that talk to a server (no mocks: real HTTP, real store).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../main.js';
import { createServer, type ColossusServer } from '../../server/app.js';
import { Store } from '../../server/store/store.js';
import { ensureTokenFiles } from '../../server/tokens-files.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliServer {
  server: ColossusServer;
  url: string;
  dir: string;
  admin: string;
  /** Runs `colossus ARGS --server URL --token ADMIN` (flags go before a `--`). */
  cli(args: string[]): Promise<CliResult>;
  close(): Promise<void>;
}

/** Runs the CLI in this process, capturing what it writes. */
export async function runCli(args: string[]): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const out = process.stdout.write.bind(process.stdout);
  const err = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((s: string) => ((stdout += s), true)) as typeof process.stdout.write;
  process.stderr.write = ((s: string) => ((stderr += s), true)) as typeof process.stderr.write;
  try {
    const code = await main(args);
    return { code, stdout, stderr };
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
    process.exitCode = undefined;
  }
}

/** Starts a server in a fresh temporary data dir (`prefix` names it). */
export async function startCliServer(prefix: string): Promise<CliServer> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const tokens = ensureTokenFiles(dir, {});
  const server = await createServer({ store: await Store.open({ dataDir: dir }), bootstrapTokens: tokens, tickMs: 0 });
  const url = await server.app.listen({ host: '127.0.0.1', port: 0 });
  return {
    server, url, dir, admin: tokens.admin,
    cli: (args) => {
      const cut = args.includes('--') ? args.indexOf('--') : args.length;
      return runCli([...args.slice(0, cut), '--server', url, '--token', tokens.admin, ...args.slice(cut)]);
    },
    close: async () => {
      await server.close();
      await server.store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

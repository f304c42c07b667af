/**
 * Starts `colossus server` as a real child process (built, or from source: cli-command.ts) on a
 * free loopback port and waits for its JSON line. For tests that kill -9 it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { colossusArgs, repoRoot } from '../../cli/testing/cli-command.js';

export interface SpawnedServer {
  child: ChildProcess;
  url: string;
  info: { url: string; dataDir: string; store: string; adminTokenFile: string | null; agentTokenFile: string | null; login: { url: string; role: string; expiresAtMs: number } | null };
  stderr: () => string;
  /** Resolves with the exit code / signal. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function spawnServer(args: string[], env: Record<string, string | undefined> = {}, port = 0): Promise<SpawnedServer> {
  const child = spawn(process.execPath, colossusArgs(['server', '--port', String(port), '--json', '--log-level', 'warn', ...args]), {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.on('exit', (code, signal) => r({ code, signal })));
  return new Promise((resolveStart, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in 30 s: ${err}`)), 30_000);
    child.stderr!.on('data', (d) => (err += d));
    child.stdout!.on('data', (d) => {
      out += d;
      try {
        const info = JSON.parse(out);
        // Under --json a refusal to start is an {"error": …} document too: wait for the exit instead.
        if (info && typeof info === 'object' && 'error' in info) return;
        clearTimeout(timer);
        resolveStart({ child, url: info.url, info, stderr: () => err, exited });
      } catch {
        /* not complete yet */
      }
    });
    void exited.then(({ code }) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before starting: ${err}`));
    });
  });
}

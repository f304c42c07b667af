/**
 * Runs the real `colossus` CLI in a child process, as a user would: built when dist/ is
 * fresh, else from source (src/cli/testing/cli-command.ts).
 */
import { spawn } from 'node:child_process';
import { colossusArgs, repoRoot } from '../../src/cli/testing/cli-command.js';

export { repoRoot };

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function runCli(
  args: string[],
  options: { env?: Record<string, string>; cwd?: string; timeoutMs?: number; input?: string; nodeArgs?: string[] } = {},
): Promise<CliResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [...(options.nodeArgs ?? []), ...colossusArgs(args)], {
      cwd: options.cwd ?? repoRoot,
      env: { ...process.env, ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code: code ?? 1, stdout, stderr });
    });
    child.stdin.end(options.input ?? '');
  });
}

/** Runs the CLI with --json and parses stdout. */
export async function runCliJson<T = unknown>(args: string[], options?: Parameters<typeof runCli>[1]) {
  const r = await runCli([...args, '--json'], options);
  let json: T | undefined;
  try {
    json = JSON.parse(r.stdout) as T;
  } catch {
    json = undefined;
  }
  return { ...r, json };
}

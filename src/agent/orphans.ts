/**
 * Process groups the agent started are recorded in <work-dir>/attempts/<id>.pids so
 * a restarted agent can kill what its previous incarnation left behind (its pipes
 * are gone, so it cannot report for them; the server fails and reschedules them).
 * Normally each group's rank supervisor (lib/rank-supervisor.mjs) has already killed it
 * when the agent died; this is the backstop for a supervisor killed along with the agent.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { signalGroup } from './launcher.js';

const dirOf = (workDir: string) => join(workDir, 'attempts');

export function recordPids(workDir: string, attemptId: string, pids: readonly number[]): void {
  mkdirSync(dirOf(workDir), { recursive: true });
  writeFileSync(join(dirOf(workDir), `${attemptId}.pids`), pids.join('\n') + '\n');
}

export function forgetPids(workDir: string, attemptId: string): void {
  rmSync(join(dirOf(workDir), `${attemptId}.pids`), { force: true });
}

/** Is `pid` alive and still the leader of its own process group (so not a recycled pid)? */
function isGroupLeader(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[0] !== 'Z' && Number(fields[2]) === pid;
  } catch {
    return false;
  }
}

/** SIGKILLs the groups recorded by an earlier agent; returns the attempt ids it cleaned. */
export function killOrphans(workDir: string): string[] {
  let files: string[];
  try {
    files = readdirSync(dirOf(workDir)).filter((f) => f.endsWith('.pids'));
  } catch {
    return [];
  }
  for (const f of files) {
    const pids = readFileSync(join(dirOf(workDir), f), 'utf8').split('\n').filter(Boolean).map(Number);
    for (const pid of pids) if (Number.isInteger(pid) && pid > 1 && isGroupLeader(pid)) signalGroup(pid, 'SIGKILL');
    rmSync(join(dirOf(workDir), f), { force: true });
  }
  return files.map((f) => f.slice(0, -'.pids'.length));
}

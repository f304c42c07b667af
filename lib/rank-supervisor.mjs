#!/usr/bin/env node
/**
 * Rank supervisor: the colossus agent (src/agent/launcher.ts) starts every rank through
 * this script, so that a rank never outlives its agent. Plain Node, no dependencies,
 * shipped as-is (package.json "files": "lib").
 *
 *   node rank-supervisor.mjs AGENT_PID ORPHAN_GRACE_MS COMMAND [ARGS...]
 *
 * - It is started detached, so it leads its own process group; the rank COMMAND runs in
 *   that same group (stdin/stdout/stderr inherited from the supervisor), so the agent's
 *   group SIGKILL still reaches everything.
 * - fd 3 (a pipe from the agent) receives one JSON line, {"pid": N} once COMMAND runs or
 *   {"error": "..."} when it cannot be started (then the supervisor exits 127).
 * - SIGTERM, SIGUSR1 and SIGINT sent to the supervisor are relayed to its whole group
 *   (each process gets the signal once; the supervisor ignores its own echo).
 * - It exits as COMMAND did: the same exit code, or the same signal re-raised on itself
 *   (128 + signal number where Node cannot die of it: SIGUSR1, SIGPIPE).
 * - Every 500 ms it checks that its parent is still AGENT_PID (/proc/self/stat; where
 *   there is no /proc, that AGENT_PID exists). When the agent is gone, it sends SIGTERM
 *   to the group and SIGKILL after ORPHAN_GRACE_MS (at once when COMMAND exits sooner).
 */
import { spawn } from 'node:child_process';
import { closeSync, readFileSync, writeSync } from 'node:fs';
import { constants } from 'node:os';

const POLL_MS = 500;
const RELAYED = ['SIGTERM', 'SIGUSR1', 'SIGINT'];
/** Signals Node does not die of when raised on itself (inspector, ignored). */
const NOT_RERAISED = new Set(['SIGUSR1', 'SIGPIPE']);

const [agentPidArg, graceMsArg, ...command] = process.argv.slice(2);
const agentPid = Number(agentPidArg);
const orphanGraceMs = Number(graceMsArg);
if (!Number.isInteger(agentPid) || agentPid < 1 || !(orphanGraceMs >= 0) || command.length === 0) {
  process.stderr.write('rank-supervisor: usage: rank-supervisor.mjs AGENT_PID ORPHAN_GRACE_MS COMMAND [ARGS...]\n');
  process.exit(2);
}

const echoes = new Map();
const signalGroup = (sig) => {
  try {
    process.kill(-process.pid, sig);
  } catch {
    // the group is gone, or we do not lead one (not started detached): nothing to signal
  }
};
const relay = (sig) => {
  echoes.set(sig, (echoes.get(sig) ?? 0) + 1);
  signalGroup(sig);
};
for (const sig of RELAYED) {
  process.on(sig, () => {
    const own = echoes.get(sig) ?? 0;
    if (own > 0) echoes.set(sig, own - 1);
    else relay(sig);
  });
}

const report = (msg) => {
  try {
    writeSync(3, JSON.stringify(msg) + '\n');
    closeSync(3);
  } catch {
    // no fd 3 (started by hand) or the agent is gone
  }
};

/** Is our parent still the agent? */
function agentAlive() {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === agentPid;
  } catch {
    try {
      process.kill(agentPid, 0);
      return true;
    } catch (e) {
      return e.code === 'EPERM';
    }
  }
}

let agentGone = false;
const child = spawn(command[0], command.slice(1), { stdio: ['inherit', 'inherit', 'inherit', 'ignore'] });
if (child.pid !== undefined) report({ pid: child.pid });
child.on('error', (e) => {
  if (child.pid !== undefined) return;
  report({ error: e.message });
  process.exit(127);
});

const watch = setInterval(() => {
  if (agentGone || agentAlive()) return;
  agentGone = true;
  relay('SIGTERM');
  setTimeout(() => signalGroup('SIGKILL'), orphanGraceMs);
}, POLL_MS);

child.on('exit', (code, signal) => {
  clearInterval(watch);
  if (agentGone) return signalGroup('SIGKILL'); // no one to report to; take the rest of the group along
  if (signal === null) process.exit(code ?? 1);
  if (!NOT_RERAISED.has(signal)) {
    process.removeAllListeners(signal);
    process.kill(process.pid, signal);
  }
  setTimeout(() => process.exit(128 + (constants.signals[signal] ?? 0)), 200);
});

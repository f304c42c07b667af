/**
 * The `colossus` command line. Commands live one per file under ./commands and
 * register themselves on the program; this file only maps errors to exit codes
 * (0 ok, 1 failure, 2 usage, 3 negative answer) as DESIGN.md specifies.
 */
import { Command, CommanderError } from 'commander';
import { ColossusError, isColossusError } from '../core/errors.js';
import { commands } from './commands/index.js';

export function buildProgram(): Command {
  const program = new Command('colossus')
    .description('An AI supercomputer in software: plan, simulate and operate GPU training clusters.')
    .version('0.1.0')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  for (const register of commands) register(program);
  // Sub-commands inherit the override so a bad flag anywhere exits 2, not 1.
  const walk = (c: Command) => {
    c.exitOverride();
    c.commands.forEach(walk);
  };
  walk(program);
  return program;
}

/** Runs the CLI and resolves to the process exit code; never throws. */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    return reportError(e);
  }
}

function reportError(e: unknown): number {
  if (e instanceof CommanderError) {
    if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return 0;
    if (e.exitCode === 0) return 0;
    return 2; // commander already printed the message
  }
  if (isColossusError(e)) {
    process.stderr.write(`colossus: ${e.describe()}\n`);
    if (e.code === 'infeasible' && e.details && wantsJson()) {
      process.stdout.write(JSON.stringify({ error: e.message, ...e.details }, null, 2) + '\n');
    }
    return e.exitCode;
  }
  const err = e instanceof Error ? e : new Error(String(e));
  process.stderr.write(`colossus: internal error: ${err.message}\n`);
  if (process.env.COLOSSUS_DEBUG) process.stderr.write(`${err.stack}\n`);
  else process.stderr.write('  (set COLOSSUS_DEBUG=1 for a stack trace, and please report it)\n');
  return 1;
}

const wantsJson = () => process.argv.includes('--json');

export { ColossusError };

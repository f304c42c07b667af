/**
 * The `colossus` command line. Commands live one per file under ./commands; the table in
 * ./commands/index.ts names them, and only the command being run is imported (the others are
 * registered as light stubs so `--help` and "did you mean" still list them). This file maps
 * errors to exit codes (0 ok, 1 failure, 2 usage, 3 negative answer) as DESIGN.md specifies.
 */
import { Command, CommanderError, Help } from 'commander';
import { ColossusError, isColossusError } from '../core/errors.js';
import { commands, type CommandEntry } from './commands/index.js';
import { namesDataFile } from './data-file.js';

/** The name of the top-level command argv runs (`help X` runs X's help), if any. */
export function selectedCommand(argv: readonly string[]): string | undefined {
  const i = argv.findIndex((a) => !a.startsWith('-'));
  if (i < 0) return undefined;
  return argv[i] === 'help' ? argv[i + 1] : argv[i];
}

/**
 * Builds the program with the real definition of `only` (a top-level command name; all of
 * them when undefined and `all` is set) and stubs for the rest.
 */
export async function buildProgram(options: { only?: string; all?: boolean } = {}): Promise<Command> {
  const stubTerms = new Map<Command, string>();
  const program = new Command('colossus')
    .description('An AI supercomputer in software: plan, simulate and operate GPU training clusters.')
    .version('0.1.0')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) })
    .configureHelp({
      subcommandTerm(this: Help, cmd: Command) {
        return stubTerms.get(cmd) ?? Help.prototype.subcommandTerm.call(this, cmd);
      },
    });
  for (const entry of commands) {
    if (program.commands.some((c) => c.name() === entry.name)) continue; // a loader that registers several names
    if (options.all || entry.name === options.only) (await entry.load())(program);
    else stubTerms.set(stub(program, entry), entry.group ? entry.name : (entry.term ?? `${entry.name} [options]`));
  }
  // Sub-commands inherit the override so a bad flag anywhere exits 2, not 1.
  const walk = (c: Command) => {
    c.exitOverride();
    c.commands.forEach(walk);
  };
  walk(program);
  return program;
}

function stub(program: Command, entry: CommandEntry): Command {
  return program.command(entry.name).description(entry.description);
}

/** Runs the CLI and resolves to the process exit code; never throws. */
export async function main(argv: string[]): Promise<number> {
  try {
    const program = await buildProgram({ only: selectedCommand(argv) });
    if (argv.some(namesDataFile)) await (await import('./load.js')).loadFileParsers();
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

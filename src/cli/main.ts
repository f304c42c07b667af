/**
 * The `colossus` command line. Commands live one per file under ./commands; the table in
 * ./commands/index.ts names them, and only the command being run is imported (the others are
 * registered as light stubs so `--help` and "did you mean" still list them).
 *
 * This file also holds what every command shares (DESIGN.md): `--json` and `-o json|wide|name`
 * on every command, exit codes (0 ok, 1 failure, 2 usage, 3 negative answer), messages that
 * start with `colossus:` on stderr, and under `--json` / `-o json` one JSON document
 * `{"error": {code, message, where, hint}}` on stdout for every failure (see ./errors-out.ts).
 */
import { Command, CommanderError, Help, Option } from 'commander';
import { ColossusError } from '../core/errors.js';
import { commands, type CommandEntry } from './commands/index.js';
import { namesDataFile } from './data-file.js';
import { reportError, type ParserError } from './errors-out.js';
import { OUTPUT_FORMATS, resetOutput, setOutputFormat, type OutputFormat } from './output.js';

/** The name of the top-level command argv runs (`help X` runs X's help), if any. */
export function selectedCommand(argv: readonly string[]): string | undefined {
  const i = argv.findIndex((a) => !a.startsWith('-'));
  if (i < 0) return undefined;
  return argv[i] === 'help' ? argv[i + 1] : argv[i];
}

/**
 * Builds the program with the real definition of `only` (a top-level command name; all of
 * them with `all`) and stubs for the rest.
 */
export async function buildProgram(options: { only?: string; all?: boolean; onParserError?: (e: ParserError) => void } = {}): Promise<Command> {
  const stubTerms = new Map<Command, string>();
  const program = new Command('colossus')
    .description('An AI supercomputer in software: plan, simulate and operate GPU training clusters.')
    .version('0.1.0')
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
  const walk = (c: Command, path: string) => {
    c.exitOverride(); // a bad flag anywhere exits 2, not 1 (see reportError)
    c.showHelpAfterError(false);
    c.configureOutput({ writeErr: (s) => process.stderr.write(s), outputError: (text) => parserError(text, path, options.onParserError) });
    if (c.commands.length === 0 && !stubTerms.has(c) && c !== program) addOutputOptions(c);
    for (const sub of c.commands) walk(sub, `${path} ${sub.name()}`);
  };
  walk(program, 'colossus');
  program.hook('preAction', (_root, action) => applyOutputFormat(action, longRunning(action)));
  return program;
}

function stub(program: Command, entry: CommandEntry): Command {
  return program.command(entry.name).description(entry.description);
}

const longRunning = (c: Command): boolean => {
  let top = c;
  while (top.parent?.parent) top = top.parent;
  return Boolean(commands.find((e) => e.name === top.name())?.longRunning);
};

function addOutputOptions(c: Command): void {
  if (!c.options.some((o) => o.long === '--json')) c.option('--json', 'print one JSON document on stdout');
  if (!c.options.some((o) => o.short === '-o' || o.long === '--output')) {
    c.addOption(new Option('-o, --output <format>', `output format: ${OUTPUT_FORMATS.join(', ')} (json = --json; name = one id or name per line)`).argParser(outputFlag));
  }
}

function outputFlag(text: string): OutputFormat {
  if ((OUTPUT_FORMATS as readonly string[]).includes(text)) return text as OutputFormat;
  throw new ColossusError('usage', `must be one of ${OUTPUT_FORMATS.join(', ')}, got '${text}'`, { where: '-o', hint: 'e.g. -o json (the same as --json), -o wide or -o name' });
}

/** `-o json` and `-o name` reach commands as `--json` (printJson prints names under `-o name`). */
function applyOutputFormat(c: Command, isLongRunning: boolean): void {
  const o = c.opts<{ json?: boolean; output?: OutputFormat }>();
  if (o.json && o.output && o.output !== 'json') {
    throw new ColossusError('usage', `--json and -o ${o.output} ask for different outputs`, { where: '-o', hint: 'give one of them (--json is -o json)' });
  }
  if (o.output === 'name' && isLongRunning) {
    throw new ColossusError('usage', `${c.name()} runs until stopped and prints no list of names`, { where: '-o name', hint: 'use -o json (or --json)' });
  }
  if (o.output === 'json' || o.output === 'name') c.setOptionValue('json', true);
  setOutputFormat(o.output ?? (o.json ? 'json' : 'text'));
}

/** Commander's own messages ("error: unknown option '--gpu'\n(Did you mean --gpus?)"), in our form. */
function parserError(text: string, path: string, record?: (e: ParserError) => void): void {
  const [first, ...rest] = text.trim().split('\n');
  const message = first.replace(/^error: /, '');
  const suggestion = rest.join(' ').replace(/^\((.*)\)$/, '$1').replace(/^Did/, 'did');
  const quoted = /'([^']+)'/.exec(message)?.[1];
  const where = quoted?.split(/[ ,]+/).find((t) => t.startsWith('--')) ?? quoted?.split(' ')[0];
  const usage = `run \`${path} --help\` for usage`;
  const hint = suggestion ? `${suggestion} (${usage})` : usage;
  const e = { message, where, hint };
  record?.(e);
  process.stderr.write(`colossus: ${where && !message.includes(`'${where}`) ? `${where}: ` : ''}${message}\n  ${hint}\n`);
}

/** Runs the CLI and resolves to the process exit code; never throws. */
export async function main(argv: string[]): Promise<number> {
  let lastParserError: ParserError | undefined;
  resetOutput();
  try {
    const program = await buildProgram({ only: selectedCommand(argv), onParserError: (e) => (lastParserError = e) });
    if (argv.some(namesDataFile)) await (await import('./load.js')).loadFileParsers();
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof CommanderError && lastParserError) return reportError(e, argv, lastParserError);
    return reportError(e, argv);
  }
}

export { ColossusError };

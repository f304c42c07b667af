/**
 * How a failed run ends: the exit code (0 ok, 1 failure, 2 usage, 3 negative answer), one
 * `colossus: …` message on stderr, and under `--json` / `-o json` exactly one JSON document on
 * stdout: `{"error": {"code", "message", "where", "hint"}}` (plus `details` when the error has
 * them; a negative answer also keeps its result fields beside `error`, as `perf` does with the
 * memory breakdown of a layout that does not fit).
 */
import { CommanderError } from 'commander';
import { isColossusError, type ColossusError, type ErrorCode } from '../core/errors.js';
import { jsonDocumentsPrinted } from './output.js';

/** A commander parser error as main() recorded it (commander has already printed it). */
export interface ParserError {
  message: string;
  where?: string;
  hint: string;
}

export interface ErrorDocument {
  error: { code: ErrorCode; message: string; where: string | null; hint: string | null; details?: Record<string, unknown> };
  [resultField: string]: unknown;
}

/** True when argv asks for JSON: `--json`, `-o json`, `-ojson`, `--output json|=json` (before a `--`). */
export function wantsJson(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  const args = end < 0 ? argv : argv.slice(0, end);
  return args.some((a, i) => a === '--json' || a === '-ojson' || a === '--output=json' || ((a === '-o' || a === '--output') && args[i + 1] === 'json'));
}

export function errorDocument(e: ColossusError): ErrorDocument {
  const error = { code: e.code, message: e.message, where: e.where ?? null, hint: e.hint ?? null };
  if (!e.details) return { error };
  return e.code === 'infeasible' ? { ...e.details, error } : { error: { ...error, details: e.details } };
}

function printDocument(argv: readonly string[], doc: ErrorDocument): void {
  if (wantsJson(argv) && jsonDocumentsPrinted() === 0) process.stdout.write(JSON.stringify(doc, null, 2) + '\n');
}

/** Reports an error thrown by a run and returns the exit code; never throws. */
export function reportError(e: unknown, argv: readonly string[], parser?: ParserError): number {
  if (e instanceof CommanderError) {
    if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help' || e.exitCode === 0) return 0;
    const p = parser ?? { message: e.message.replace(/^error: /, ''), hint: 'run `colossus --help` for usage' };
    printDocument(argv, { error: { code: 'usage', message: p.message, where: p.where ?? null, hint: p.hint } });
    return 2; // commander has printed the message (main's outputError)
  }
  if (isColossusError(e)) {
    process.stderr.write(`colossus: ${e.describe()}\n`);
    printDocument(argv, errorDocument(e));
    return e.exitCode;
  }
  const err = e instanceof Error ? e : new Error(String(e));
  process.stderr.write(`colossus: internal error: ${err.message}\n`);
  if (process.env.COLOSSUS_DEBUG) process.stderr.write(`${err.stack}\n`);
  else process.stderr.write('  (set COLOSSUS_DEBUG=1 for a stack trace, and please report it)\n');
  printDocument(argv, { error: { code: 'failure', message: `internal error: ${err.message}`, where: null, hint: 'set COLOSSUS_DEBUG=1 for a stack trace, and please report it' } });
  return 1;
}

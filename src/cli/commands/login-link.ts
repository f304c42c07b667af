/**
 * `colossus login-link [--role operator]`: a one-time dashboard login link (POST
 * /api/v1/login-links, admin token). The link goes to stdout, alone, so
 * `xdg-open "$(colossus login-link)"` works; it is valid once, for 10 minutes.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { ColossusError } from '../../core/errors.js';
import type { LoginLink } from '../../protocol/session.js';
import { addClientOptions, clientFrom, type ClientFlags } from '../control-client.js';
import { printJson } from '../output.js';

interface LoginLinkFlags extends ClientFlags {
  role: 'viewer' | 'operator';
  tokenFile?: string;
  json?: boolean;
}

function roleFlag(text: string): 'viewer' | 'operator' {
  if (text !== 'viewer' && text !== 'operator') throw new ColossusError('usage', `--role must be viewer or operator, got '${text}'`, { where: '--role', hint: 'viewer reads; operator may also cordon, drain and repair nodes and steer the twin' });
  return text;
}

function tokenFrom(f: LoginLinkFlags): string | undefined {
  if (f.tokenFile === undefined) return f.token;
  if (f.token !== undefined) throw new ColossusError('usage', '--token and --token-file both given', { where: '--token-file', hint: 'give one of them' });
  try {
    return readFileSync(f.tokenFile, 'utf8').trim();
  } catch (e) {
    throw new ColossusError('usage', `cannot read the token file ${f.tokenFile}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { where: '--token-file', hint: 'the admin token is admin.token in the server\'s (or the twin\'s) data dir' });
  }
}

export function registerLoginLink(program: Command): void {
  addClientOptions(program.command('login-link').description('A one-time dashboard login link (a viewer session, or --role operator): valid once, for 10 minutes; needs the admin token'))
    .option('--role <viewer|operator>', 'role of the session the link opens', roleFlag, 'viewer')
    .option('--token-file <file>', 'read the admin token from this file (e.g. <data dir>/admin.token), keeping it out of the process list')
    .action(async (f: LoginLinkFlags) => {
      const client = clientFrom({ ...f, token: tokenFrom(f) });
      const link = await client.request<LoginLink>('POST', '/login-links', { role: f.role });
      if (f.json) return printJson(link);
      process.stdout.write(link.url + '\n');
      process.stderr.write(`colossus: ${link.role === 'operator' ? 'an' : 'a'} ${link.role} session; the link works once, until ${new Date(link.expiresAtMs).toISOString().slice(11, 19)} UTC (${link.validS / 60} minutes)\n`);
    });
}

/**
 * The API client for `colossus job|node`: --server / COLOSSUS_SERVER
 * (default http://127.0.0.1:7460) and --token / COLOSSUS_TOKEN (default: the
 * admin.token of ./.colossus, the server's default data dir, when readable).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { ColossusError, isColossusError } from '../core/errors.js';
import { ApiClient, parseServers } from '../protocol/client.js';
import { printJson, renderTable } from './output.js';

export interface ClientFlags {
  server?: string;
  token?: string;
}

export const DEFAULT_SERVER = 'http://127.0.0.1:7460';

export function addClientOptions(cmd: Command): Command {
  return cmd
    .option('--server <url[,url…]>', `control-plane URL, or several replicas comma-separated (env COLOSSUS_SERVER, default ${DEFAULT_SERVER})`)
    .option('--token <token>', 'bearer token (env COLOSSUS_TOKEN, default .colossus/admin.token)')
    .option('--json', 'print one JSON document on stdout');
}

/** Where the token came from, for messages about it. */
type TokenSource = '--token' | 'COLOSSUS_TOKEN' | string;

export function clientFrom(f: ClientFlags): ApiClient {
  const server = f.server ?? process.env.COLOSSUS_SERVER ?? DEFAULT_SERVER;
  checkServers(server);
  const fallback = join('.colossus', 'admin.token');
  let token = f.token ?? process.env.COLOSSUS_TOKEN;
  let source: TokenSource = f.token !== undefined ? '--token' : 'COLOSSUS_TOKEN';
  if (!token && existsSync(fallback)) [token, source] = [readFileSync(fallback, 'utf8').trim(), fallback];
  if (!token) throw new ColossusError('usage', 'no API token', { where: '--token', hint: `pass --token, set COLOSSUS_TOKEN, or run from the directory holding ${fallback}` });
  return new CliClient({ server, token }, source);
}

/** The API client whose auth failures are usage errors (exit 2) naming where the token came from. */
class CliClient extends ApiClient {
  constructor(options: ConstructorParameters<typeof ApiClient>[0], private readonly source: TokenSource) {
    super(options);
  }

  override async request<T>(method: string, path: string, body?: unknown, token?: string): Promise<T> {
    try {
      return await super.request<T>(method, path, body, token);
    } catch (e) {
      throw isColossusError(e) ? wrongToken(e, this.options.server, this.source) : e;
    }
  }
}

/** 401 (a token the server does not know), or 403 for an agent's token: the wrong token was given. */
function wrongToken(e: ColossusError, server: string, source: TokenSource): ColossusError {
  const agentToken = e.code === 'forbidden' && /role '(agent|node)'|node credential/.test(e.message);
  if (e.code !== 'unauthorized' && !agentToken) return e;
  const what = agentToken ? 'is an agent token, not an admin or user token' : 'is not a token of this server';
  const hint = agentToken
    ? 'use the admin token (admin.token in the server\'s data dir, not agent.token) or a user token'
    : `pass the admin token of the server at ${server} (admin.token in its data dir) or a user token it issued, with --token or COLOSSUS_TOKEN`;
  return new ColossusError('usage', `the token from ${source} ${what} (${e.message})`, { where: source, hint, details: { server } });
}

/** Every entry of a `--server URL[,URL…]` list must be an http(s) URL. */
export function checkServers(list: string, where = '--server'): void {
  for (const s of parseServers(list)) {
    if (!/^https?:\/\/[^/\s,]+/.test(s)) throw new ColossusError('usage', `'${s}' is not an http(s) URL`, { where, hint: 'e.g. http://127.0.0.1:7460, or replicas as http://a:7460,http://b:7460' });
  }
}

/** Milliseconds since epoch → "2026-11-28 06:40:01" (UTC), or "-". */
export const fmtTime = (ms: number | null | undefined): string => (ms ? new Date(ms).toISOString().replace('T', ' ').slice(0, 19) : '-');

/** Prints events as `job events` / `node events` show them: one JSON document, or a table. */
export function printEvents(events: { atMs: number; kind: string; reason: string }[], json: boolean | undefined): void {
  if (json) return printJson(events);
  process.stdout.write(renderTable(events, [
    { header: 'TIME', value: (e) => fmtTime(e.atMs) },
    { header: 'KIND', value: (e) => e.kind },
    { header: 'REASON', value: (e) => e.reason },
  ]) + '\n');
}

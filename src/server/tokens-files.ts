/**
 * First-start tokens: admin.token and agent.token in the data dir (mode 0600),
 * unless COLOSSUS_ADMIN_TOKEN / COLOSSUS_AGENT_TOKEN give them.
 */
import { existsSync, readFileSync, writeFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { newToken } from './auth.js';
import type { Store } from './store/store.js';

export interface BootTokens {
  admin: string;
  agent: string;
  /** Files written or read (absent when the env gave the token). */
  adminFile: string | null;
  agentFile: string | null;
}

export function ensureTokenFiles(dataDir: string, env: Record<string, string | undefined>): BootTokens {
  const one = (role: 'admin' | 'agent', envName: string) => {
    const fromEnv = env[envName]?.trim();
    if (fromEnv) return { token: fromEnv, file: null };
    const file = join(dataDir, `${role}.token`);
    if (existsSync(file)) return { token: readFileSync(file, 'utf8').trim(), file };
    const token = newToken(role);
    writeFileSync(file, token + '\n', { mode: 0o600 });
    chmodSync(file, 0o600);
    return { token, file };
  };
  const a = one('admin', 'COLOSSUS_ADMIN_TOKEN');
  const j = one('agent', 'COLOSSUS_AGENT_TOKEN');
  return { admin: a.token, agent: j.token, adminFile: a.file, agentFile: j.file };
}

/**
 * Replicas on one PostgreSQL database share their bootstrap tokens: the first
 * replica to start puts them in the database (keeping a token file it already
 * had), and every replica writes them to its own data dir's token files.
 */
export async function ensureSharedTokens(store: Store, dataDir: string, env: Record<string, string | undefined>): Promise<BootTokens> {
  const one = async (role: 'admin' | 'agent', envName: string) => {
    const fromEnv = env[envName]?.trim();
    if (fromEnv) return { token: fromEnv, file: null };
    const file = join(dataDir, `${role}.token`);
    const had = existsSync(file) ? readFileSync(file, 'utf8').trim() : '';
    const token = await store.initMeta(`bootstrap-token.${role}`, had || newToken(role));
    if (token !== had) {
      writeFileSync(file, token + '\n', { mode: 0o600 });
      chmodSync(file, 0o600);
    }
    return { token, file };
  };
  const a = await one('admin', 'COLOSSUS_ADMIN_TOKEN');
  const j = await one('agent', 'COLOSSUS_AGENT_TOKEN');
  return { admin: a.token, agent: j.token, adminFile: a.file, agentFile: j.file };
}

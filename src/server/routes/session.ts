/**
 * Login links and dashboard sessions: POST /api/v1/login-links (admin), GET /login?code=…
 * (the link a browser opens: the code for a session cookie, then a redirect to the
 * dashboard), and GET/POST/DELETE /api/v1/session (who am I; a pasted token for a cookie;
 * log out). See ../session.ts and ../login-codes.ts.
 */
import { ROUTES } from '../../protocol/routes.js';
import type { SessionView } from '../../protocol/session.js';
import { hashToken } from '../auth.js';
import type { ColossusServer } from '../app.js';
import { ProblemError, sendProblem } from '../errors.js';
import { LOGIN_CODE_TTL_MS, canonicalCode, loginPath, mintLoginCode } from '../login-codes.js';
import { SESSION_TTL_MS, clearedCookie, newSession, overHttps, sessionCookie, sessionSecret } from '../session.js';
import type { TokenRow } from '../store/store.js';
import { defineRoute } from './define.js';

const canOperate = (role: TokenRow['role']) => role === 'admin' || role === 'operator';

function view(row: TokenRow, via: SessionView['via']): SessionView {
  return { role: row.role as SessionView['role'], team: row.team ?? null, via, expiresAtMs: row.expiresAtMs ?? null, canOperate: canOperate(row.role) };
}

const iso = (ms: number) => new Date(ms).toISOString().slice(0, 19) + 'Z';

function codeProblem(why: 'unknown' | 'used' | 'expired', at?: number): ProblemError {
  const hint = 'ask for a new link: `colossus login-link [--role operator]` with the admin token (each code works once, for 10 minutes)';
  if (why === 'unknown') return new ProblemError({ type: '/problems/login-code-unknown', title: 'Unauthorized', status: 401, detail: 'this login code is not known to this server (mistyped, or made for another server)', where: 'query.code', hint });
  if (why === 'used') return new ProblemError({ type: '/problems/login-code-used', title: 'Gone', status: 410, detail: `this login code was already used${at ? ` (at ${iso(at)})` : ''}; a code opens one session only`, where: 'query.code', hint });
  return new ProblemError({ type: '/problems/login-code-expired', title: 'Gone', status: 410, detail: `this login code expired${at ? ` at ${iso(at)}` : ''} (codes are valid for 10 minutes)`, where: 'query.code', hint });
}

/** A store that cannot take the write (disk full, no leader lease): 503, as the other writes answer. */
function storeUnavailable(e: unknown): never {
  throw new ProblemError({ type: '/problems/unavailable', title: 'Service Unavailable', status: 503, detail: `the store did not take the write: ${(e as Error).message}`.slice(0, 300), where: 'store', hint: 'retry in a moment; /readyz says when the server can write again' });
}

export function registerSessionRoutes(server: ColossusServer, loginRedirect: string): void {
  defineRoute(server, ROUTES.createLoginLink, async ({ body, req }) => {
    const minted = await mintLoginCode(server.store, body.role, server.authNowMs()).catch(storeUnavailable);
    const path = loginPath(minted.code);
    return { code: minted.code, role: minted.role, path, url: `${req.protocol}://${req.host}${path}`, expiresAtMs: minted.expiresAtMs, validS: LOGIN_CODE_TTL_MS / 1000 };
  });

  defineRoute(server, ROUTES.showSession, ({ auth, req }) => view(auth, req.headers.authorization === undefined ? 'cookie' : 'bearer'));

  defineRoute(server, ROUTES.createSession, async ({ auth, req, reply }) => {
    const nowMs = server.authNowMs();
    // The dashboard needs no admin powers: a pasted admin token opens an operator session.
    const s = newSession(auth.role === 'admin' ? 'operator' : auth.role, auth.team ?? null, `session:${auth.name}`, nowMs);
    await server.commit({ tokensPut: [s.row] });
    server.tokens.put(s.row);
    reply.header('set-cookie', sessionCookie(s.secret, SESSION_TTL_MS / 1000, overHttps(req))).header('cache-control', 'no-store');
    return view(s.row, 'cookie');
  });

  defineRoute(server, ROUTES.deleteSession, async ({ auth, req, reply }) => {
    const secret = req.headers.authorization === undefined ? sessionSecret(req) : undefined;
    if (!secret || auth.expiresAtMs == null) return { loggedOut: false }; // a bearer token: nothing to end (an admin revokes tokens)
    await server.commit({ tokensDelete: [hashToken(secret)] });
    server.tokens.delete(hashToken(secret));
    reply.header('set-cookie', clearedCookie(overHttps(req)));
    return { loggedOut: true };
  });

  server.app.get('/login', async (req, reply) => {
    if (req.method === 'HEAD') return reply.code(204).header('cache-control', 'no-store').send(); // a link preview must not use the code up
    try {
      const code = canonicalCode((req.query as Record<string, unknown> | undefined)?.code);
      server.guard('POST');
      const nowMs = server.authNowMs();
      let secret = '';
      const r = await server.store.consumeLoginCode(hashToken(code), nowMs, (role) => {
        const s = newSession(role, null, 'session:login-link', nowMs);
        secret = s.secret; // known only here and in the cookie: the store keeps its hash
        return s.row;
      }).catch(storeUnavailable);
      if (!r.ok) throw codeProblem(r.why, r.usedAtMs ?? r.expiresAtMs);
      server.tokens.put(r.session!);
      return reply
        .header('set-cookie', sessionCookie(secret, SESSION_TTL_MS / 1000, overHttps(req)))
        .header('cache-control', 'no-store')
        .header('referrer-policy', 'no-referrer')
        .redirect(loginRedirect, 303);
    } catch (err) {
      return sendProblem(reply.header('cache-control', 'no-store'), req, err);
    }
  });
}

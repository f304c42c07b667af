/**
 * Sign-in state in the header. The dashboard holds no token: it is signed in by an
 * HttpOnly session cookie from a one-time login link, or by a pasted API token that is
 * exchanged for such a cookie (POST /api/v1/session) and then forgotten.
 */
import { useState } from 'react';
import { api } from '../lib/api';
import { operateHint, signInWithToken, signOut, useSession } from '../lib/session';

export function TokenBox() {
  const session = useSession();
  const [value, setValue] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [editing, setEditing] = useState(false);
  if (session === undefined) return null;
  if (session && !editing) {
    const until = session.expiresAtMs ? ` until ${new Date(session.expiresAtMs).toLocaleTimeString()}` : '';
    return (
      <span className="token" data-testid="session" data-role={session.role}>
        <button className="ghost" title={`signed in as ${session.role}${session.team ? ` (team ${session.team})` : ''}${until}; click to use another token`} onClick={() => setEditing(true)}>{session.role} ✓</button>
        {session.via === 'cookie' && <button className="ghost" data-testid="logout" onClick={() => signOut().then(() => location.reload(), (e) => setError(e.message))}>log out</button>}
      </span>
    );
  }
  return (
    <form
      className="token"
      title={error ?? 'an API token, exchanged for a session cookie (the page keeps no token)'}
      onSubmit={(e) => {
        e.preventDefault();
        signInWithToken(value).then(() => location.reload(), (err) => setError(err.message));
        setValue(''); // the token lives only in this request
      }}
    >
      <input type="password" placeholder="API token" value={value} onChange={(e) => setValue(e.target.value)} data-testid="token-input" autoComplete="off" />
      <button type="submit">sign in</button>
      {error && <span className="error" data-testid="token-error">{error}</span>}
    </form>
  );
}

const SPEEDS = [1, 60, 600, 3600, 0];

/** Virtual seconds per wall second (operator or admin): PUT /api/v1/twin/speed. */
export function SpeedBox({ current }: { current: number | null }) {
  const [error, setError] = useState<string | null>(null);
  const hint = operateHint(useSession());
  if (current === null) return null;
  const options = SPEEDS.includes(current) ? SPEEDS : [...SPEEDS, current];
  return (
    <select
      value={current}
      disabled={hint !== null}
      title={error ?? hint ?? 'virtual seconds per wall second'}
      data-testid="speed"
      onChange={(e) => api('/api/v1/twin/speed', { method: 'PUT', body: { speed: Number(e.target.value) } }).then(() => setError(null), (err) => setError(err.message))}
    >
      {options.map((v) => (
        <option key={v} value={v}>{v === 0 ? 'max speed' : `${v}×`}</option>
      ))}
    </select>
  );
}

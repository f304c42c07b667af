/** The user's API token: kept in localStorage, sent as a bearer token on every control-plane call. */
import { useState } from 'react';
import { api, getToken, setToken } from '../lib/api';

export function TokenBox() {
  const [value, setValue] = useState(getToken());
  const [editing, setEditing] = useState(!getToken());
  if (!editing) return <button className="ghost" title="API token set; click to change" onClick={() => setEditing(true)}>token ✓</button>;
  return (
    <form className="token" onSubmit={(e) => { e.preventDefault(); setToken(value); setEditing(false); location.reload(); }}>
      <input type="password" placeholder="API token" value={value} onChange={(e) => setValue(e.target.value)} data-testid="token-input" />
      <button type="submit">save</button>
    </form>
  );
}

const SPEEDS = [1, 60, 600, 3600, 0];

/** Virtual seconds per wall second (admin token): PUT /api/v1/twin/speed. */
export function SpeedBox({ current }: { current: number | null }) {
  const [error, setError] = useState<string | null>(null);
  if (current === null) return null;
  const options = SPEEDS.includes(current) ? SPEEDS : [...SPEEDS, current];
  return (
    <select
      value={current}
      title={error ?? 'virtual seconds per wall second'}
      data-testid="speed"
      onChange={(e) => api('/api/v1/twin/speed', { method: 'PUT', body: { speed: Number(e.target.value) } }).then(() => setError(null), (err) => setError(err.message))}
    >
      {options.map((v) => (
        <option key={v} value={v}>{v === 0 ? 'max speed' : `${v}×`}</option>
      ))}
    </select>
  );
}

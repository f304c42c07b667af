/** The user's API token: kept in localStorage, sent as a bearer token on every control-plane call. */
import { useState } from 'react';
import { getToken, setToken } from '../lib/api';

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

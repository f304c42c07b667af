/** Nodes: every node's state with filters; the counts by state on top. */
import { useEffect, useState } from 'react';
import { Link } from '../app';
import { api } from '../lib/api';
import { int } from '../lib/format';
import { useParam } from '../lib/router';
import type { NodeSummary } from '../lib/types';

export function Nodes({ tick }: { tick: number }) {
  const [state, setState] = useParam('state', '');
  const [q, setQ] = useParam('q', '');
  const [nodes, setNodes] = useState<NodeSummary[]>([]);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (tick % 5 !== 1 && nodes.length) return;
    api<NodeSummary[]>('/api/v1/nodes').then((n) => (setNodes(n), setError(null)), (e) => setError(e.message));
  }, [tick]);
  const counts: Record<string, number> = {};
  for (const n of nodes) counts[n.state] = (counts[n.state] ?? 0) + 1;
  const shown = nodes.filter((n) => (!state || n.state === state) && (!q || n.name.includes(q) || (n.rack ?? '').includes(q)));
  return (
    <div>
      <div className="toolbar">
        <h1 style={{ margin: 0 }}>Nodes</h1>
        <select value={state} onChange={(e) => setState(e.target.value)} data-testid="nodes-state">
          <option value="">any state</option>
          {['idle', 'allocated', 'draining', 'drained', 'suspect', 'down', 'repair'].map((s) => (
            <option key={s} value={s}>{s} ({int(counts[s] ?? 0)})</option>
          ))}
        </select>
        <input placeholder="name or rack" value={q} onChange={(e) => setQ(e.target.value)} data-testid="nodes-q" />
        <span className="muted">{int(shown.length)} of {int(nodes.length)} (first 300 shown)</span>
      </div>
      {error && <p className="error">{error} — set the API token (top right) from the twin's startup line.</p>}
      <table data-testid="nodes-table">
        <thead><tr><th>name</th><th>state</th><th>GPUs</th><th>rack</th><th>last heartbeat</th></tr></thead>
        <tbody>
          {shown.slice(0, 300).map((n) => (
            <tr key={n.name}>
              <td><Link to={`/nodes/${n.name}`}>{n.name}</Link></td>
              <td className={`st-${n.state}`}>{n.state}</td>
              <td>{n.gpus}</td>
              <td>{n.rack}</td>
              <td className="muted">{n.lastHeartbeatAt?.replace('T', ' ').slice(0, 19)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

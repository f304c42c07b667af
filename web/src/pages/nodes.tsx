/** Nodes: filtered, sorted and paged on the server (12,500 nodes at 100k GPUs); counts by state on top. */
import { useEffect, useState } from 'react';
import { Link } from '../app';
import { Pager, SortHeader } from '../components/pager';
import { api, apiPage } from '../lib/api';
import { int } from '../lib/format';
import { useParam } from '../lib/router';
import type { NodeSummary } from '../lib/types';

const STATES = ['idle', 'allocated', 'draining', 'drained', 'suspect', 'down', 'repair'];
const PAGE = 50;
const FILTERS = [
  ['rack', 'rack'],
  ['array', 'array'],
  ['hall', 'hall'],
  ['gpuModel', 'GPU model'],
  ['job', 'job id'],
  ['team', 'team'],
  ['q', 'name contains'],
] as const;

export function Nodes({ tick }: { tick: number }) {
  const [state, setState] = useParam('state', '');
  const [sort, setSort] = useParam('sort', 'name');
  const [offsetText, setOffset] = useParam('offset', '0');
  const filters = Object.fromEntries(FILTERS.map(([k]) => [k, useParam(k, '')])) as Record<string, [string, (v: string) => void]>;
  const offset = Number(offsetText) || 0;
  const [page, setPage] = useState<{ items: NodeSummary[]; total: number } | null>(null);
  const [counts, setCounts] = useState<Record<string, number>>({});
  const [error, setError] = useState<string | null>(null);
  const query = new URLSearchParams({ limit: String(PAGE), offset: String(offset), sort });
  if (state) query.set('state', state);
  for (const [k] of FILTERS) if (filters[k][0]) query.set(k, filters[k][0]);
  const qs = query.toString();
  useEffect(() => {
    apiPage<NodeSummary>(`/api/v1/nodes?${qs}`).then((p) => (setPage(p), setError(null)), (e) => setError(e.message));
  }, [qs, Math.floor(tick / 5)]);
  useEffect(() => {
    api<{ states: Record<string, number> }>('/api/v1/fleet/nodes?by=hall').then((c) => setCounts(c.states), () => undefined);
  }, [Math.floor(tick / 5)]);
  const refilter = (set: (v: string) => void) => (v: string) => (set(v), setOffset('0'));
  return (
    <div>
      <div className="toolbar">
        <h1 style={{ margin: 0 }}>Nodes</h1>
        <select value={state} onChange={(e) => refilter(setState)(e.target.value)} data-testid="nodes-state">
          <option value="">any state</option>
          {STATES.map((s) => (
            <option key={s} value={s}>{s} ({int(counts[s] ?? 0)})</option>
          ))}
        </select>
        {FILTERS.map(([k, label]) => (
          <input key={k} placeholder={label} size={10} value={filters[k][0]} onChange={(e) => refilter(filters[k][1])(e.target.value)} data-testid={`nodes-${k}`} />
        ))}
        {page && <Pager offset={offset} limit={PAGE} total={page.total} onOffset={(o) => setOffset(String(o))} testId="nodes-pager" />}
      </div>
      {error && <p className="error">{error} — set the API token (top right) from the twin's startup line.</p>}
      <table data-testid="nodes-table">
        <thead>
          <tr>
            <SortHeader field="name" label="name" sort={sort} onSort={refilter(setSort)} />
            <SortHeader field="state" label="state" sort={sort} onSort={refilter(setSort)} />
            <SortHeader field="gpus" label="GPUs" sort={sort} onSort={refilter(setSort)} />
            <SortHeader field="gpusFree" label="free" sort={sort} onSort={refilter(setSort)} />
            <th>model</th>
            <SortHeader field="rack" label="rack" sort={sort} onSort={refilter(setSort)} />
            <th>array</th>
            <th>hall</th>
            <th>jobs</th>
            <SortHeader field="lastHeartbeat" label="last heartbeat" sort={sort} onSort={refilter(setSort)} />
          </tr>
        </thead>
        <tbody>
          {page?.items.map((n) => (
            <tr key={n.name} data-state={n.state}>
              <td><Link to={`/nodes/${n.name}`}>{n.name}</Link></td>
              <td className={`st-${n.state}`}><i className="dot" />{n.state}</td>
              <td>{n.gpus}</td>
              <td>{n.gpusFree}</td>
              <td className="muted">{n.gpuModel}</td>
              <td>{n.rack}</td>
              <td>{n.array}</td>
              <td>{n.hall}</td>
              <td data-testid="node-jobs">
                {n.jobs.slice(0, 3).map((j) => <Link key={j} to={`/jobs/${j}`}>{j} </Link>)}
                {n.jobs.length > 3 ? `+${n.jobs.length - 3}` : ''}
              </td>
              <td className="muted">{n.lastHeartbeatAt?.replace('T', ' ').slice(0, 19)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

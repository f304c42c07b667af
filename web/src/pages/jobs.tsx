/** Jobs: filtered, sorted and paged on the server (state, team, name/id), with each job's throughput. */
import { useEffect, useState } from 'react';
import { Link } from '../app';
import { Pager, SortHeader } from '../components/pager';
import { api, apiPage } from '../lib/api';
import { duration, int, pct, si, when } from '../lib/format';
import { useParam } from '../lib/router';
import type { JobSummary } from '../lib/types';

const PAGE = 50;

export function Jobs({ tick }: { tick: number }) {
  const [state, setState] = useParam('state', '');
  const [team, setTeam] = useParam('team', '');
  const [q, setQ] = useParam('q', '');
  const [sort, setSort] = useParam('sort', '-priority');
  const [offsetText, setOffset] = useParam('offset', '0');
  const offset = Number(offsetText) || 0;
  const [page, setPage] = useState<{ items: JobSummary[]; total: number } | null>(null);
  const [teams, setTeams] = useState<string[]>([]);
  const [error, setError] = useState<string | null>(null);
  const query = new URLSearchParams({ limit: String(PAGE), offset: String(offset), sort });
  if (state) query.set('state', state);
  if (team) query.set('team', team);
  if (q) query.set('q', q);
  const qs = query.toString();
  useEffect(() => {
    apiPage<JobSummary>(`/api/v1/jobs?${qs}`).then((p) => (setPage(p), setError(null)), (e) => setError(e.message));
  }, [qs, Math.floor(tick / 3)]);
  useEffect(() => {
    api<{ team: string }[]>('/api/v1/teams').then((t) => setTeams(t.map((x) => x.team)), () => undefined);
  }, [Math.floor(tick / 30)]);
  const refilter = (set: (v: string) => void) => (v: string) => (set(v), setOffset('0'));
  return (
    <div>
      <div className="toolbar">
        <h1 style={{ margin: 0 }}>Jobs</h1>
        <select value={state} onChange={(e) => refilter(setState)(e.target.value)} data-testid="jobs-state">
          <option value="">any state</option>
          {['queued', 'running', 'recovering', 'succeeded', 'failed', 'cancelled'].map((s) => <option key={s}>{s}</option>)}
        </select>
        <select value={team} onChange={(e) => refilter(setTeam)(e.target.value)} data-testid="jobs-team">
          <option value="">any team</option>
          {teams.map((t) => <option key={t}>{t}</option>)}
        </select>
        <input placeholder="name or id" value={q} onChange={(e) => refilter(setQ)(e.target.value)} data-testid="jobs-q" />
        {page && <Pager offset={offset} limit={PAGE} total={page.total} onOffset={(o) => setOffset(String(o))} testId="jobs-pager" />}
      </div>
      {error && <p className="error">{error} — set the API token (top right) from the twin's startup line.</p>}
      <table data-testid="jobs-table">
        <thead>
          <tr>
            <SortHeader field="id" label="id" sort={sort} onSort={refilter(setSort)} />
            <SortHeader field="name" label="name" sort={sort} onSort={refilter(setSort)} />
            <SortHeader field="team" label="team" sort={sort} onSort={refilter(setSort)} />
            <SortHeader field="state" label="state" sort={sort} onSort={refilter(setSort)} />
            <SortHeader field="gpus" label="GPUs" sort={sort} onSort={refilter(setSort)} />
            <SortHeader field="priority" label="prio" sort={sort} onSort={refilter(setSort)} />
            <SortHeader field="step" label="step" sort={sort} onSort={refilter(setSort)} />
            <th title="achieved tokens per second">tokens/s</th>
            <th title="model FLOPs utilisation, achieved (planned)">MFU</th>
            <th title="productive time ÷ wall time">goodput</th>
            <th title="to the token budget at the achieved pace">ETA</th>
            <SortHeader field="restarts" label="restarts" sort={sort} onSort={refilter(setSort)} />
            <SortHeader field="submitted" label="submitted" sort={sort} onSort={refilter(setSort)} />
            <th>reason</th>
          </tr>
        </thead>
        <tbody>
          {page?.items.map((j) => {
            const t = j.throughput;
            return (
              <tr key={j.id}>
                <td><Link to={`/jobs/${j.id}`}>{j.id}</Link></td>
                <td>{j.name}</td>
                <td>{j.team}</td>
                <td className={`st-${j.state}`}>{j.state}</td>
                <td>{int(j.gpus)}</td>
                <td>{j.priority}</td>
                <td>{j.lastStep === null ? '–' : int(j.lastStep)}</td>
                <td data-testid="job-tokens">{t.tokensPerS === null ? '–' : si(t.tokensPerS)}</td>
                <td>{t.mfu === null ? '–' : pct(t.mfu)}{t.plannedMfu !== null && <span className="muted"> ({pct(t.plannedMfu)})</span>}</td>
                <td>{t.goodput === null ? '–' : pct(t.goodput)}</td>
                <td>{t.etaS === null ? '–' : duration(t.etaS)}</td>
                <td>{j.restarts}</td>
                <td className="muted">{when(j.submittedAtMs)}</td>
                <td className="muted">{j.reason}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

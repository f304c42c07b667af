/** Jobs: the control plane's job list with filters (state, team, name) kept in the URL. */
import { useEffect, useState } from 'react';
import { Link } from '../app';
import { api } from '../lib/api';
import { int, when } from '../lib/format';
import { useParam } from '../lib/router';
import type { JobSummary } from '../lib/types';

export function Jobs({ tick }: { tick: number }) {
  const [state, setState] = useParam('state', '');
  const [team, setTeam] = useParam('team', '');
  const [q, setQ] = useParam('q', '');
  const [jobs, setJobs] = useState<JobSummary[]>([]);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (tick % 3 !== 1 && jobs.length) return;
    api<JobSummary[]>(`/api/v1/jobs?limit=5000${state ? `&state=${state}` : ''}`).then((j) => (setJobs(j), setError(null)), (e) => setError(e.message));
  }, [tick, state]);
  const teams = [...new Set(jobs.map((j) => j.team))].sort();
  const shown = jobs.filter((j) => (!team || j.team === team) && (!q || j.name.includes(q) || j.id.includes(q))).sort((a, b) => b.priority - a.priority || b.submittedAtMs - a.submittedAtMs);
  return (
    <div>
      <div className="toolbar">
        <h1 style={{ margin: 0 }}>Jobs</h1>
        <select value={state} onChange={(e) => setState(e.target.value)} data-testid="jobs-state">
          <option value="">any state</option>
          {['queued', 'running', 'recovering', 'succeeded', 'failed', 'cancelled'].map((s) => <option key={s}>{s}</option>)}
        </select>
        <select value={team} onChange={(e) => setTeam(e.target.value)}>
          <option value="">any team</option>
          {teams.map((t) => <option key={t}>{t}</option>)}
        </select>
        <input placeholder="name or id" value={q} onChange={(e) => setQ(e.target.value)} />
        <span className="muted">{int(shown.length)} of {int(jobs.length)}</span>
      </div>
      {error && <p className="error">{error} — set the API token (top right) from the twin's startup line.</p>}
      <table data-testid="jobs-table">
        <thead>
          <tr><th>id</th><th>name</th><th>team</th><th>state</th><th>GPUs</th><th>prio</th><th>step</th><th>ckpt</th><th>restarts</th><th>submitted</th><th>reason</th></tr>
        </thead>
        <tbody>
          {shown.slice(0, 500).map((j) => (
            <tr key={j.id}>
              <td><Link to={`/jobs/${j.id}`}>{j.id}</Link></td>
              <td>{j.name}</td>
              <td>{j.team}</td>
              <td className={`st-${j.state}`}>{j.state}</td>
              <td>{int(j.gpus)}</td>
              <td>{j.priority}</td>
              <td>{j.lastStep === null ? '–' : int(j.lastStep)}</td>
              <td>{j.lastCheckpointStep === null ? '–' : int(j.lastCheckpointStep)}</td>
              <td>{j.restarts}</td>
              <td className="muted">{when(j.submittedAtMs)}</td>
              <td className="muted">{j.reason}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

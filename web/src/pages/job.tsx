/** A job: step and loss over time (uPlot), attempts on a timeline, restarts and their causes, lost work. */
import { useEffect, useMemo, useState } from 'react';
import { Link } from '../app';
import { UPlotChart, axes } from '../components/uplot-chart';
import { api } from '../lib/api';
import { duration, int, when } from '../lib/format';
import type { JobDetail, JobSeries } from '../lib/types';

const ATTEMPT_COLORS: Record<string, string> = { running: '#3b82f6', starting: '#a5b4fc', succeeded: '#22c55e', failed: '#ef4444', preempted: '#f59e0b', cancelled: '#64748b', stopping: '#f59e0b' };

export function JobPage({ id, tick }: { id: string; tick: number }) {
  const [job, setJob] = useState<JobDetail | null>(null);
  const [series, setSeries] = useState<JobSeries | null>(null);
  const [error, setError] = useState<string | null>(null);
  // The control plane's job detail lists every node of every attempt (megabytes for the
  // flagship): fetch it every 10 s; the twin's series (compact attempts) every second.
  const slow = Math.floor(tick / 10);
  useEffect(() => {
    api<JobDetail>(`/api/v1/jobs/${id}`).then(setJob, (e) => setError(e.message));
  }, [id, slow]);
  useEffect(() => {
    api<JobSeries>(`/api/v1/twin/jobs/${id}/series`).then(setSeries, () => setSeries(null));
  }, [id, tick]);
  const data = useMemo(() => {
    const pts = series?.points ?? [];
    return [pts.map((p) => (series!.startMs + p[0] * 1000) / 1000), pts.map((p) => p[1]), pts.map((p) => p[2])] as [number[], number[], number[]];
  }, [series]);
  if (error) return <p className="error">{error}</p>;
  if (!job) return <p className="muted">Loading {id}…</p>;
  const t0 = job.submittedAtMs;
  const step = series?.points.at(-1)?.[1] ?? job.lastStep;
  const attempts = series?.attempts ?? job.attempts.map((a) => ({ ...a, nodeCount: a.nodes.length, firstNode: a.nodes[0] ?? null }));
  const t1 = Math.max(job.endedAtMs ?? 0, ...attempts.map((a) => a.endedAtMs ?? 0), series ? series.startMs + (series.points.at(-1)?.[0] ?? 0) * 1000 : 0, t0 + 1);
  const span = Math.max(1, t1 - t0);
  return (
    <div className="grid">
      <div className="card wide">
        <h1>
          {job.name} <span className="muted">{job.id}</span> <span className={`pill st-${job.state}`}>{job.state}</span>
        </h1>
        <div className="kv">
          <span>team</span><span>{job.team} · priority {job.priority}</span>
          <span>GPUs</span><span>{int(job.gpus)}</span>
          <span>step</span><span data-testid="job-step">{step === null ? '–' : int(step)} (checkpoint {job.lastCheckpointStep === null ? '–' : int(job.lastCheckpointStep)}{series ? ` of ${int(series.plan.totalSteps)}` : ''})</span>
          <span>restarts</span><span>{job.restarts} of {job.maxRestarts}</span>
          {series && (<><span>layout</span><span>{series.plan.layout} · {series.plan.stepTimeS.toFixed(2)} s/step</span></>)}
          {series && (<><span>lost work</span><span data-testid="lost-work">{int(series.lost.lostSteps)} steps · {duration(series.lost.lostS)} (incl. restarts) · {int((series.lost.lostS * job.gpus) / 3600)} GPU-hours</span></>)}
          <span>reason</span><span>{job.reason}</span>
          <span>command</span><span className="muted">{job.command.join(' ')}</span>
        </div>
      </div>
      <div className="card wide">
        <h2>Step and loss</h2>
        <UPlotChart
          testId="job-chart"
          data={data}
          options={{
            height: 260,
            series: [{}, { label: 'step', stroke: '#3b82f6', scale: 'step' }, { label: 'loss', stroke: '#f59e0b', scale: 'loss' }],
            scales: { x: { time: true } },
            axes: [axes()[0], { ...axes()[1], scale: 'step', label: 'step' }, { ...axes()[1], scale: 'loss', side: 1, label: 'loss', grid: { show: false } }],
          }}
        />
        <div className="muted" data-testid="job-points">{int(data[0].length)} progress points</div>
      </div>
      <div className="card wide">
        <h2>Attempts</h2>
        <div className="timeline" data-testid="attempts-timeline">
          {attempts.map((a) => (
            <div key={a.id} title={`attempt ${a.number}: ${a.state}${a.reason ? ` — ${a.reason}` : ''}`} style={{ left: `${((a.startedAtMs - t0) / span) * 100}%`, width: `${Math.max(0.3, (((a.endedAtMs ?? t1) - a.startedAtMs) / span) * 100)}%`, background: ATTEMPT_COLORS[a.state] ?? '#888' }} />
          ))}
        </div>
        <table>
          <thead><tr><th>#</th><th>state</th><th>nodes</th><th>from step</th><th>last step</th><th>started</th><th>ended</th><th>cause</th></tr></thead>
          <tbody>
            {[...attempts].reverse().slice(0, 200).map((a) => (
              <tr key={a.id}>
                <td>{a.number}</td>
                <td className={`st-${a.state}`}>{a.state}</td>
                <td>{a.nodeCount === 1 && a.firstNode ? <Link to={`/nodes/${a.firstNode}`}>{a.firstNode}</Link> : int(a.nodeCount)}</td>
                <td>{a.resumedFromStep ?? 0}</td>
                <td>{a.lastStep ?? '–'}</td>
                <td className="muted">{when(a.startedAtMs)}</td>
                <td className="muted">{a.endedAtMs ? when(a.endedAtMs) : ''}</td>
                <td>{a.reason}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}

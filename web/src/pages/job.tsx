/** A job: step and loss over time (uPlot), attempts on a timeline, restarts and their causes, lost work. */
import { useEffect, useMemo, useState } from 'react';
import { Link } from '../app';
import { UPlotChart, axes } from '../components/uplot-chart';
import { api } from '../lib/api';
import { duration, int, pct, si, when } from '../lib/format';
import { Pager } from '../components/pager';
import { AdviceCard } from '../components/advice-card';
import { useParam } from '../lib/router';
import type { JobDetail, JobSeries, Throughput } from '../lib/types';

/** Attempts per page of the timeline and its table: the page's attempts fill the timeline's width. */
const ATTEMPTS_PAGE = 50;

function ThroughputCard({ t, precision }: { t: Throughput; precision: string | null }) {
  const vs = (a: string, plan: string | null) => (plan === null ? a : `${a} (plan ${plan})`);
  return (
    <div className="card wide" data-testid="job-throughput">
      <h2>Throughput{precision ? ` · ${precision}` : ''}</h2>
      <div className="grid">
        <div>
          <div className="big" data-testid="job-tokens-per-s">{t.tokensPerS === null ? '–' : si(t.tokensPerS)}</div>
          <div className="muted">{vs('tokens/s', t.plannedTokensPerS === null ? null : si(t.plannedTokensPerS))}</div>
        </div>
        <div>
          <div className="big" data-testid="job-mfu">{t.mfu === null ? '–' : pct(t.mfu)}</div>
          <div className="muted">{vs('MFU', t.plannedMfu === null ? null : pct(t.plannedMfu))}</div>
        </div>
        <div>
          <div className="big" data-testid="job-step-time">{t.achievedStepS === null ? '–' : `${t.achievedStepS.toFixed(2)} s`}</div>
          <div className="muted">{vs('step time', t.plannedStepS === null ? null : `${t.plannedStepS.toFixed(2)} s`)}{t.efficiency === null ? '' : ` · ${pct(t.efficiency)} of plan`}</div>
        </div>
        <div>
          <div className="big" data-testid="job-goodput">{t.goodput === null ? '–' : pct(t.goodput)}</div>
          <div className="muted">goodput (productive ÷ wall time)</div>
        </div>
        <div>
          <div className="big" data-testid="job-eta">{t.etaS === null ? '–' : t.etaS === 0 ? 'done' : duration(t.etaS)}</div>
          <div className="muted">ETA{t.tokensTrained === null ? '' : ` · ${si(t.tokensTrained)}${t.tokenBudget === null ? '' : ` of ${si(t.tokenBudget)}`} tokens`}</div>
        </div>
      </div>
    </div>
  );
}

const ATTEMPT_COLORS: Record<string, string> = { running: '#3b82f6', starting: '#a5b4fc', succeeded: '#22c55e', failed: '#ef4444', preempted: '#f59e0b', cancelled: '#64748b', stopping: '#f59e0b' };

export function JobPage({ id, tick }: { id: string; tick: number }) {
  const [job, setJob] = useState<JobDetail | null>(null);
  const [series, setSeries] = useState<JobSeries | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [apage, setApage] = useParam('attempts', '');
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
  const step = series?.points.at(-1)?.[1] ?? job.lastStep;
  const attempts = series?.attempts ?? job.attempts.map((a) => ({ ...a, nodeCount: a.nodes.length, firstNode: a.nodes[0] ?? null }));
  const tEnd = Math.max(job.endedAtMs ?? 0, ...attempts.map((a) => a.endedAtMs ?? 0), series ? series.startMs + (series.points.at(-1)?.[0] ?? 0) * 1000 : 0, job.submittedAtMs + 1);
  // Newest page first by default; each page's attempts span the timeline's width, so none is hidden.
  const lastPage = Math.max(0, Math.floor((attempts.length - 1) / ATTEMPTS_PAGE) * ATTEMPTS_PAGE);
  const offset = apage === '' ? lastPage : Math.min(lastPage, Number(apage) || 0);
  const shown = attempts.slice(offset, offset + ATTEMPTS_PAGE);
  const t0 = offset === 0 ? job.submittedAtMs : (shown[0]?.startedAtMs ?? job.submittedAtMs);
  const t1 = offset + ATTEMPTS_PAGE >= attempts.length ? tEnd : Math.max(t0 + 1, ...shown.map((a) => a.endedAtMs ?? tEnd));
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
      <ThroughputCard t={job.throughput} precision={job.plan ? `${job.plan.model} ${job.plan.precision}` : null} />
      {job.advice && <AdviceCard a={job.advice} gpus={job.gpus} />}
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
        <h2>
          Attempts <Pager offset={offset} limit={ATTEMPTS_PAGE} total={attempts.length} onOffset={(o) => setApage(String(o))} testId="attempts-pager" />
        </h2>
        <div className="muted">{when(t0)} – {when(t1)}</div>
        <div className="timeline" data-testid="attempts-timeline">
          {shown.map((a) => (
            <div key={a.id} data-testid="attempt-bar" title={`attempt ${a.number}: ${a.state}${a.reason ? ` — ${a.reason}` : ''}`} style={{ left: `${((a.startedAtMs - t0) / span) * 100}%`, width: `${Math.max(0.3, (((a.endedAtMs ?? t1) - a.startedAtMs) / span) * 100)}%`, background: ATTEMPT_COLORS[a.state] ?? '#888' }} />
          ))}
        </div>
        <table>
          <thead><tr><th>#</th><th>state</th><th>nodes</th><th>from step</th><th>last step</th><th>ckpt every</th><th>started</th><th>ended</th><th>cause</th></tr></thead>
          <tbody>
            {[...shown].reverse().map((a) => (
              <tr key={a.id}>
                <td>{a.number}</td>
                <td className={`st-${a.state}`}>{a.state}</td>
                <td>{a.nodeCount === 1 && a.firstNode ? <Link to={`/nodes/${a.firstNode}`}>{a.firstNode}</Link> : int(a.nodeCount)}</td>
                <td>{a.resumedFromStep ?? 0}</td>
                <td>{a.lastStep ?? '–'}</td>
                <td className="muted">{a.checkpointIntervalS == null ? '–' : `${a.checkpointIntervalS} s`}</td>
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

/** The dashboard shell: navigation, theme, live stream, and the page the URL names. */
import { navigate, useParam, useRoute } from './lib/router';
import { useTwinStream } from './lib/stream';
import { virtualDay } from './lib/format';
import { Overview } from './pages/overview';
import { ClusterMap } from './pages/map';
import { Jobs } from './pages/jobs';
import { JobPage } from './pages/job';
import { Nodes } from './pages/nodes';
import { NodePage } from './pages/node';
import { Planner } from './pages/planner';
import { Reliability } from './pages/reliability';
import { SpeedBox, TokenBox } from './pages/token-box';

const PAGES: [string, string][] = [
  ['/overview', 'Overview'],
  ['/map', 'Cluster map'],
  ['/jobs', 'Jobs'],
  ['/nodes', 'Nodes'],
  ['/planner', 'Planner'],
  ['/reliability', 'Reliability'],
];

export function Link(props: { to: string; children: React.ReactNode; className?: string }) {
  return (
    <a
      href={props.to}
      className={props.className}
      onClick={(e) => {
        if (e.metaKey || e.ctrlKey || e.button !== 0) return;
        e.preventDefault();
        navigate(props.to);
      }}
    >
      {props.children}
    </a>
  );
}

export function App() {
  const route = useRoute();
  const [theme, setTheme] = useParam('theme', 'dark');
  const stream = useTwinStream();
  // Set before children's effects run (the map reads theme colours in its effects).
  if (document.documentElement.dataset.theme !== theme) document.documentElement.dataset.theme = theme;
  const path = route.path === '/' ? '/overview' : route.path;
  const s = stream.summary;
  let page: React.ReactNode;
  if (path.startsWith('/jobs/')) page = <JobPage id={decodeURIComponent(path.slice(6))} tick={stream.tick} />;
  else if (path.startsWith('/nodes/')) page = <NodePage name={decodeURIComponent(path.slice(7))} tick={stream.tick} />;
  else if (path === '/map') page = <ClusterMap tick={stream.tick} />;
  else if (path === '/jobs') page = <Jobs tick={stream.tick} />;
  else if (path === '/nodes') page = <Nodes tick={stream.tick} />;
  else if (path === '/planner') page = <Planner />;
  else if (path === '/reliability') page = <Reliability tick={stream.tick} />;
  else page = <Overview stream={stream} />;
  return (
    <div className="shell">
      <header className="top">
        <span className="brand">Colossus</span>
        <nav>
          {PAGES.map(([p, label]) => (
            <Link key={p} to={p} className={path === p || path.startsWith(p + '/') ? 'active' : ''}>
              {label}
            </Link>
          ))}
        </nav>
        <span className="status" data-testid="status">
          <span className={stream.connected ? 'dot live' : 'dot'} />
          {s ? `${s.cluster.name} · ${virtualDay(s.virtualS)} · ${s.speed.target === 0 ? 'max' : `${s.speed.target}×`} (${Math.round(s.speed.achieved)}× achieved)` : 'connecting…'}
        </span>
        <SpeedBox current={s?.speed.target ?? null} />
        <TokenBox />
        <button className="ghost" onClick={() => setTheme(theme === 'dark' ? 'light' : 'dark')} title="Toggle theme">
          {theme === 'dark' ? 'light' : 'dark'}
        </button>
      </header>
      <main>{page}</main>
    </div>
  );
}

/** Server-side paging controls: "1–50 of 12,500", previous / next; the page lives in the URL. */
import { int } from '../lib/format';

export function Pager({ offset, limit, total, onOffset, testId }: { offset: number; limit: number; total: number; onOffset: (o: number) => void; testId: string }) {
  const last = Math.max(0, Math.floor((total - 1) / limit) * limit);
  return (
    <span className="pager" data-testid={testId}>
      <button disabled={offset <= 0} onClick={() => onOffset(Math.max(0, offset - limit))} data-testid={`${testId}-prev`}>‹ prev</button>
      <span data-testid={`${testId}-range`}>
        {total === 0 ? 'none' : `${int(offset + 1)}–${int(Math.min(total, offset + limit))} of ${int(total)}`}
      </span>
      <button disabled={offset >= last} onClick={() => onOffset(Math.min(last, offset + limit))} data-testid={`${testId}-next`}>next ›</button>
    </span>
  );
}

/** A sortable column header: click sorts ascending, again descending. */
export function SortHeader({ field, label, sort, onSort }: { field: string; label: string; sort: string; onSort: (s: string) => void }) {
  const active = sort.replace(/^-/, '') === field;
  const desc = sort.startsWith('-');
  return (
    <th className="sortable" onClick={() => onSort(active && !desc ? `-${field}` : field)} data-testid={`sort-${field}`}>
      {label}
      {active ? (desc ? ' ▾' : ' ▴') : ''}
    </th>
  );
}

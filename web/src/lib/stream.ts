/** The twin's server-sent events: the latest summary and a rolling feed of notable events. */
import { useEffect, useState } from 'react';
import type { FeedEvent, Summary } from './types';

export interface TwinStream {
  summary: Summary | null;
  feed: FeedEvent[];
  connected: boolean;
  /** Increments on every summary: a cue to refetch per-GPU bytes. */
  tick: number;
}

export function useTwinStream(): TwinStream {
  const [state, setState] = useState<TwinStream>({ summary: null, feed: [], connected: false, tick: 0 });
  useEffect(() => {
    const es = new EventSource('/api/v1/twin/stream');
    es.addEventListener('summary', (e) => {
      const summary = JSON.parse((e as MessageEvent).data) as Summary;
      setState((s) => ({ ...s, summary, connected: true, tick: s.tick + 1 }));
    });
    es.addEventListener('events', (e) => {
      const events = JSON.parse((e as MessageEvent).data) as FeedEvent[];
      setState((s) => ({ ...s, feed: [...events.reverse(), ...s.feed].slice(0, 200) }));
    });
    es.onerror = () => setState((s) => ({ ...s, connected: false }));
    return () => es.close();
  }, []);
  return state;
}

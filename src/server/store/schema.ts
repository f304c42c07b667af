/** Table types of the durable store (Kysely). Records are JSON in `data`; keys and filters are columns. */
import type { ColumnType } from 'kysely';

type Big = ColumnType<number | string, number, number>;
type BigOrNull = ColumnType<number | string | null, number | null | undefined, number | null>;

export interface Database {
  nodes: { name: string; state: string; data: string };
  jobs: { id: string; seq: number; state: string; data: string };
  attempts: { id: string; job_id: string; data: string };
  attempt_parts: { id: string; attempt_id: string; idx: number; data: string };
  events: { seq: Big; at_ms: Big; kind: string; job_id: string | null; node: string | null; reason: string; data: string | null };
  tokens: { hash: string; role: string; name: string; node: string | null; created_at_ms: Big; team: string | null; expires_at_ms: BigOrNull };
  login_codes: { hash: string; role: string; created_at_ms: Big; expires_at_ms: Big; used_at_ms: BigOrNull };
  teams: { name: string; gpu_quota: number };
  meta: { key: string; value: string };
  leader_lease: { id: number; epoch: Big; holder: string; url: string; expires_at_ms: Big };
  logs: { seq: Big; job_id: string; attempt: number; node: string; rank: number | null; stream: string; text: string; at_ms: Big };
}

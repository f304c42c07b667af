/**
 * The records of reliability-fleet.json: ../shared/data beside the repository (where the
 * shared data lives, e.g. /work/shared next to /work/main) when it exists, else the copy
 * kept here so that a clean clone runs the reliability calibration.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface FleetRecordJson {
  id: string;
  status: string;
  quantity: string;
  value: unknown;
}

export const SHARED_FLEET_PATH = fileURLToPath(new URL('../../../shared/data/reliability-fleet.json', import.meta.url));
export const REPO_FLEET_PATH = fileURLToPath(new URL('./reliability-fleet.json', import.meta.url));

export function loadFleetRecords(): { records: FleetRecordJson[]; path: string } {
  const path = existsSync(SHARED_FLEET_PATH) ? SHARED_FLEET_PATH : REPO_FLEET_PATH;
  return { records: JSON.parse(readFileSync(path, 'utf8')).records as FleetRecordJson[], path };
}

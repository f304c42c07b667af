/**
 * The calibration rows: ../shared/data/calibration-runs.json beside the repository (where the
 * shared data lives, e.g. /work/shared next to /work/main) when it exists, else the copy kept
 * in test/calibration/ so that a clean clone runs the calibration.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const SHARED_ROWS_PATH = fileURLToPath(new URL('../../../shared/data/calibration-runs.json', import.meta.url));
export const REPO_ROWS_PATH = fileURLToPath(new URL('./calibration-runs.json', import.meta.url));

export function loadCalibrationRows(): { rows: unknown[]; path: string } {
  const path = existsSync(SHARED_ROWS_PATH) ? SHARED_ROWS_PATH : REPO_ROWS_PATH;
  return { rows: JSON.parse(readFileSync(path, 'utf8')).rows as unknown[], path };
}

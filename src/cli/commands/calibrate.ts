/**
 * `colossus calibrate RUNS [--out params.json] [--software NAME] [--json]`: fits the software
 * factors of the performance model to your own measured runs (see src/cli/calibrate-run.ts).
 * The work is imported when the command runs, so other commands start without it.
 */
import type { Command } from 'commander';

export interface CalibrateFlags {
  out?: string;
  software?: string;
  json?: boolean;
}

export function registerCalibrate(program: Command): void {
  program
    .command('calibrate')
    .description('Fit the software factors of the performance model to measured runs (JSON {"rows": [...]} or CSV); writes a params file for --params')
    .argument('<runs>', 'runs file: .json {"rows": [...]} or .csv with the same columns')
    .option('--out <file>', 'write the fitted factors here (use with perf/plan --params)')
    .option('--software <release>', 'the release to start from (default: the newest the model knows)')
    .option('--json', 'print one JSON document on stdout')
    .action(async (runs: string, f: CalibrateFlags) => (await import('../calibrate-run.js')).runCalibrate(runs, f));
}

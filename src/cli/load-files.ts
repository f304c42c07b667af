/**
 * The heavy half of ./load.ts: YAML and the zod file schemas. Imported only when the command
 * line names a data file (see `loadFileParsers`), so preset-only commands start fast.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { ColossusError } from '../core/errors.js';

export { parseCluster } from '../core/cluster/schema.js';
export { parseModel } from '../core/model/schema.js';

/** Reads and parses a YAML/JSON file, with errors that name the file. */
export function readDataFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ColossusError('usage', code === 'ENOENT' ? 'file not found' : `cannot read file (${code})`, { where: path });
  }
  try {
    return parseYaml(text);
  } catch (e) {
    throw new ColossusError('usage', `not valid YAML: ${(e as Error).message.split('\n')[0]}`, { where: path });
  }
}

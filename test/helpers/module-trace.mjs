// `node --import ./test/helpers/module-trace.mjs …` appends the URL of every module the process
// loads (ESM and CommonJS alike, via a loader hook) to the file named by MODULE_TRACE_FILE.
import { register } from 'node:module';

const hook = `
import { appendFileSync } from 'node:fs';
export async function load(url, context, next) {
  if (!url.startsWith('node:')) appendFileSync(process.env.MODULE_TRACE_FILE, url + '\\n');
  return next(url, context);
}`;
if (process.env.MODULE_TRACE_FILE) register('data:text/javascript,' + encodeURIComponent(hook));

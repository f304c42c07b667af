/** Entry point used when running from source (`node --import tsx src/cli/entry.ts`), as tests do. */
import { main } from './main.js';

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});

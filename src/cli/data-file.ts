/** Which command-line tokens name a data file (YAML or JSON): such a command needs ./load-files.ts. */
export const DATA_FILE = /\.(ya?ml|json)$/i;

/** True when a token (or the value of `--flag=value`) names a YAML/JSON file. */
export const namesDataFile = (token: string): boolean => DATA_FILE.test(token.slice(token.indexOf('=') + 1));

/**
 * Megatron-Core's pipeline layout strings (`--pipeline-model-parallel-layout`): `E` the input
 * embedding, `t` a transformer layer, `m` a multi-token-prediction layer, `L` the output layer
 * and loss, `|` between virtual pipeline stages, `(…)*N` and `x*N` for repetition; spaces and
 * commas are ignored. Virtual stage i runs on pipeline rank i mod pp, as its (i div pp)-th chunk.
 * Example (DeepSeek-V3 at pp 16, vpp 2): `Et*3|(tt|)*29m|L`.
 */
import { ColossusError } from '../errors.js';

/** One virtual pipeline stage: the embedding, transformer layers, MTP layers and the loss it holds. */
export interface Chunk {
  embed: number;
  layers: number;
  mtp: number;
  loss: number;
}

const bad = (text: string, why: string): never => {
  throw new ColossusError('invalid', `pp-layout '${text}': ${why}`, { where: '--pp-layout', hint: "use E, t, m, L, | with (…)*N or x*N repetition, e.g. 'Et*7|t*8|t*8|t*7L'" });
};

/** Expands repetitions into a flat token string ('Et*2|t' → 'Ett|t'). */
export function expandLayout(text: string): string {
  const s = text.replace(/[\s,]/g, '');
  let i = 0;
  const count = (): number => {
    const m = /^[0-9]+/.exec(s.slice(i));
    if (!m) bad(text, `'*' at position ${i} needs a count`);
    i += m![0].length;
    return Number(m![0]);
  };
  const seq = (depth: number): string => {
    let out = '';
    while (i < s.length) {
      const c = s[i];
      let atom: string;
      if (c === ')') {
        if (depth === 0) bad(text, `unmatched ')' at position ${i}`);
        return out;
      }
      if (c === '(') {
        i++;
        atom = seq(depth + 1);
        if (s[i] !== ')') bad(text, `unclosed '(' (missing ')')`);
        i++;
      } else if ('EtmL|'.includes(c)) {
        atom = c;
        i++;
      } else return bad(text, `unknown symbol '${c}' at position ${i}`);
      if (s[i] === '*') {
        i++;
        atom = atom.repeat(count());
      }
      out += atom;
    }
    if (depth > 0) bad(text, `unclosed '(' (missing ')')`);
    return out;
  };
  const flat = seq(0);
  if (flat.length > 100_000) bad(text, 'expands to more than 100,000 symbols');
  return flat;
}

/** Parses a layout string into its virtual stages (structure only; see checkChunks for the rules). */
export function parseLayout(text: string): Chunk[] {
  return expandLayout(text).split('|').map((stage) => {
    const c: Chunk = { embed: 0, layers: 0, mtp: 0, loss: 0 };
    for (const ch of stage) {
      if (ch === 'E') c.embed++;
      else if (ch === 't') c.layers++;
      else if (ch === 'm') c.mtp++;
      else c.loss++;
    }
    return c;
  });
}

const chunkText = (c: Chunk): string => {
  const rep = (ch: string, n: number) => (n === 0 ? '' : n <= 2 ? ch.repeat(n) : `${ch}*${n}`);
  return `${rep('E', c.embed)}${rep('t', c.layers)}${rep('m', c.mtp)}${rep('L', c.loss)}`;
};

/** Formats stages as a layout string, runs of 3+ equal stages as `(…|)*N` (parseLayout inverts it). */
export function formatLayout(chunks: readonly Chunk[]): string {
  const texts = chunks.map(chunkText);
  const parts: string[] = [];
  for (let i = 0; i < texts.length; ) {
    let j = i + 1;
    while (j < texts.length && texts[j] === texts[i]) j++;
    const run = j - i;
    const atEnd = j === texts.length;
    if (run >= 3 && texts[i] !== '') {
      parts.push(atEnd ? `(${texts[i]}|)*${run - 1}${texts[i]}` : `(${texts[i]}|)*${run}`);
    } else {
      for (let k = i; k < j; k++) parts.push(texts[k] + (k < texts.length - 1 ? '|' : ''));
    }
    i = j;
  }
  return parts.join('');
}

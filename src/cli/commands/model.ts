/** `colossus model list|show`. */
import type { Command } from 'commander';
import { MODEL_PRESETS } from '../../core/model/presets.js';
import { paramCounts } from '../../core/model/params.js';
import { flopsPerToken } from '../../core/model/flops.js';
import type { ModelSpec } from '../../core/model/types.js';
import type { ModelFile } from '../../core/model/schema.js';
import { modelToFile } from '../../core/model/to-file.js';
import { formatSi } from '../../core/units.js';
import { loadModel } from '../load.js';
import { positiveInt } from '../options.js';
import { outputFormat, printJson, renderPairs, renderTable } from '../output.js';

const DEFAULT_SEQ = 4096;

/** The `model show --json` document (DESIGN.md contract). */
export function modelJson(m: ModelSpec, seqLen: number) {
  const p = paramCounts(m);
  const { name, ...shape } = modelToFile(m);
  return {
    name,
    params: p.total,
    activeParams: p.active,
    ...(shape as Required<Omit<ModelFile, 'name' | 'moe' | 'mla'>> & Pick<ModelSpec, 'moe' | 'mla'>),
    seqLen,
    flopsPerToken: flopsPerToken(m, seqLen),
    embeddingParams: p.embedding + p.output,
    ...(m.published ? { published: m.published } : {}),
  };
}

type ModelRow = ReturnType<typeof modelJson>;

/** The extra columns of `model list -o wide`. */
const wideColumns = [
  { header: 'head dim', value: (r: ModelRow) => r.headDim },
  { header: 'FFN dense/expert', value: (r: ModelRow) => (r.moe ? `${r.ffnHiddenSize}/${r.moe.expertFfnHiddenSize}` : r.ffnHiddenSize), align: 'right' as const },
  { header: 'vocab', value: (r: ModelRow) => r.vocabSize },
  { header: 'embedding', value: (r: ModelRow) => formatSi(r.embeddingParams), align: 'right' as const },
  { header: 'MLA', value: (r: ModelRow) => (r.mla ? `kv rank ${r.mla.kvLoraRank}` : '-') },
  { header: 'published', value: (r: ModelRow) => (r.published ? formatSi(r.published.params) : '-'), align: 'right' as const },
];

export function registerModel(program: Command): void {
  const model = program.command('model').description('Transformer presets and files: parameters and FLOPs');
  model
    .command('list')
    .description('List the model presets (-o wide: more of their shape)')
    .option('--json', 'print JSON')
    .action((opts: { json?: boolean }) => {
      const rows = Object.values(MODEL_PRESETS).map((m) => modelJson(m, DEFAULT_SEQ));
      if (opts.json) return printJson(rows);
      process.stdout.write(
        renderTable(rows, [
          { header: 'name', value: (r) => r.name },
          { header: 'params', value: (r) => formatSi(r.params), align: 'right' },
          { header: 'active', value: (r) => formatSi(r.activeParams), align: 'right' },
          { header: 'layers', value: (r) => r.layers },
          { header: 'hidden', value: (r) => r.hiddenSize },
          { header: 'heads/kv', value: (r) => `${r.heads}/${r.kvHeads}`, align: 'right' },
          { header: 'MoE', value: (r) => (r.moe ? `${r.moe.experts}×top${r.moe.topK}` : '-'), align: 'right' },
          { header: `FLOP/token @${DEFAULT_SEQ}`, value: (r) => formatSi(r.flopsPerToken), align: 'right' },
          ...(outputFormat() === 'wide' ? wideColumns : []),
        ]) + '\n',
      );
    });
  model
    .command('show')
    .description('Show a model preset or file')
    .argument('<model>', 'preset name or model .yaml file')
    .option('--seq <n>', 'sequence length for the FLOP count', positiveInt('--seq'), DEFAULT_SEQ)
    .option('--json', 'print JSON')
    .action((name: string, opts: { seq: number; json?: boolean }) => {
      const j = modelJson(loadModel(name), opts.seq);
      if (opts.json) return printJson(j);
      const pairs: [string, string | number][] = [
        ['model', j.name],
        ['parameters', `${formatSi(j.params)} total, ${formatSi(j.activeParams)} active per token`],
        ['shape', `${j.layers} layers, hidden ${j.hiddenSize}, ${j.heads} heads (${j.kvHeads} KV, dim ${j.headDim}), FFN ${j.ffnHiddenSize}${j.gatedMlp ? ' gated' : ''}`],
        ['vocabulary', `${j.vocabSize}${j.tiedEmbeddings ? ' (tied)' : ''}`],
      ];
      if (j.moe) pairs.push(['MoE', `${j.moe.experts} experts, top-${j.moe.topK}, width ${j.moe.expertFfnHiddenSize}, ${j.moe.sharedExperts} shared, ${j.moe.denseLayers} dense layers first`]);
      if (j.mla) pairs.push(['MLA', `q rank ${j.mla.qLoraRank}, kv rank ${j.mla.kvLoraRank}, qk ${j.mla.qkNopeHeadDim}+${j.mla.qkRopeHeadDim}, v ${j.mla.vHeadDim}`]);
      pairs.push([`FLOP/token @${j.seqLen}`, `${formatSi(j.flopsPerToken)} (training, fwd+bwd, no recompute)`]);
      if (j.published) pairs.push(['published', `${formatSi(j.published.params)}${j.published.activeParams ? ` / ${formatSi(j.published.activeParams)} active` : ''} — ${j.published.source}`]);
      process.stdout.write(renderPairs(pairs) + '\n');
    });
}

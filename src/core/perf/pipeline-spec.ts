/**
 * The caller's explicit pipeline split (--pp-first-layers, --pp-last-layers, --pp-layout):
 * checked against Megatron-Core's rules, with a valid alternative when it breaks one.
 */
import { expandLayout, formatLayout, parseLayout } from './pipeline-layout.js';
import { autoSplit, firstLastChunks, splitOf, type PipelineSplit, type SplitModel } from './stages.js';

export interface PipelineSpec {
  ppFirstLayers?: number;
  ppLastLayers?: number;
  ppLayout?: string;
}

/** The rule a layout string breaks for (pp, vpp), or null. */
function layoutRule(sm: SplitModel, text: string, pp: number, vpp: number): string | null {
  const flat = expandLayout(text);
  const stages = flat.split('|').length;
  if (stages !== pp * vpp) return `has ${stages} virtual stages; pp·vpp = ${pp}·${vpp} = ${pp * vpp} are needed`;
  const n = (ch: string) => flat.split(ch).length - 1;
  if (n('t') !== sm.layers) return `holds ${n('t')} transformer layers ('t'); the model has ${sm.layers}`;
  if (n('E') !== 1 || flat[0] !== 'E') return `needs exactly one embedding 'E', as the first symbol of the first stage`;
  if (n('L') !== 1 || flat[flat.length - 1] !== 'L') return `needs exactly one loss 'L', as the last symbol of the last stage`;
  return null;
}

/** The explicit split for (pp, vpp), or the rule it breaks. */
export function explicitSplit(sm: SplitModel, spec: PipelineSpec, pp: number, vpp: number): PipelineSplit | string {
  if (spec.ppLayout !== undefined) {
    const rule = layoutRule(sm, spec.ppLayout, pp, vpp);
    if (rule) return rule;
    const chunks = parseLayout(spec.ppLayout);
    return splitOf({ ...sm, mtpLayers: chunks.reduce((s, c) => s + c.mtp, 0) }, pp, vpp, chunks, 'layout');
  }
  for (const [name, v] of [['pp-first-layers', spec.ppFirstLayers], ['pp-last-layers', spec.ppLastLayers]] as const) {
    if (v !== undefined && (!Number.isInteger(v) || v < 0)) return `--${name} must be a whole number ≥ 0`;
  }
  const c = firstLastChunks(sm.layers, pp, vpp, sm.mtpLayers, spec.ppFirstLayers, spec.ppLastLayers);
  return typeof c === 'string' ? c : splitOf(sm, pp, vpp, c, 'first/last');
}

/** A valid alternative to suggest: other first/last values that work, or the default layout string. */
export function alternativeFor(sm: SplitModel, spec: PipelineSpec, pp: number, vpp: number): string {
  const auto = autoSplit(sm, pp, vpp);
  const layout = auto ? `--pp-layout '${formatLayout(auto.chunks)}'` : '';
  if (spec.ppLayout !== undefined || pp < 2) return layout || `a pp·vpp with at most ${sm.layers} virtual stages`;
  const tries: string[] = [];
  const firstGiven = spec.ppFirstLayers !== undefined;
  for (let v = 0; v <= sm.layers && tries.length < 6; v++) {
    const s = firstGiven ? { ...spec, ppFirstLayers: v } : { ...spec, ppLastLayers: v };
    if (typeof explicitSplit(sm, s, pp, vpp) !== 'string') tries.push(String(v));
  }
  const flag = firstGiven ? '--pp-first-layers' : '--pp-last-layers';
  return tries.length > 0 ? `${flag} ${tries.join(' or ')}${layout ? `, or ${layout}` : ''}` : layout;
}

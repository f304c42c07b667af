/**
 * The --failure-rates YAML file: a base preset plus overrides of any rate,
 * detection latency, lemon nodes, correlated failures, repair time, restart
 * time and spare policy. Validated with zod at the trust boundary; errors name
 * the file and the field.
 */
import { z } from 'zod';
import { ColossusError } from '../errors.js';
import type { DurationDist } from '../sim/distributions.js';
import { parseWith } from '../validation.js';
import { DEFAULT_FAILURE_PRESET, failurePreset } from './presets.js';
import type { CauseScope, CauseSpec, FailureModel } from './types.js';

const rate = (unit: string) =>
  z.number({ error: `must be a number (failures per ${unit})` }).finite().min(0, `must be ≥ 0 (failures per ${unit}); use 0 to disable the cause`);
const positive = (what: string) => z.number({ error: `${what} must be a number` }).finite().positive(`${what} must be > 0`);
const nonNegative = (what: string) => z.number({ error: `${what} must be a number` }).finite().min(0, `${what} must be ≥ 0`);

/** A detection-latency distribution in seconds (same shapes as DurationDist). */
const secondsDist = z.discriminatedUnion('dist', [
  z.strictObject({ dist: z.literal('fixed'), valueS: nonNegative('valueS') }),
  z.strictObject({ dist: z.literal('exponential'), meanS: positive('meanS') }),
  z.strictObject({ dist: z.literal('uniform'), minS: nonNegative('minS'), maxS: nonNegative('maxS') }),
  z.strictObject({ dist: z.literal('weibull'), shape: positive('shape'), scaleS: positive('scaleS') }),
  z.strictObject({ dist: z.literal('lognormal'), medianS: positive('medianS'), sigma: nonNegative('sigma') }),
  z.strictObject({ dist: z.literal('empirical'), valuesS: z.array(nonNegative('valuesS[]')).min(1, 'valuesS needs at least one value') }),
]);

const causeSchema = z.strictObject({
  perGpuHour: rate('GPU-hour').optional(),
  perNodeDay: rate('node-day').optional(),
  perJobDay: rate('job-day').optional(),
  kind: z.enum(['hardware', 'software', 'planned']).optional(),
  detectS: nonNegative('detectS').optional(),
  detect: secondsDist.optional(),
  label: z.string().min(1).optional(),
});

const hoursDist = z.discriminatedUnion('dist', [
  z.strictObject({ dist: z.literal('fixed'), valueH: nonNegative('valueH') }),
  z.strictObject({ dist: z.literal('exponential'), meanH: positive('meanH') }),
  z.strictObject({ dist: z.literal('weibull'), shape: positive('shape'), scaleH: positive('scaleH') }),
  z.strictObject({ dist: z.literal('lognormal'), medianH: positive('medianH'), sigma: nonNegative('sigma') }),
  z.strictObject({ dist: z.literal('empirical'), valuesH: z.array(nonNegative('valuesH[]')).min(1, 'valuesH needs at least one value') }),
]);

export const failureFileSchema = z.strictObject({
  base: z.string().optional(),
  causes: z.record(z.string().regex(/^[A-Za-z][A-Za-z0-9]*$/, 'cause ids are camelCase letters and digits'), causeSchema).optional(),
  lemons: z.strictObject({ fraction: z.number().min(0).max(1, 'fraction must be ≤ 1'), multiplier: z.number().min(1, 'multiplier must be ≥ 1') }).optional(),
  correlated: z
    .strictObject({ probability: z.number().min(0).max(1, 'probability must be ≤ 1'), nodes: z.union([z.number().int().positive(), z.literal('rack')]) })
    .optional(),
  repair: hoursDist.optional(),
  restartS: nonNegative('restartS').optional(),
  spares: z.enum(['auto', 'unlimited']).optional(),
});

export type FailureFile = z.infer<typeof failureFileSchema>;

type HoursDist = z.infer<typeof hoursDist>;

function toSeconds(d: HoursDist): DurationDist {
  const H = 3600;
  switch (d.dist) {
    case 'fixed':
      return { dist: 'fixed', valueS: d.valueH * H };
    case 'exponential':
      return { dist: 'exponential', meanS: d.meanH * H };
    case 'weibull':
      return { dist: 'weibull', shape: d.shape, scaleS: d.scaleH * H };
    case 'lognormal':
      return { dist: 'lognormal', medianS: d.medianH * H, sigma: d.sigma };
    case 'empirical':
      return { dist: 'empirical', valuesS: d.valuesH.map((v) => v * H) };
  }
}

function overrideCause(base: CauseSpec | undefined, id: string, o: z.infer<typeof causeSchema>, where: string): CauseSpec {
  const given: [CauseScope, number | undefined][] = [
    ['gpu', o.perGpuHour],
    ['node', o.perNodeDay],
    ['job', o.perJobDay],
  ];
  const set = given.filter(([, v]) => v !== undefined);
  if (set.length > 1) throw new ColossusError('usage', 'give one rate per cause', { where: `${where}: causes.${id}`, hint: 'keep one of perGpuHour, perNodeDay, perJobDay' });
  if (!base && set.length === 0) {
    throw new ColossusError('usage', `new cause '${id}' has no rate`, { where: `${where}: causes.${id}`, hint: 'add perGpuHour, perNodeDay or perJobDay' });
  }
  const [scope, value] = set[0] ?? [base!.scope, base!.rate];
  return {
    id,
    label: o.label ?? base?.label ?? id,
    kind: o.kind ?? base?.kind ?? (scope === 'job' ? 'software' : 'hardware'),
    scope,
    rate: value!,
    detect: o.detect ?? (o.detectS !== undefined ? { dist: 'fixed', valueS: o.detectS } : (base?.detect ?? { dist: 'fixed', valueS: 60 })),
    source: set.length ? `${where}: causes.${id}` : base!.source,
  };
}

/** Validates a parsed --failure-rates file and applies it to its base preset. */
export function parseFailureFile(value: unknown, where: string): FailureModel {
  const f = parseWith(failureFileSchema, value ?? {}, where);
  const model = failurePreset(f.base ?? DEFAULT_FAILURE_PRESET, `${where}: base`);
  const byId = new Map(model.causes.map((c) => [c.id, c]));
  for (const [id, o] of Object.entries(f.causes ?? {})) byId.set(id, overrideCause(byId.get(id), id, o, where));
  return {
    ...model,
    name: `${where} (base ${model.name})`,
    causes: [...byId.values()],
    ...(f.lemons ? { lemons: f.lemons } : {}),
    ...(f.correlated ? { correlated: f.correlated } : {}),
    ...(f.repair ? { repair: toSeconds(f.repair) } : {}),
    ...(f.restartS !== undefined ? { restartTotalS: f.restartS } : {}),
    ...(f.spares ? { defaultSpares: f.spares } : {}),
  };
}

import type { Parameters } from 'fast-check';

/**
 * How much the fuzz suite runs. `npm test` runs each property a bounded number of times from a
 * fixed seed, so a failure is the same failure on the next run; `npm run fuzz` sets FUZZ_RUNS
 * (runs of every property) and may set FUZZ_SEED to explore further. A failure prints the seed
 * and the counterexample's path: `FUZZ_SEED=<seed> npm run fuzz` replays it.
 */
const DEFAULT_SEED = 20_261_211;

function positiveInteger(name: string, text: string | undefined): number | undefined {
  if (text === undefined || text === '') return undefined;
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new Error(`${name} must be an integer, got '${text}'`);
  return value;
}

export const FUZZ_SEED = positiveInteger('FUZZ_SEED', process.env.FUZZ_SEED) ?? DEFAULT_SEED;
const RUNS = positiveInteger('FUZZ_RUNS', process.env.FUZZ_RUNS);
/** A longer run (`npm run fuzz`) also prints what it measured. */
export const LONG_RUN = RUNS !== undefined;

/** Runs of one property: `defaultRuns` under `npm test`, FUZZ_RUNS when set. */
export function runsOf(defaultRuns: number): number {
  return RUNS ?? defaultRuns;
}

export function fuzzParameters<T>(defaultRuns: number): Parameters<T> {
  return { seed: FUZZ_SEED, numRuns: runsOf(defaultRuns) };
}

/** The vitest timeout of a test running `runs` requests: generous, so only a hang trips it. */
export function timeoutFor(runs: number, msPerRun = 50): number {
  return 60_000 + runs * msPerRun;
}

/**
 * Bounds of the invariants. Generous on purpose: they catch a hang, a quadratic blow-up or a
 * leak, not a slow moment of this shared two-core machine.
 */
export const REQUEST_BOUND_MS = 2_000;
/** The process's RSS keeps pages the allocator got back (about 150 MiB after thousands of large bodies); the heap after a full collection is what was kept. */
export const RSS_GROWTH_BOUND_BYTES = 384 * 1024 * 1024;
export const HEAP_GROWTH_BOUND_BYTES = 64 * 1024 * 1024;

import { parseArgs } from 'node:util';

/** Numeric `--name value` options for benchmark commands, checked against their ranges. */
export interface NumericOption {
  readonly default: number;
  readonly min: number;
  readonly max: number;
  readonly integer?: boolean;
  readonly help: string;
}

export function usage(command: string, spec: Readonly<Record<string, NumericOption>>): string {
  const lines = Object.entries(spec).map(([name, o]) => `  --${name.padEnd(20)} ${o.help} (default ${o.default})`);
  return [`usage: ${command} [options]`, ...lines].join('\n');
}

export function readNumericOptions<K extends string>(
  spec: Readonly<Record<K, NumericOption>>,
  argv: readonly string[] = process.argv.slice(2),
): Record<K, number> | 'help' {
  const names = Object.keys(spec) as K[];
  const { values } = parseArgs({
    args: [...argv],
    options: { help: { type: 'boolean', short: 'h' }, ...Object.fromEntries(names.map((n) => [n, { type: 'string' as const }])) },
    strict: true,
  });
  if (values.help) return 'help';
  const out = {} as Record<K, number>;
  for (const name of names) {
    const o = spec[name];
    const text = (values as Record<string, string | boolean | undefined>)[name];
    const value = typeof text === 'string' ? Number(text) : o.default;
    if (!Number.isFinite(value) || value < o.min || value > o.max || (o.integer && !Number.isInteger(value))) {
      throw new Error(`--${name} must be ${o.integer ? 'an integer' : 'a number'} from ${o.min} to ${o.max}, got '${String(text)}'`);
    }
    out[name] = value;
  }
  return out;
}

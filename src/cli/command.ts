/**
 * One way to define a CLI command: its options, usage text and body. The helper parses the
 * arguments (strict, with `--help`), prints the usage, gives the body readers for typed option
 * values whose mistakes are one-sentence `UserError`s naming the command and the flag, and turns the
 * core's own input errors (a dataset, preprocessing, recipe or quantization the user can fix) into
 * `UserError`s too, so every command fails the same way: exit 2 and one sentence.
 */
import type { ParseArgsConfig } from 'node:util';
import { DatasetError, FeedShapeError, ModelRunError, PreprocessError } from '../core/eval';
import { InputSizeError } from '../core/graph';
import { RecipeError } from '../core/pipeline';
import { QuantError } from '../core/quant';
import { TaskError } from '../core/tasks';
import { TrainError } from '../core/train';
import { onePositional, parseCommandArgs } from './args';
import { UserError } from './errors';
import type { Command } from './main';

type Options = NonNullable<ParseArgsConfig['options']>;
type WithHelp<O extends Options> = O & { help: { type: 'boolean'; short: 'h' } };
type ParsedValues<O extends Options> = ReturnType<typeof parseCommandArgs<WithHelp<O>>>['values'];

/** Core errors that describe the user's input, not a bug. */
// prettier-ignore
const INPUT_ERRORS = [
  DatasetError, PreprocessError, RecipeError, QuantError, TrainError, TaskError, InputSizeError, FeedShapeError, ModelRunError,
];

/** Readers for one invocation's arguments; each failure names the command and the flag. */
export interface Args<V> {
  values: V;
  positionals: string[];
  /** A one-sentence UserError prefixed with the command's name. */
  fail(message: string): never;
  /** The single positional argument (`what` names it in the message). */
  one(what: string): string;
  /** A flag that must be given. */
  required(flag: string): string;
  /** An integer ≥ `min` (default 1). */
  integer(flag: string, min?: number): number | undefined;
  /** A number in [0, 1). */
  fraction(flag: string): number | undefined;
  /** One of `choices` (the first is the default). */
  choice<C extends string>(flag: string, choices: readonly C[]): C;
  /** A comma-separated list, blanks dropped (undefined when the flag is absent). */
  list(flag: string): string[] | undefined;
}

export interface CommandDefinition<O extends Options> {
  name: string;
  summary: string;
  usage: string;
  options: O;
  run(args: Args<ParsedValues<O>>): Promise<number>;
}

/** "a, b or c". */
const alternatives = (choices: readonly string[]) =>
  choices.length === 1 ? choices[0] : `${choices.slice(0, -1).join(', ')} or ${choices[choices.length - 1]}`;

export function defineCommand<O extends Options>(def: CommandDefinition<O>): Command {
  const { name } = def;
  const fail = (message: string): never => {
    throw new UserError(`${name}: ${message}`);
  };
  return {
    summary: def.summary,
    async run(argv) {
      const options = { ...def.options, help: { type: 'boolean', short: 'h' } } as WithHelp<O>;
      const parsed = parseCommandArgs(name, argv, options);
      const values = parsed.values as Record<string, string | boolean | undefined>;
      if (values.help) {
        console.log(def.usage);
        return 0;
      }
      const text = (flag: string) => values[flag] as string | undefined;
      const args: Args<ParsedValues<O>> = {
        values: parsed.values,
        positionals: parsed.positionals,
        fail,
        one: (what) => onePositional(name, parsed.positionals, what),
        required: (flag) => text(flag) ?? fail(`--${flag} is required; see \`whittle ${name} --help\`.`),
        integer(flag, min = 1) {
          const raw = text(flag);
          if (raw === undefined) return undefined;
          const n = Number(raw);
          if (!Number.isInteger(n) || n < min)
            fail(
              `--${flag} must be ${min === 1 ? 'a positive integer' : `an integer ≥ ${min}`}, not "${raw}".`,
            );
          return n;
        },
        fraction(flag) {
          const raw = text(flag);
          if (raw === undefined) return undefined;
          const v = Number(raw);
          if (!(v >= 0 && v < 1)) fail(`--${flag} must be a number in [0, 1), not "${raw}".`);
          return v;
        },
        choice(flag, choices) {
          const raw = text(flag) ?? choices[0];
          if (!choices.includes(raw as (typeof choices)[number]))
            fail(
              `--${flag} must be ${choices.length > 3 ? 'one of ' : ''}${alternatives(choices)}, not "${raw}".`,
            );
          return raw as (typeof choices)[number];
        },
        list(flag) {
          const raw = text(flag);
          return raw === undefined
            ? undefined
            : raw
                .split(',')
                .map((s) => s.trim())
                .filter(Boolean);
        },
      };
      try {
        return await def.run(args);
      } catch (err) {
        if (INPUT_ERRORS.some((type) => err instanceof type)) fail((err as Error).message);
        throw err;
      }
    },
  };
}

import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UserError } from './errors';

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * `node:util` parseArgs in strict mode, with its multi-line messages turned into one-sentence
 * `UserError`s that name the command (`whittle inspect: unknown option --jsn.`).
 */
export function parseCommandArgs<O extends Options>(command: string, argv: string[], options: O) {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (err) {
    // Node's text is several sentences ("Unknown option '--x'. To specify a positional …"): keep the first.
    const text = err instanceof Error ? err.message : String(err);
    const first = text.split(/\.(?:\s|$)/, 1)[0];
    const message = first.charAt(0).toLowerCase() + first.slice(1);
    throw new UserError(`${command}: ${message}; see \`whittle ${command} --help\`.`);
  }
}

/** The single positional argument a command requires, or a UserError naming it. */
export function onePositional(command: string, positionals: string[], what: string): string {
  if (positionals.length === 1) return positionals[0];
  if (positionals.length === 0)
    throw new UserError(`${command}: missing ${what}; see \`whittle ${command} --help\`.`);
  throw new UserError(`${command}: expected one ${what}, got ${positionals.length} arguments.`);
}

/** A byte size such as `1G`, `512M`, `1.5GB` or plain bytes; a UserError naming the option otherwise. */
export function parseByteSize(command: string, option: string, text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([kmg]?)i?b?$/i.exec(text.trim());
  const unit = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[
    (m?.[2] ?? '').toLowerCase() as '' | 'k' | 'm' | 'g'
  ];
  const bytes = m ? Number(m[1]) * unit : NaN;
  if (!(bytes >= 64 * 1024 ** 2))
    throw new UserError(
      `${command}: --${option} must be a size of at least 64M (like 1G or 512M), not "${text}".`,
    );
  return Math.round(bytes);
}

/** This process's peak resident memory so far, in bytes. */
export function peakRssBytes(): number {
  return process.resourceUsage().maxRSS * 1024;
}

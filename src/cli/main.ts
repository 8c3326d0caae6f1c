/**
 * `whittle <command> [options]`: the Node side of the studio. Each command lives in its own module,
 * loaded only when asked for, and returns its exit code.
 */
import { ExitCode, reportError, UserError } from './errors';

/** What every module under ./commands exports. */
export interface Command {
  /** One line for `whittle --help`. */
  summary: string;
  run(argv: string[]): Promise<number>;
}

/** Add a command: one line here plus `commands/<name>.ts`. */
const commands: Record<string, () => Promise<Command>> = {
  inspect: () => import('./commands/inspect'),
  quantize: () => import('./commands/quantize'),
  eval: () => import('./commands/eval'),
  bench: () => import('./commands/bench'),
  optimize: () => import('./commands/optimize'),
  prune: () => import('./commands/prune'),
  finetune: () => import('./commands/finetune'),
};

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  try {
    if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
      await printHelp();
      return name === undefined ? ExitCode.badInput : ExitCode.ok;
    }
    const load = Object.hasOwn(commands, name) ? commands[name] : undefined;
    if (!load) throw new UserError(`unknown command "${name}"; run \`whittle --help\` for the list.`);
    const command = await load();
    return await command.run(rest);
  } catch (err) {
    return reportError(err);
  }
}

async function printHelp(): Promise<void> {
  const lines = ['Usage: whittle <command> [options]', '', 'Commands:'];
  for (const [name, load] of Object.entries(commands)) {
    lines.push(`  ${name.padEnd(10)} ${(await load()).summary}`);
  }
  lines.push('', 'Run `whittle <command> --help` for the options of one command.');
  console.log(lines.join('\n'));
}

/**
 * The `cinesim` command: a thin adapter over the library. Each command group registers its flags here
 * and imports its implementation lazily, so `cinesim --help` stays instant.
 *
 * Exit codes: 0 success, 1 failure while working, 2 bad input (flags, prompt, files), 130 cancelled.
 */
import { Command, CommanderError } from 'commander';
import { isCinesimError } from '../errors.ts';
import { registerEval } from './commands/eval.ts';
import { registerGenerate } from './commands/generate.ts';
import { registerKeys } from './commands/keys.ts';
import { registerPlay } from './commands/play.ts';
import { registerServe } from './commands/serve.ts';
import { registerBatch } from './commands/batch.ts';
import { registerStory } from './commands/story.ts';
import { registerWorld } from './commands/world.ts';

export const VERSION = '0.1.0';

export function buildProgram(): Command {
  const program = new Command('cinesim')
    .description('Cinesim: AI video generation and world simulation, offline, in TypeScript.')
    .version(VERSION)
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ outputError: (str, write) => write(str) });
  registerGenerate(program);
  registerStory(program);
  registerBatch(program);
  registerWorld(program);
  registerPlay(program);
  registerEval(program);
  registerServe(program);
  registerKeys(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (error) {
    return report(error);
  }
}

function report(error: unknown): number {
  if (error instanceof CommanderError) {
    // Commander already printed its message; help and version are not failures.
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') return 0;
    return error.exitCode === 0 ? 0 : 2;
  }
  if (isCinesimError(error)) {
    process.stderr.write(`error: ${error.message}\n`);
    if (process.env.CINESIM_DEBUG && error.stack) process.stderr.write(`${error.stack}\n`);
    return error.exitCode;
  }
  const e = error as Error;
  process.stderr.write(`error: ${e?.message ?? String(error)}\n`);
  if (process.env.CINESIM_DEBUG && e?.stack) process.stderr.write(`${e.stack}\n`);
  return 1;
}

#!/usr/bin/env node
/**
 * cli/: the only part in contact with the process — arguments (commander), files, the wall clock,
 * signals and exit codes. Everything else is the library in scenarios/operations.ts.
 *
 * Exit codes: 0 no violation; 1 a violation was found; 2 bad input (one line on stderr);
 * 3 internal error; 4 explore --require-complete and the search was incomplete;
 * 130 interrupted before finishing, with nothing found (what was found is still written).
 */
import { Command, CommanderError, Option } from 'commander';
import { InputError } from '../scenarios/operations.js';
import { ReplayFileError } from '../scenarios/replay-file.js';
import { ReplayDivergence } from '../sim/strategy/replay.js';
import { checkCommand } from './commands/check.js';
import { exploreCommand } from './commands/explore.js';
import { fsckCommand } from './commands/fsck.js';
import { listCommand } from './commands/list.js';
import { mkfsCommand } from './commands/mkfs.js';
import { replayCommand } from './commands/replay.js';
import { runCommand } from './commands/run.js';
import { TOOL_VERSION } from '../sim/version.js';
import { defaultWorkers } from './campaign-pool.js';

const collect = (value: string, previous: string[]): string[] => previous.concat([value]);

function positiveInt(name: string) {
  return (v: string): number => {
    if (!/^\d+$/.test(v) || Number(v) < 1 || !Number.isSafeInteger(Number(v))) throw new InputError(`${name} must be a positive integer, not "${v}"`);
    return Number(v);
  };
}

function nonNegativeInt(name: string) {
  return (v: string): number => {
    if (!/^\d+$/.test(v) || !Number.isSafeInteger(Number(v))) throw new InputError(`${name} must be a non-negative integer, not "${v}"`);
    return Number(v);
  };
}

function build(): Command {
  const program = new Command();
  program
    .name('eclipse-sim')
    .description('Deterministic simulator and model checker for the Eclipse OS microkernel design')
    .version(TOOL_VERSION)
    .showHelpAfterError(false)
    .exitOverride()
    .configureOutput({ writeErr: () => {} });

  program
    .command('list')
    .description('list scenarios, profiles, checks and mutants')
    .option('--json', 'print one JSON object')
    .action((o) => listCommand(o));

  const profile = () => new Option('--profile <name>', 'kernel profile: reference or eclipse-b').default('reference');
  const mutant = () => new Option('--mutant <name>', 'switch on a planted bug (repeatable)').argParser(collect).default([]);
  const out = () => new Option('--out <dir>', 'where replay files go').default('eclipse-sim-out');
  const shrinkBudget = () => new Option('--shrink-budget <n>', 'most runs spent shrinking each violation').argParser(nonNegativeInt('--shrink-budget')).default(1000);
  const workers = () =>
    new Option('--workers <n>', 'worker threads for random campaigns (results do not depend on it)').argParser(positiveInt('--workers')).default(defaultWorkers(), 'one per core');
  /** Options every finding command shares: what to run, and where and how to report. */
  const findingOptions = (c: Command): Command =>
    c
      .addOption(profile())
      .addOption(mutant())
      .option('--json', 'print one JSON object')
      .addOption(out())
      .addOption(shrinkBudget())
      .option('--no-shrink', 'write replay files without shrinking')
      .option('--junit <file>', 'also write a JUnit XML report')
      .addOption(new Option('--set <key=value>', 'set a scenario parameter (repeatable; dotted keys like faults.ioError; see list --json)').argParser(collect).default([]))
      .option('--only <checks>', 'only these checks end a run: ids or prefixes, comma-separated (e.g. "S-FS-*,L-FS-01")');

  program
    .command('run')
    .description('random runs of a scenario over many seeds (or one seed)')
    .argument('<scenario>')
    .addOption(new Option('--seeds <n>', 'number of seeds (default: the scenario’s campaign size)').argParser(positiveInt('--seeds')))
    .addOption(new Option('--seed <s>', 'run exactly this seed').argParser(nonNegativeInt('--seed')))
    .addOption(new Option('--first-seed <s>', 'first seed of the range').argParser(nonNegativeInt('--first-seed')).default(1))
    .option('--image <file>', 'boot a file-system scenario from this EclipseFS image (see mkfs)')
    .addOption(workers());
  findingOptions(program.commands[program.commands.length - 1]).action((scenario, o) => runCommand(scenario, o));

  program
    .command('explore')
    .description('exhaustive depth-first exploration of a (small) scenario')
    .argument('<scenario>')
    .addOption(new Option('--max-depth <d>', 'longest path in events').argParser(positiveInt('--max-depth')))
    .addOption(new Option('--max-states <n>', 'most distinct states to store').argParser(positiveInt('--max-states')))
    .addOption(new Option('--max-memory <mb>', 'memory budget of the state store, MiB').argParser(positiveInt('--max-memory')).default(4096))
    .option('--require-complete', 'exit 4 if the search is incomplete (a bound, the memory budget or Ctrl-C stopped it) and found nothing')
    .option('--image <file>', 'boot a file-system scenario from this EclipseFS image (see mkfs)');
  findingOptions(program.commands[program.commands.length - 1]).action((scenario, o) => exploreCommand(scenario, o));

  program
    .command('replay')
    .description('re-run a replay file exactly')
    .argument('<file>')
    .option('--trace', 'print every event, one per line, with what each step did')
    .addOption(new Option('--last <n>', 'with --trace: only the last n events (the run up to the failure)').argParser(positiveInt('--last')))
    .option('--json', 'print one JSON object')
    .action((file, o) => replayCommand(file, o));

  program
    .command('check')
    .description('the default campaign: every scenario on random seeds, plus exhaustive exploration of every *-small scenario')
    .addOption(new Option('--seeds-scale <x>', 'multiply every scenario’s seed budget').argParser((v) => {
      const x = Number(v);
      if (!(x > 0) || !Number.isFinite(x)) throw new InputError(`--seeds-scale must be a positive number, not "${v}"`);
      return x;
    }).default(1))
    .addOption(workers());
  findingOptions(program.commands[program.commands.length - 1]).action((o) => checkCommand(o));

  program
    .command('mkfs')
    .description('build an EclipseFS 2.0 image from a host directory tree')
    .argument('<dir>')
    .argument('<image>')
    .action((dir, image) => mkfsCommand(dir, image));

  program
    .command('fsck')
    .description('check an EclipseFS image (S-FS-01 header, S-FS-02 structure)')
    .argument('<image>')
    .option('--json', 'print one JSON object')
    .action((image, o) => fsckCommand(image, o));

  return program;
}

/** Error messages are one line, whatever the exception text holds. */
function oneLine(s: string): string {
  return s.replace(/\s*\n\s*/g, ' ').trim();
}

async function main(): Promise<number> {
  // A closed pipe (`| head`) ends output quietly.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE') process.exit(process.exitCode === undefined ? 0 : Number(process.exitCode));
      throw e;
    });
  }
  const program = build();
  if (process.argv.length <= 2) {
    // No command: say what the commands are, as a usage error.
    process.stderr.write(program.helpInformation());
    return 2;
  }
  try {
    await program.parseAsync(process.argv);
    return process.exitCode === undefined ? 0 : Number(process.exitCode);
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return 0;
      process.stderr.write(`eclipse-sim: ${oneLine(e.message.replace(/^error: /, ''))}\n`);
      return 2;
    }
    if (e instanceof InputError || e instanceof ReplayFileError) {
      process.stderr.write(`eclipse-sim: ${oneLine(e.message)}\n`);
      return 2;
    }
    if (e instanceof ReplayDivergence) {
      process.stderr.write(`eclipse-sim: ${oneLine(e.message)} (is the replay file for another scenario or another version of the model?)\n`);
      return 2;
    }
    process.stderr.write(`eclipse-sim: internal error (an engine bug, not a model violation): ${oneLine(e instanceof Error ? e.message : String(e))}\n`);
    if (process.env.ECLIPSE_SIM_DEBUG) process.stderr.write(`${(e as Error).stack}\n`);
    return 3;
  }
}

main().then((code) => {
  process.exitCode = code;
});

#!/usr/bin/env node
/**
 * cli/: the only part in contact with the process — arguments (commander), files, the wall clock,
 * signals and exit codes. Everything else is the library in scenarios/operations.ts.
 *
 * Exit codes: 0 no violation; 1 a violation was found (zoo: a mutant was not found); 2 bad input
 * (one line on stderr); 3 internal error, or explore --audit found the fingerprint unsound;
 * 4 explore --require-complete and the search was incomplete;
 * 130 interrupted before finishing, with nothing found (what was found is still written).
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError, Option } from 'commander';
import { escapeText } from '../reports/escape.js';
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
import { mergeCommand } from './commands/merge.js';
import { zooCommand } from './commands/zoo.js';
import { parseShard } from '../scenarios/shard.js';
import { TOOL_VERSION } from '../sim/version.js';
import { defaultWorkers, maxWorkers } from './campaign-pool.js';
import { DEFAULT_WATCHDOG_SECONDS } from './watched-run.js';
import { DEFAULT_PCT_DEPTH, MAX_PCT_DEPTH, STRATEGY_NAMES } from '../scenarios/strategies.js';
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

/** A number of seconds > 0 (a shrink time budget). */
function positiveSeconds(name: string) {
  return (v: string): number => {
    const x = Number(v);
    if (v.trim() === '' || !(x > 0) || !Number.isFinite(x)) throw new InputError(`${name} must be a number of seconds > 0, not "${v}" (--no-shrink turns shrinking off)`);
    return x;
  };
}

/** --workers: a positive integer, capped at 4 threads per core (more only costs memory). */
function cappedWorkers(v: string): number {
  const n = positiveInt('--workers')(v);
  const cap = maxWorkers();
  if (n <= cap) return n;
  process.stderr.write(`eclipse-sim: note: --workers ${n} is more than 4 per core; using ${cap}\n`);
  return cap;
}

/** explore --workers: a positive integer up to 4 per core; more is an error, not a cap (each worker holds a whole system). */
function exploreWorkers(v: string): number {
  const n = positiveInt('--workers')(v);
  const cap = maxWorkers();
  if (n > cap) throw new InputError(`--workers must be at most ${cap} (4 per core), not ${n}`);
  return n;
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
  const shrinkTimePerFinding = () =>
    new Option('--shrink-time-per-finding <seconds>', 'most wall-clock time spent shrinking one violation (then: shrunk as far as that allowed)').argParser(positiveSeconds('--shrink-time-per-finding'));
  const shrinkTime = () =>
    new Option('--shrink-time <seconds>', 'most wall-clock time spent shrinking all violations of the command; once spent, the rest are written unshrunk').argParser(positiveSeconds('--shrink-time'));
  const workers = () =>
    new Option('--workers <n>', `worker threads for random campaigns (results do not depend on it; at most ${maxWorkers()})`).argParser(cappedWorkers).default(defaultWorkers(), 'one per core');
  const watchdog = () =>
    new Option('--watchdog <seconds>', 'wall-clock limit of one run: a run that outlives it is ended and reported as MODEL-HANG (0: off)')
      .argParser((v) => {
        const x = Number(v);
        if (!(x >= 0) || !Number.isFinite(x)) throw new InputError(`--watchdog must be a number of seconds ≥ 0, not "${v}"`);
        return x;
      })
      .default(DEFAULT_WATCHDOG_SECONDS);
  const shard = () =>
    new Option('--shard <i/n>', 'run shard i of n (a deterministic split of the seeds and explorations; see merge)').argParser((v) => {
      const s = parseShard(v);
      if (!s) throw new InputError(`--shard must be i/n with 1 ≤ i ≤ n, not "${v}"`);
      return s;
    });
  /** Options every finding command shares: what to run, and where and how to report. */
  const findingOptions = (c: Command): Command =>
    c
      .addOption(profile())
      .addOption(mutant())
      .option('--json', 'print one JSON object')
      .addOption(out())
      .addOption(shrinkBudget())
      .addOption(shrinkTimePerFinding())
      .addOption(shrinkTime())
      .option('--no-shrink', 'write replay files without shrinking')
      .option('--junit <file>', 'also write a JUnit XML report')
      .option('--markdown <file>', 'also write a Markdown summary (for a CI job page)')
      .option('--result <file>', 'also write the --json result document (what merge reads)')
      .option('--html <dir>', 'also write an HTML timeline page per finding into this directory')
      .option('--coverage', 'print how often each coverage probe was hit, and those never hit (--json: a coverage field)')
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
    .option('--check-determinism', 'run every seed twice (fresh, and after another seed) and report the first step where the runs differ')
    .addOption(workers())
    .addOption(watchdog())
    .addOption(shard())
    .addOption(
      new Option('--strategy <name>', `how runs answer their choices: ${STRATEGY_NAMES.join(' or ')} (see list)`)
        .argParser((v) => {
          if (!STRATEGY_NAMES.includes(v)) throw new InputError(`unknown strategy "${v}" (known: ${STRATEGY_NAMES.join(', ')})`);
          return v;
        })
        .default('random'),
    )
    .addOption(
      new Option('--pct-depth <d>', `with --strategy pct: the bug depth d, 1 to ${MAX_PCT_DEPTH} (d − 1 priority change points; default ${DEFAULT_PCT_DEPTH})`).argParser((v) => {
        if (!/^\d+$/.test(v) || Number(v) < 1 || Number(v) > MAX_PCT_DEPTH) throw new InputError(`--pct-depth must be an integer from 1 to ${MAX_PCT_DEPTH}, not "${v}"`);
        return Number(v);
      }),
    );
  findingOptions(program.commands[program.commands.length - 1]).action((scenario, o) => runCommand(scenario, o));

  program
    .command('explore')
    .description('exhaustive depth-first exploration of a (small) scenario')
    .argument('<scenario>')
    .addOption(new Option('--max-depth <d>', 'longest path in events').argParser(positiveInt('--max-depth')))
    .addOption(new Option('--max-states <n>', 'most distinct states to store').argParser(positiveInt('--max-states')))
    .addOption(new Option('--max-memory <mb>', 'memory budget of the state store, MiB').argParser(positiveInt('--max-memory')).default(4096))
    .option('--require-complete', 'exit 4 if the search is incomplete (a bound, the memory budget or Ctrl-C stopped it) and found nothing')
    .addOption(new Option('--search <mode>', 'stateful: restore snapshots when backtracking; stateless: re-run each path from the start; auto: stateful unless a snapshot is over 1 MiB').choices(['auto', 'stateful', 'stateless']).default('auto'))
    .option('--shortest', 'after a violation, search with shrinking depth bounds for one with the fewest events, and report it beside the first one found')
    .option('--audit', 'check every fingerprint against a full digest of the whole state; two states with one fingerprint and different digests stop the search (exit 3) naming the fields')
    .addOption(new Option('--workers <n>', `worker threads sharing one fingerprint table (the same distinct states and verdict as 1; at most ${maxWorkers()})`).argParser(exploreWorkers).default(1))
    .addOption(new Option('--orders <mode>', 'timed: steps in time order, ties chosen; all: any pending step may go next, a timeout only when its deadline comes first (the same as --set orders=MODE)').choices(['timed', 'all']))
    .option('--image <file>', 'boot a file-system scenario from this EclipseFS image (see mkfs)');
  findingOptions(program.commands[program.commands.length - 1]).action((scenario, o) => exploreCommand(scenario, o.orders ? { ...o, set: [...o.set, `orders=${o.orders}`] } : o));

  program
    .command('replay')
    .description('re-run a replay file exactly')
    .argument('<file>')
    .option('--trace', 'print every event, one per line, with what each step did')
    .addOption(new Option('--last <n>', 'with --trace: only the last n events (the run up to the failure)').argParser(positiveInt('--last')))
    .option('--json', 'print one JSON object (with --trace: the events as objects)')
    .option('--html <file>', 'also write the run as an HTML timeline page, with its passing neighbour')
    .addOption(watchdog())
    .option('--image <file>', 'the image the replay boots from, instead of the one it names (which must lie in its folder)')
    .action((file, o) => replayCommand(file, o));

  program
    .command('check')
    .description('the default campaign: every scenario on random seeds, plus exhaustive exploration of every *-small scenario')
    .addOption(new Option('--seeds-scale <x>', 'multiply every scenario’s seed budget').argParser((v) => {
      const x = Number(v);
      if (!(x > 0) || !Number.isFinite(x) || x > 1e6) throw new InputError(`--seeds-scale must be a positive number up to 1000000, not "${v}"`);
      return x;
    }).default(1))
    .addOption(new Option('--scenario <name>', 'only this scenario (repeatable)').argParser(collect).default([]))
    .addOption(workers())
    .addOption(watchdog())
    .addOption(shard());
  findingOptions(program.commands[program.commands.length - 1]).action((o) => checkCommand(o));

  program
    .command('zoo')
    .description('the mutation score: every planted bug of the zoo on the scenarios that should catch it, with the seeds and time to its first failure')
    .addOption(new Option('--mutant <name>', 'only this mutant (repeatable)').argParser(collect).default([]))
    .addOption(new Option('--seeds <n>', 'seed budget of each scenario a mutant is tried on (default: the scenario’s campaign size)').argParser(positiveInt('--seeds')))
    .addOption(workers())
    .addOption(watchdog())
    .option('--json', 'print one JSON object')
    .option('--junit <file>', 'also write a JUnit XML report (a mutant not found is a failing test case)')
    .option('--result <file>', 'also write the --json document')
    .addOption(out())
    .addOption(shrinkBudget())
    .addOption(shrinkTimePerFinding())
    .addOption(shrinkTime())
    .option('--no-shrink', 'write replay files without shrinking')
    .action((o) => zooCommand(o));

  program
    .command('merge')
    .description('merge the --json results of the shards of a run or check into one report')
    .argument('<result.json...>')
    .option('--json', 'print one JSON object')
    .option('--junit <file>', 'also write a JUnit XML report')
    .option('--markdown <file>', 'also write a Markdown summary (for a CI job page)')
    .option('--result <file>', 'also write the merged result document')
    .action((files, o) => mergeCommand(files, o));

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

/** Error messages are one line, whatever the exception text holds, with input escaped and cut. */
function oneLine(s: string): string {
  return escapeText(s.replace(/\s*\n\s*/g, ' ').trim(), 2000);
}

/**
 * Runs the command line `argv` (as process.argv: node, script, args…); resolves with the exit
 * code. Exported for the in-process fuzzer (test/fuzz/soak.ts).
 */
export async function main(argv: readonly string[] = process.argv): Promise<number> {
  // A closed pipe (`| head`) ends output quietly.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE') process.exit(process.exitCode === undefined ? 0 : Number(process.exitCode));
      throw e;
    });
  }
  const program = build();
  if (argv.length <= 2) {
    // No command: say what the commands are, as a usage error.
    process.stderr.write(program.helpInformation());
    return 2;
  }
  try {
    await program.parseAsync([...argv]);
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

/** Is this module the program (not imported by a test or the fuzzer)? */
function isEntry(): boolean {
  try {
    return process.argv[1] !== undefined && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url);
  } catch {
    return false;
  }
}

if (isEntry()) {
  main().then((code) => {
    process.exitCode = code;
  });
}

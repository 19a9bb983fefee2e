import { ALL_CHECKS } from '../../checks/registry.js';
import { MUTANTS } from '../../model/mutants.js';
import { PROFILES, PROFILE_DESCRIPTIONS } from '../../model/profile.js';
import { SCENARIOS } from '../../scenarios/registry.js';
import { KNOB_MEANING } from '../../scenarios/swarm-knobs.js';
import chalk from 'chalk';
import { rangeText, scenarioParams } from '../../scenarios/param-schema.js';
import { STRATEGIES } from '../../scenarios/strategies.js';

export function listCommand(o: { json?: boolean }): void {
  if (o.json) {
    const doc = {
      scenarios: SCENARIOS.map((s) => ({
        name: s.name,
        description: s.description,
        purpose: s.purpose,
        explorable: s.explorable,
        campaignSeeds: s.campaignSeeds,
        // What `--set key=value` takes for this scenario: type, default (its value here), range.
        parameters: scenarioParams(s.params).map(({ key, type, default: def, minimum, maximum, values, items, minItems, description }) => ({
          key,
          type,
          default: def,
          range: rangeText({ type, minimum, maximum, values, items, minItems }),
          ...(minimum !== undefined ? { minimum } : {}),
          ...(maximum !== undefined ? { maximum } : {}),
          ...(values ? { values } : {}),
          ...(items ? { items } : {}),
          ...(minItems !== undefined ? { minItems } : {}),
          description,
        })),
        // Swarm knobs: the values each seed of a campaign may draw (scenarios/swarm-knobs.ts).
        swarmKnobs: (s.swarmKnobs ?? []).map((k) => ({ key: k.key, values: [...k.values], description: KNOB_MEANING[k.key] })),
      })),
      profiles: PROFILES.map((p) => ({ name: p, description: PROFILE_DESCRIPTIONS[p] })),
      checks: ALL_CHECKS.map((c) => ({ id: c.id, subsystem: c.subsystem, kind: c.kind, title: c.title })),
      mutants: MUTANTS.map((m) => ({ name: m.name, subsystem: m.subsystem, description: m.description, caughtBy: m.catchers })),
      strategies: STRATEGIES.map((s) => ({ name: s.name, description: s.description })),
    };
    process.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
    return;
  }
  const lines: string[] = [];
  lines.push(chalk.bold('Scenarios'));
  for (const s of SCENARIOS) lines.push(`  ${s.name.padEnd(16)} ${s.description}${s.explorable ? chalk.dim(' [explorable]') : ''}`);
  lines.push(chalk.dim('  (each scenario’s parameters, for --set key=value: eclipse-sim list --json)'));
  lines.push('', chalk.bold('Profiles'));
  for (const p of PROFILES) lines.push(`  ${p.padEnd(16)} ${PROFILE_DESCRIPTIONS[p]}`);
  lines.push('', chalk.bold('Checks'));
  for (const c of ALL_CHECKS) lines.push(`  ${c.id.padEnd(9)} ${c.kind.padEnd(8)} ${c.subsystem.padEnd(9)} ${c.title}`);
  lines.push('', chalk.bold('Mutants'));
  for (const m of MUTANTS) lines.push(`  ${m.name.padEnd(22)} ${m.subsystem.padEnd(18)} ${m.description} ${chalk.dim(`(caught by ${m.catchers.join(', ')})`)}`);
  lines.push('', chalk.bold('Strategies (run --strategy)'));
  for (const s of STRATEGIES) lines.push(`  ${s.name.padEnd(16)} ${s.description}`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

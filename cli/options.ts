/**
 * The options every finding command (run, explore, check) takes, as `findingOptions` in main.ts
 * defines them: what to run, and where and how to report.
 */
export interface FindingCliOptions {
  profile: string;
  mutant: string[];
  json?: boolean;
  out: string;
  shrinkBudget: number;
  /** Wall-clock seconds one violation may spend shrinking (`--shrink-time-per-finding`). */
  shrinkTimePerFinding?: number;
  /** Wall-clock seconds all violations of the command may spend shrinking (`--shrink-time`). */
  shrinkTime?: number;
  shrink: boolean;
  junit?: string;
  markdown?: string;
  result?: string;
  /** Directory for an HTML timeline page per finding. */
  html?: string;
  only?: string;
  /** `--coverage`: count and print the coverage probes (model/coverage.ts). */
  coverage?: boolean;
  /** `--set key=value`, in order. */
  set: string[];
}

/**
 * scenario lineage (scenarios/proc.ts, /bin/lineage): it runs clean on reference and reaches the
 * situations it exists for, counted by the coverage probes (model/coverage.ts): a middle process
 * hands zombies to init while init is blocked in wait and its own child lives on, and kills of
 * processes blocked in wait, receive and a file-system call. And the bug no scenario caught
 * before — a kernel that forgets to wake init when it hands it zombies — is caught here.
 */
import test from 'ava';
import { Campaign } from '../../sim/campaign.js';
import * as C from '../../model/coverage.js';
import { Lifecycle } from '../../model/proc/lifecycle.js';
import { makeCampaignSystem, resolveTarget } from '../../scenarios/operations.js';

const SEEDS = 60;

function campaign(name: string, seeds: number): Campaign {
  const c = new Campaign(makeCampaignSystem(resolveTarget(name, 'reference', [])));
  c.runSeeds(1, 1 + seeds);
  return c;
}

test(`lineage: reference runs clean over ${SEEDS} seeds and reaches every situation it is for`, (t) => {
  const c = campaign('lineage', SEEDS);
  t.deepEqual([...c.findings.keys()], []);
  const cov = c.coverage!;
  const need: Array<[string, number]> = [
    ['zombies handed to init blocked in wait', C.C_ZOMBIES_TO_INIT_WAITING],
    ['kill of a process blocked in wait', C.C_KILL_WAIT],
    ['kill of a process blocked in receive', C.C_KILL_RECV],
    ['kill of a process in a file-system call', C.C_KILL_FS],
    ['that kill taking effect when the call returns', C.C_KILL_FS_DIES_ON_RETURN],
    ['kill of init refused', C.C_KILL_REFUSED],
    ['kill of a reaped PID', C.C_KILL_NO_SUCH],
    ['kill of itself', C.C_KILL_SELF],
    ['a death with only live children', C.C_DEATH_LIVE_CHILDREN],
    ['death by SIGTERM', C.C_DEATH_SIGTERM],
  ];
  for (const [what, id] of need) t.true(cov[id] >= SEEDS / 3, `${what} (${C.probeName(id)}): hit ${cov[id]} times in ${SEEDS} runs`);
});

test('lineage: a kernel that forgets to wake init when it hands it zombies is caught (planted in a test, not in the zoo)', (t) => {
  // Lifecycle.terminate calls childExited(1, −1) exactly when it handed init a zombie: drop that call.
  const proto = Lifecycle.prototype as unknown as { childExited(parentPid: number, childPid: number): void };
  const original = proto.childExited;
  proto.childExited = function (this: unknown, parentPid: number, childPid: number): void {
    if (childPid === -1) return;
    original.call(this, parentPid, childPid);
  };
  try {
    const c = campaign('lineage', SEEDS);
    const ids = [...c.findings.keys()];
    t.log(`found: ${ids.join(', ')}; first at seed ${Math.min(...[...c.findings.values()].map((f) => f.seed))}`);
    t.true(ids.some((id) => id.startsWith('L-PM-')), `a reap-bound violation, not ${ids.join(', ') || 'nothing'}`);
  } finally {
    proto.childExited = original;
  }
  // Restored: the same seeds are clean again.
  t.deepEqual([...campaign('lineage', 5).findings.keys()], []);
});

/** `explore --max-states N` stores at most N states (it once stored 1,020 for a bound of 1,000). */
import test from 'ava';
import { makeExplorer } from '../../scenarios/operations.js';
import { target } from '../helpers/system.js';

for (const bound of [1, 7, 1000]) {
  test(`explore virtio-small with a state bound of ${bound}: exactly ${bound} states stored, stopped by the bound`, (t) => {
    const { explorer } = makeExplorer(target({ scenario: 'virtio-small' }), { maxDepth: 2000, maxStates: bound, maxMemoryBytes: 64 * 1024 * 1024, stopAtFirstViolation: true });
    while (!explorer.advance(200)) {
      // to the bound
    }
    t.is(explorer.result.states, bound);
    t.is(explorer.result.stoppedBy, 'states');
    t.false(explorer.result.complete);
  });
}

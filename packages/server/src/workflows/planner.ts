import { planChanges } from './plan/changes.ts';
import { orderDeletes } from './plan/deletes.ts';
import { planFull } from './plan/full.ts';
import { PlanState } from './plan/state.ts';
import { type Action, type LinkRow, type Plan, type PlanInput, ROOT_PARENT } from './plan/types.ts';

export { type Action, type LinkRow, type Plan, type PlanInput, ROOT_PARENT };

/**
 * Lists the source and compares it with the item links, yielding what the executor must do.
 * Folders come before their contents (breadth first); deletes come last, documents before folders,
 * deepest first. Triggers that are off turn their actions into skips; Copy ignores triggers and never
 * renames, moves or deletes. The parts live in plan/: a full listing (full.ts) or the change query
 * (changes.ts) visits items (visit.ts) into the plan's state (state.ts); deletes.ts plans what is gone.
 */
export async function planSync(input: PlanInput): Promise<Plan> {
  const state = new PlanState(input);
  if (input.changedSince && input.source.changesSince) await planChanges(state);
  else await planFull(state);
  return { actions: [...state.actions, ...orderDeletes(state.deferred)], examined: state.examined };
}

/**
 * How many documents one process moves at once through each connector, across all runs: a run's own
 * concurrency bounds one workflow, these slots keep several workflows on one server from
 * adding up. Slots are taken in a fixed order (sorted ids), so two runs never wait on each other.
 */
interface Slot {
  active: number;
  waiting: (() => void)[];
}

const slots = new Map<string, Slot>();

async function acquire(id: string, limit: number): Promise<void> {
  let slot = slots.get(id);
  if (!slot) {
    slot = { active: 0, waiting: [] };
    slots.set(id, slot);
  }
  if (slot.active < limit) {
    slot.active++;
    return;
  }
  await new Promise<void>((resolve) => slot.waiting.push(resolve));
}

function release(id: string): void {
  const slot = slots.get(id)!;
  const next = slot.waiting.shift();
  if (next) next();
  else if (--slot.active === 0) slots.delete(id);
}

/** Runs fn holding one slot of each connector. */
export async function withConnectorSlots<T>(
  connectorIds: string[],
  limit: number,
  fn: () => Promise<T>,
): Promise<T> {
  const ids = [...new Set(connectorIds)].sort();
  const held: string[] = [];
  try {
    for (const id of ids) {
      await acquire(id, limit);
      held.push(id);
    }
    return await fn();
  } finally {
    for (const id of held.reverse()) release(id);
  }
}

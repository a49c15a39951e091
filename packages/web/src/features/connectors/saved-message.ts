import type { Connector, ConnectorType } from '@lexbridge/contracts';
import { roleLabels } from '../../api/session.ts';

/** "Connector Admin, User and ann@firm.example" from a stored May read / May write list. */
function people(value: unknown): string {
  const list = Array.isArray(value) ? value.map(String) : [];
  const named = list.map((entry) => roleLabels[entry as keyof typeof roleLabels] ?? entry);
  if (named.length === 0) return 'only Connector Admins';
  // Connector Admins always may; they lead the list.
  const all = ['Connector Admin', ...named.filter((n) => n !== 'Connector Admin')];
  return all.length === 1 ? `only ${all[0]}s` : `${all.slice(0, -1).join(', ')} and ${all.at(-1)}`;
}

/**
 * What the Connectors page says after a connector is added. A type whose people each authorise it
 * says so; one without per-user authorisation (a local folder) says who may read and write it, from
 * its May read and May write, since there is nothing to authorise.
 */
export function addedMessage(type: ConnectorType, saved: Connector): string {
  if (type.perUserAuthorisation)
    return `Added ${saved.name}. Everyone can now see it; each person authorises it with their own account from its ⋮ menu.`;
  const { mayRead, mayWrite } = saved.config;
  if (mayRead === undefined && mayWrite === undefined)
    return `Added ${saved.name}. Everyone with a Lexbridge role may read and write it in workflows.`;
  // Whoever may write may also read.
  const readers = [...(Array.isArray(mayRead) ? mayRead : []), ...(Array.isArray(mayWrite) ? mayWrite : [])];
  return `Added ${saved.name}. May read: ${people([...new Set(readers)])}; may write: ${people(mayWrite)}. They can use it in workflows straight away; there is nothing to authorise. Choose Edit to change who may.`;
}

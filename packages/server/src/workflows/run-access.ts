import type { WorkflowType } from '@lexbridge/contracts';
import type { ContentStore } from '../connectors/content.ts';
import type { Lexbridge } from '../context.ts';
import { AppError } from '../errors.ts';
import { publishDestinationCheck } from './destination-check.ts';
import { storedLocation, type WorkflowRow } from './model.ts';

/** Types that change or delete in the source as well as the target. */
const changesSource: readonly WorkflowType[] = ['move', 'two_way_sync', 'archive'];

/**
 * Pre-flight's access checks again, as a run starts: since the workflow was created a Connector Admin
 * may have made one of its folders a publish destination, or taken May read / May write from its
 * owner. Either stops the run before it touches anything, with `workflow_access_changed`.
 */
export async function recheckAccess(
  lexbridge: Lexbridge,
  workflow: WorkflowRow,
  stores: { source: ContentStore; target: ContentStore },
): Promise<void> {
  const source = storedLocation(workflow.sourceLocation);
  const target = storedLocation(workflow.targetLocation);
  const destination = await publishDestinationCheck(
    lexbridge,
    workflow.ownerId,
    {
      source: { connectorId: workflow.sourceConnectorId!, id: source.id },
      target: { connectorId: workflow.targetConnectorId!, id: target.id },
    },
    { source, target },
  );
  if (!destination.ok) refuse(destination.message.replace(/: choose another folder\.$/, '.'));
  const [sourceRights, targetRights] = await Promise.all([
    stores.source.rights(source.id),
    stores.target.rights(target.id),
  ]);
  if (!sourceRights.read) refuse(`You may no longer read "${source.path}".`);
  if (!targetRights.write) refuse(`You may no longer add items to "${target.path}".`);
  if (changesSource.includes(workflow.type as WorkflowType) && !sourceRights.write)
    refuse(`You may no longer change or delete items in "${source.path}", which this workflow does.`);
}

function refuse(reason: string): never {
  throw new AppError(
    'workflow_access_changed',
    `${reason} This changed since the workflow was created, so the run stopped before changing anything. Ask a Connector Admin for access, or change the workflow's folders.`,
  );
}

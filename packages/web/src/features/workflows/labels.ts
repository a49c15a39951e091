import {
  type ArchiveSourceMode,
  type ConflictPolicy,
  isOngoing,
  type WorkflowOptions,
  type WorkflowTrigger,
  type WorkflowType,
  workflowTriggerNames,
} from '@lexbridge/contracts';

export { workflowTypeLabels } from '@lexbridge/contracts';

/** What each workflow type does, in the words the wizard shows under each choice. */
export const workflowTypeDescriptions: Record<WorkflowType, string> = {
  copy: 'A one-off copy of the source folder into the target. Nothing is deleted; it runs when you ask it to.',
  one_way_sync:
    'Keeps the target in step with the source: new, changed, renamed, moved and deleted items follow, checked every few minutes.',
  move: 'Copies everything to the target, checks each copy, then deletes it from the source.',
  two_way_sync:
    'Keeps both folders in step: new, changed, renamed and moved items follow either way; deletes are never carried over, and a document changed on both sides keeps both edits.',
  archive:
    'Closes a matter: copies everything into iManage, checks every copy, stores a manifest, then removes the source (or leaves it with a link to iManage).',
};

type BooleanOption = Exclude<keyof WorkflowOptions, 'maxDeletes' | 'conflictPolicy' | 'archiveSource'>;

/** The options in plain words; the API keeps the names Syncly people know (docs/workflows.md). */
export const optionLabels: Record<BooleanOption, { label: string; hint: string }> = {
  latestVersionOnly: {
    label: 'Latest version only',
    hint: 'Copy only the newest version of each document. Off: every version is copied, as versions where the target keeps them.',
  },
  syncExistingFilesAndFolders: {
    label: 'Copy what is already there',
    hint: 'On the first run, copy what the source already holds. Off: only what is created or changed after the workflow starts.',
  },
  includeSelectContainer: {
    label: 'Include the chosen folder itself',
    hint: 'Create a folder named like the source folder in the target and copy into it. Off: copy only what is inside the source folder.',
  },
  syncMajorVersionsOnly: {
    label: 'Major versions only',
    hint: 'Where the system keeps minor versions (iManage), copy major versions only and ignore the minor ones.',
  },
};

/** Options that only mean something for a workflow that keeps running (a one-off copies what is there). */
export const ongoingOnlyOptions: readonly BooleanOption[] = ['syncExistingFilesAndFolders'];

export const booleanOptions = Object.keys(optionLabels) as BooleanOption[];

/** The boolean options shown for a type. */
export function optionsFor(type: WorkflowType): BooleanOption[] {
  return isOngoing(type) ? booleanOptions : booleanOptions.filter((o) => !ongoingOnlyOptions.includes(o));
}

/** Triggers a type offers: a two-way sync never carries deletes (docs/workflows.md). */
export function triggersFor(type: WorkflowType): WorkflowTrigger[] {
  return type === 'two_way_sync'
    ? workflowTriggerNames.filter((t) => t !== 'fileDeleted' && t !== 'folderDeleted')
    : [...workflowTriggerNames];
}

/** The two sides of a workflow as people know them: the connector's name and its system's. */
export interface WorkflowSides {
  source: { name: string; system: string };
  target: { name: string; system: string };
}

const capital = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/**
 * The conflict policies in words: "iManage wins", or the connectors' names when both sides are the same
 * kind of system ("Office share wins").
 */
export function conflictPolicyLabels(
  sides: WorkflowSides,
): Record<ConflictPolicy, { label: string; hint: string }> {
  const same = sides.source.system.toLowerCase() === sides.target.system.toLowerCase();
  const side = (s: WorkflowSides['source']) => (same ? s.name : capital(s.system));
  const wins = (winner: WorkflowSides['source'], other: WorkflowSides['source']) => ({
    label: `${side(winner)} wins`,
    hint: `The edit made in ${winner.name} is written over the one in ${other.name} (as a new version where ${other.name} keeps versions); no copy is made.`,
  });
  return {
    keep_both: {
      label: 'Keep both',
      hint: 'Neither edit is lost: a side that keeps versions receives the other edit as a new version; otherwise the other edit arrives beside it as “name (conflict from …)”.',
    },
    newest_wins: {
      label: 'Newest wins',
      hint: 'The later edit is written over the earlier one (as a new version where that side keeps versions); no copy is made.',
    },
    source_wins: wins(sides.source, sides.target),
    target_wins: wins(sides.target, sides.source),
  };
}

export const archiveSourceLabels: Record<ArchiveSourceMode, { label: string; hint: string }> = {
  remove: {
    label: 'Remove the source content',
    hint: 'Once every document is copied and verified and the manifest is stored, the documents and folders are removed from the source. If anything fails, nothing is removed.',
  },
  leave: {
    label: 'Leave the source, with a link to the archive',
    hint: 'The source keeps its content and gets a link file “Archived to iManage.url” pointing at the archive. Lexbridge cannot remove write permissions yet; the run says so.',
  },
};

export const triggerLabels: Record<WorkflowTrigger, string> = {
  fileCreated: 'File Created',
  fileUpdated: 'File Updated',
  fileRenamed: 'File Renamed',
  fileMoved: 'File Moved',
  fileDeleted: 'File Deleted',
  folderCreated: 'Folder Created',
  folderRenamed: 'Folder Renamed',
  folderMoved: 'Folder Moved',
  folderDeleted: 'Folder Deleted',
};

export const preflightCheckLabels = {
  workflow_conflict: 'Workflow Conflict',
  permission: 'Permission/Access',
  connection: 'Connection',
  publish_destination: 'Publish Destination',
} as const;

import type { WorkflowOptions, WorkflowTrigger, WorkflowType } from '@lexbridge/contracts';

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

export const optionLabels: Record<BooleanOption, { label: string; hint: string }> = {
  latestVersionOnly: {
    label: 'Latest Version Only',
    hint: 'Copy only the newest version of each document, where the source keeps versions.',
  },
  syncExistingFilesAndFolders: {
    label: 'Sync Existing Files And Folders',
    hint: 'Copy what is already in the source on the first run. Off: only what changes afterwards.',
  },
  includeSelectContainer: {
    label: 'Include Select Container',
    hint: 'Create the chosen source folder itself inside the target, rather than only its contents.',
  },
  syncMajorVersionsOnly: {
    label: 'Sync Major Versions Only',
    hint: 'Where the system keeps minor versions, copy major versions only and ignore the minor ones.',
  },
};

export const booleanOptions = Object.keys(optionLabels) as BooleanOption[];

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

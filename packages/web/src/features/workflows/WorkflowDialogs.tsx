import {
  Body1,
  Button,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  Field,
  Input,
  MessageBar,
  MessageBarBody,
} from '@fluentui/react-components';
import type { Workflow } from '@lexbridge/contracts';
import { useState } from 'react';
import { errorMessage, fieldErrors } from '../../api/client.ts';
import { useDeleteWorkflow, useUpdateWorkflow } from './api.ts';
import { useUsableConnectors } from './connections.ts';
import { SettingsFields, type WorkflowSettings } from './SettingsFields.tsx';

/** Name, options, triggers and interval. Source, target and type stay as created (make a new workflow to change them). */
export function EditWorkflowDialog({
  open,
  workflow,
  onClose,
}: {
  open: boolean;
  workflow: Workflow;
  onClose(): void;
}) {
  const update = useUpdateWorkflow(workflow.id);
  const [name, setName] = useState(workflow.name);
  const [settings, setSettings] = useState<WorkflowSettings>({
    options: workflow.options,
    triggers: workflow.triggers,
    intervalMinutes: workflow.intervalMinutes,
  });
  const connections = useUsableConnectors();
  const sides = {
    source: connections.side(workflow.source.connectorId, workflow.source.connectorName ?? 'the source'),
    target: connections.side(workflow.target.connectorId, workflow.target.connectorName ?? 'the target'),
  };
  const errors = fieldErrors(update.error);
  const nameError = name.trim() === '' ? 'Enter a name.' : errors.name;
  return (
    <Dialog open={open} onOpenChange={(_e, data) => !data.open && onClose()}>
      <DialogSurface>
        <form
          onSubmit={(event) => {
            event.preventDefault();
            if (name.trim() === '') return;
            update.mutate({ name: name.trim(), ...settings }, { onSuccess: onClose });
          }}
        >
          <DialogBody>
            <DialogTitle>Edit {workflow.name}</DialogTitle>
            <DialogContent>
              <Field label="Name" required validationMessage={nameError}>
                <Input value={name} onChange={(_e, data) => setName(data.value)} maxLength={200} />
              </Field>
              <Body1 as="p">
                Source, target and type stay as they are; to change them, create a new workflow.
              </Body1>
              <SettingsFields type={workflow.type} value={settings} onChange={setSettings} sides={sides} />
              {update.isError && !errors.name && (
                <MessageBar intent="error" layout="multiline">
                  <MessageBarBody>{errorMessage(update.error)}</MessageBarBody>
                </MessageBar>
              )}
            </DialogContent>
            <DialogActions>
              <Button appearance="secondary" onClick={onClose} disabled={update.isPending}>
                Cancel
              </Button>
              <Button appearance="primary" type="submit" disabled={update.isPending}>
                {update.isPending ? 'Saving…' : 'Save'}
              </Button>
            </DialogActions>
          </DialogBody>
        </form>
      </DialogSurface>
    </Dialog>
  );
}

/** Deleting stops future runs and cancels a running one; what was already copied stays in the target. */
export function DeleteWorkflowDialog({
  open,
  workflow,
  onClose,
  onDeleted,
}: {
  open: boolean;
  workflow: Workflow;
  onClose(): void;
  onDeleted(): void;
}) {
  const remove = useDeleteWorkflow(workflow.id);
  return (
    <Dialog open={open} modalType="alert" onOpenChange={(_e, data) => !data.open && onClose()}>
      <DialogSurface>
        <DialogBody>
          <DialogTitle>Delete {workflow.name}?</DialogTitle>
          <DialogContent>
            <Body1 as="p">
              The workflow stops: a run in progress is cancelled and no further runs start. Documents already
              copied stay in the target, and nothing is deleted from the source. This cannot be undone.
            </Body1>
            {remove.isError && (
              <MessageBar intent="error" layout="multiline">
                <MessageBarBody>{errorMessage(remove.error)}</MessageBarBody>
              </MessageBar>
            )}
          </DialogContent>
          <DialogActions>
            <Button appearance="secondary" onClick={onClose} disabled={remove.isPending}>
              Cancel
            </Button>
            <Button
              appearance="primary"
              onClick={() => remove.mutate(undefined, { onSuccess: onDeleted })}
              disabled={remove.isPending}
            >
              {remove.isPending ? 'Deleting…' : 'Delete workflow'}
            </Button>
          </DialogActions>
        </DialogBody>
      </DialogSurface>
    </Dialog>
  );
}

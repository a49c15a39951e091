import {
  Body1,
  Button,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  MessageBar,
  MessageBarBody,
} from '@fluentui/react-components';
import type { Connector } from '@lexbridge/contracts';
import type { ReactNode } from 'react';
import { ApiError, errorMessage } from '../../api/client.ts';
import { useDisconnect, useRemoveConnector } from './api.ts';

function ConfirmDialog({
  open,
  title,
  children,
  confirmLabel,
  busy,
  error,
  onConfirm,
  onClose,
}: {
  open: boolean;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  busy: boolean;
  error?: string;
  onConfirm(): void;
  onClose(): void;
}) {
  return (
    <Dialog open={open} modalType="alert" onOpenChange={(_e, data) => !data.open && onClose()}>
      <DialogSurface>
        <DialogBody>
          <DialogTitle>{title}</DialogTitle>
          <DialogContent>
            {children}
            {error && (
              <MessageBar intent="error" layout="multiline">
                <MessageBarBody>{error}</MessageBarBody>
              </MessageBar>
            )}
          </DialogContent>
          <DialogActions>
            <Button appearance="secondary" onClick={onClose} disabled={busy}>
              Cancel
            </Button>
            <Button appearance="primary" onClick={onConfirm} disabled={busy}>
              {busy ? 'Working…' : confirmLabel}
            </Button>
          </DialogActions>
        </DialogBody>
      </DialogSurface>
    </Dialog>
  );
}

/** Forgets this person's authorisation of a connector; others keep theirs. */
export function DisconnectDialog({
  open,
  connector,
  onClose,
  onDone,
}: {
  open: boolean;
  connector: Connector;
  onClose(): void;
  onDone(message: string): void;
}) {
  const disconnect = useDisconnect();
  return (
    <ConfirmDialog
      open={open}
      title={`Disconnect ${connector.name}?`}
      confirmLabel="Disconnect"
      busy={disconnect.isPending}
      error={disconnect.isError ? errorMessage(disconnect.error) : undefined}
      onClose={onClose}
      onConfirm={() =>
        disconnect.mutate(connector.id, {
          onSuccess: () =>
            onDone(`Disconnected ${connector.name}. Choose Authorise in its ⋮ menu to connect again.`),
        })
      }
    >
      <Body1 as="p">
        Lexbridge forgets your authorisation of this connector. Your workflows that use it pause until you
        authorise it again. Other people's authorisations are not affected.
      </Body1>
    </ConfirmDialog>
  );
}

/**
 * Removes a connector for everyone. When workflows use it, the server refuses (connector_in_use) and
 * the dialog names them and offers to remove it anyway, which pauses them.
 */
export function RemoveConnectorDialog({
  open,
  connector,
  onClose,
  onDone,
}: {
  open: boolean;
  connector: Connector;
  onClose(): void;
  onDone(message: string): void;
}) {
  const remove = useRemoveConnector();
  const inUse = remove.error instanceof ApiError && remove.error.code === 'connector_in_use';
  const workflows = inUse
    ? ((remove.error as ApiError).details?.workflows as { id: string; name: string }[] | undefined)
    : undefined;
  return (
    <ConfirmDialog
      open={open}
      title={`Remove ${connector.name}?`}
      confirmLabel={inUse ? 'Remove and pause workflows' : 'Remove'}
      busy={remove.isPending}
      error={remove.isError && !inUse ? errorMessage(remove.error) : undefined}
      onClose={onClose}
      onConfirm={() =>
        remove.mutate(
          { id: connector.id, force: inUse },
          {
            onSuccess: (result) =>
              onDone(
                `Removed ${connector.name}.${result.pausedWorkflows.length ? ` ${result.pausedWorkflows.length} workflow(s) using it were paused.` : ''}`,
              ),
          },
        )
      }
    >
      <Body1 as="p">
        The connector disappears for everyone in the firm, with every person's authorisation of it. This
        cannot be undone.
      </Body1>
      {inUse && (
        <MessageBar intent="warning" layout="multiline">
          <MessageBarBody>
            {errorMessage(remove.error)}
            {workflows && workflows.length > 0 && (
              <ul>
                {workflows.map((w) => (
                  <li key={w.id}>{w.name}</li>
                ))}
              </ul>
            )}
          </MessageBarBody>
        </MessageBar>
      )}
    </ConfirmDialog>
  );
}

import {
  Button,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  MessageBar,
  MessageBarBody,
  makeStyles,
  Spinner,
  tokens,
} from '@fluentui/react-components';
import type { Connector } from '@lexbridge/contracts';
import { useEffect } from 'react';
import { ErrorBlock } from '../../ui/states.tsx';
import { useTestConnection } from './api.ts';
import { DiagnosticSteps } from './DiagnosticSteps.tsx';

const useStyles = makeStyles({
  surface: { maxWidth: '40rem', width: 'calc(100vw - 2rem)' },
  content: { minHeight: '12rem', display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM },
});

/** Runs POST /api/connectors/{id}/test and shows each step with a tick or a cross, and the advice. */
export function TestConnectionDialog({
  open,
  connector,
  onClose,
}: {
  open: boolean;
  connector: Connector;
  onClose(): void;
}) {
  const styles = useStyles();
  const test = useTestConnection();
  const { mutate } = test;
  useEffect(() => {
    mutate(connector.id);
  }, [mutate, connector.id]);

  return (
    <Dialog open={open} onOpenChange={(_e, data) => !data.open && onClose()}>
      <DialogSurface className={styles.surface}>
        <DialogBody>
          <DialogTitle>Test connection: {connector.name}</DialogTitle>
          <DialogContent className={styles.content} aria-live="polite" aria-busy={test.isPending}>
            {test.isPending || test.isIdle ? (
              <Spinner label="Testing the connection from this server…" />
            ) : test.isError ? (
              <ErrorBlock
                title="The test could not run"
                error={test.error}
                onRetry={() => mutate(connector.id)}
              />
            ) : (
              <>
                <MessageBar intent={test.data.ok ? 'success' : 'error'} layout="multiline">
                  <MessageBarBody>
                    {test.data.ok
                      ? `This server reaches ${test.data.serverAddress}.`
                      : `This server cannot use ${test.data.serverAddress} yet. Follow the advice under the step with a cross.`}
                  </MessageBarBody>
                </MessageBar>
                <DiagnosticSteps steps={test.data.steps} />
              </>
            )}
          </DialogContent>
          <DialogActions>
            <Button appearance="secondary" disabled={test.isPending} onClick={() => mutate(connector.id)}>
              Test again
            </Button>
            <Button appearance="primary" onClick={onClose}>
              Close
            </Button>
          </DialogActions>
        </DialogBody>
      </DialogSurface>
    </Dialog>
  );
}

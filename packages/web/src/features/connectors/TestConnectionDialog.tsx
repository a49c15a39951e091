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
  makeStyles,
  Spinner,
  tokens,
} from '@fluentui/react-components';
import { CheckmarkCircleFilled, DismissCircleFilled, SubtractCircleRegular } from '@fluentui/react-icons';
import type { Connector, DiagnosticStep } from '@lexbridge/contracts';
import { useEffect } from 'react';
import { ErrorBlock } from '../../ui/states.tsx';
import { useTestConnection } from './api.ts';

const useStyles = makeStyles({
  surface: { maxWidth: '40rem', width: 'calc(100vw - 2rem)' },
  content: { minHeight: '12rem', display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM },
  steps: {
    listStyle: 'none',
    margin: 0,
    padding: 0,
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalM,
  },
  step: { display: 'grid', gridTemplateColumns: '1.5rem minmax(0, 1fr)', gap: tokens.spacingHorizontalS },
  icon: { fontSize: '1.25rem', marginTop: '1px' },
  stepName: { fontWeight: tokens.fontWeightSemibold },
  detail: { color: tokens.colorNeutralForeground2, overflowWrap: 'anywhere' },
  advice: { margin: `${tokens.spacingVerticalXS} 0 0`, paddingLeft: '1.25rem' },
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
                <ol className={styles.steps} aria-label="Diagnostic steps">
                  {test.data.steps.map((step) => (
                    <li key={step.name} className={styles.step}>
                      <StepIcon step={step} />
                      <div>
                        <Body1 className={styles.stepName} block>
                          {step.label}
                          <span className="visually-hidden">
                            {step.skipped ? ' (skipped)' : step.ok ? ' (passed)' : ' (failed)'}
                          </span>
                        </Body1>
                        <Body1 className={styles.detail} block>
                          {step.detail}
                        </Body1>
                        {step.advice.length > 0 && (
                          <ul className={styles.advice}>
                            {step.advice.map((a) => (
                              <li key={a}>{a}</li>
                            ))}
                          </ul>
                        )}
                      </div>
                    </li>
                  ))}
                </ol>
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

function StepIcon({ step }: { step: DiagnosticStep }) {
  const styles = useStyles();
  if (step.skipped) {
    return (
      <SubtractCircleRegular
        className={styles.icon}
        style={{ color: tokens.colorNeutralForeground3 }}
        aria-hidden
      />
    );
  }
  return step.ok ? (
    <CheckmarkCircleFilled
      className={styles.icon}
      style={{ color: tokens.colorPaletteGreenForeground1 }}
      aria-hidden
    />
  ) : (
    <DismissCircleFilled
      className={styles.icon}
      style={{ color: tokens.colorPaletteRedForeground1 }}
      aria-hidden
    />
  );
}

import {
  Body1,
  Button,
  MessageBar,
  MessageBarActions,
  MessageBarBody,
  MessageBarTitle,
  makeStyles,
  Spinner,
  Textarea,
  tokens,
} from '@fluentui/react-components';
import { DismissRegular } from '@fluentui/react-icons';
import type { AuthorisationResultCode, Connector } from '@lexbridge/contracts';
import { useEffect, useState } from 'react';
import { startAuthorisation, useTestConnection } from './api.ts';
import { fixedInSettings } from './before-sign-in.ts';
import { DiagnosticSteps } from './DiagnosticSteps.tsx';

const useStyles = makeStyles({
  diagnosis: {
    marginTop: tokens.spacingVerticalS,
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalS,
  },
  message: { width: '100%' },
});

/**
 * A failed authorisation on the Connectors page: what happened, the next step and the actions that
 * fit who is looking. Found before sign-in (`beforeSignIn`), it also shows the failed steps of the
 * connection test. Client credentials refused: Connector Admins get "Edit connector", everyone else
 * "Tell your Connector Admin" with the exact message to copy.
 */
export function AuthorisationFailure({
  connector,
  code,
  text,
  beforeSignIn,
  admin,
  onEdit,
  onDismiss,
}: {
  connector: Connector | undefined;
  code: AuthorisationResultCode;
  text: { message: string; nextStep: string };
  beforeSignIn: boolean;
  admin: boolean;
  onEdit(connector: Connector): void;
  onDismiss(): void;
}) {
  const styles = useStyles();
  const [telling, setTelling] = useState(false);
  const name = connector?.name ?? 'the connector';
  const credentials = fixedInSettings(code, beforeSignIn);
  const report = `The connector "${name}"${serverOf(connector)} in Lexbridge does not work: ${text.message} ${text.nextStep} (${window.location.origin}/connectors)`;
  return (
    <MessageBar intent="error" layout="multiline" politeness="assertive">
      <MessageBarBody>
        <MessageBarTitle>
          {beforeSignIn
            ? `Lexbridge did not send you to sign in to ${name}.`
            : `Authorising ${name} did not work.`}
        </MessageBarTitle>
        {text.message} {text.nextStep}
        {beforeSignIn && connector && <CheckDiagnosis connector={connector} />}
        {telling && (
          <div className={styles.diagnosis}>
            <Body1>Send this to your Connector Admin:</Body1>
            <Textarea
              className={styles.message}
              readOnly
              value={report}
              aria-label="Message for your Connector Admin"
              resize="vertical"
            />
            <div>
              <Button size="small" onClick={() => void navigator.clipboard?.writeText(report)}>
                Copy message
              </Button>
            </div>
          </div>
        )}
      </MessageBarBody>
      <MessageBarActions
        containerAction={
          <Button
            appearance="transparent"
            aria-label="Dismiss"
            icon={<DismissRegular />}
            onClick={onDismiss}
          />
        }
      >
        {connector && credentials && admin && (
          <Button onClick={() => onEdit(connector)}>Edit connector</Button>
        )}
        {connector && credentials && !admin && !telling && (
          <Button onClick={() => setTelling(true)}>Tell your Connector Admin</Button>
        )}
        {connector && !credentials && (
          <Button onClick={() => startAuthorisation(connector.id)}>Authorise again</Button>
        )}
        {connector && credentials && code === 'server_unreachable' && (
          <Button onClick={() => startAuthorisation(connector.id)}>Try again</Button>
        )}
      </MessageBarActions>
    </MessageBar>
  );
}

function serverOf(connector: Connector | undefined): string {
  const address = connector?.config.serverAddress;
  return typeof address === 'string' ? ` (${address})` : '';
}

/** The connection test's failed steps: the diagnosis Test gives, for the check that stopped sign-in. */
function CheckDiagnosis({ connector }: { connector: Connector }) {
  const styles = useStyles();
  const test = useTestConnection();
  const { mutate } = test;
  useEffect(() => {
    mutate(connector.id);
  }, [mutate, connector.id]);
  if (test.isPending || test.isIdle) return <Spinner size="tiny" label="Checking the connection…" />;
  if (test.isError) return null;
  const failed = test.data.steps.filter((s) => !s.ok);
  if (failed.length === 0) return null;
  return (
    <div className={styles.diagnosis} data-testid="sign-in-check">
      <DiagnosticSteps steps={failed} />
    </div>
  );
}

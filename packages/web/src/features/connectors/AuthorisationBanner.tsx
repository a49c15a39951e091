import {
  Button,
  MessageBar,
  MessageBarActions,
  MessageBarBody,
  MessageBarTitle,
} from '@fluentui/react-components';
import { DismissRegular } from '@fluentui/react-icons';
import type { Connector } from '@lexbridge/contracts';
import { authorisationResultCode, authorisationResultMessage } from '@lexbridge/contracts';
import { useEffect, useRef } from 'react';
import { useSearchParams } from 'react-router';
import { AuthorisationFailure } from './AuthorisationFailure.tsx';
import { useConnectors, useConnectorTypes } from './api.ts';
import { beforeSignInText } from './before-sign-in.ts';

/**
 * The outcome of an authorisation, after the system's sign-in page sent the browser back here as
 * /connectors?authorised=<id> or /connectors?error=<code>&connector=<id>: what happened, in plain
 * words, and the next step. It takes focus so screen readers announce it.
 */
export function AuthorisationBanner({
  admin,
  onEdit,
}: {
  admin: boolean;
  onEdit(connector: Connector): void;
}) {
  const [params, setParams] = useSearchParams();
  const connectors = useConnectors();
  const types = useConnectorTypes();
  const ref = useRef<HTMLDivElement>(null);
  const authorisedId = params.get('authorised');
  const errorCode = params.get('error');
  const connectorId = authorisedId ?? params.get('connector');
  const connector = connectors.data?.find((c) => c.id === connectorId);
  const name = connector?.name ?? 'the connector';
  const shown = Boolean(authorisedId || errorCode);

  useEffect(() => {
    if (shown) ref.current?.focus();
  }, [shown]);

  // An old success in the address is not repeated once the connection has stopped working since.
  const outdated =
    Boolean(authorisedId) &&
    connector?.connection.status !== undefined &&
    connector.connection.status !== 'authorised';
  if (!shown || outdated) return null;
  const dismiss = () => setParams({}, { replace: true });
  const dismissAction = (
    <MessageBarActions
      containerAction={
        <Button appearance="transparent" aria-label="Dismiss" icon={<DismissRegular />} onClick={dismiss} />
      }
    />
  );

  if (authorisedId) {
    const account = connector?.connection.account?.name ?? connector?.connection.account?.id;
    return (
      <div ref={ref} tabIndex={-1} style={{ outline: 'none' }}>
        <MessageBar intent="success" layout="multiline" politeness="polite">
          <MessageBarBody>
            <MessageBarTitle>You have authorised {name}.</MessageBarTitle>
            {account
              ? `Lexbridge now acts as your account ${account} there. `
              : 'Lexbridge can now act as your account there. '}
            Next: authorise the other system you want to connect, then create a workflow under Workflows.
          </MessageBarBody>
          {dismissAction}
        </MessageBar>
      </div>
    );
  }

  const type = types.data?.find((t) => t.type === connector?.type);
  const code = authorisationResultCode(errorCode ?? '');
  const beforeSignIn = params.get('checked') === 'before-sign-in';
  return (
    <div ref={ref} tabIndex={-1} style={{ outline: 'none' }}>
      <AuthorisationFailure
        connector={connector}
        code={code}
        text={
          (beforeSignIn && beforeSignInText(code, type, connector, admin)) ||
          authorisationResultMessage(code, type)
        }
        beforeSignIn={beforeSignIn}
        admin={admin}
        onEdit={onEdit}
        onDismiss={dismiss}
      />
    </div>
  );
}

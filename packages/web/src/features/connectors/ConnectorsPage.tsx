import {
  Button,
  MessageBar,
  MessageBarActions,
  MessageBarBody,
  makeStyles,
  tokens,
} from '@fluentui/react-components';
import { DismissRegular } from '@fluentui/react-icons';
import type { Connector, ConnectorType } from '@lexbridge/contracts';
import { useState } from 'react';
import { isConnectorAdmin, type Me } from '../../api/session.ts';
import { PageHeading } from '../../ui/PageHeading.tsx';
import { AuthorisationBanner } from './AuthorisationBanner.tsx';
import { AvailableConnectors } from './AvailableConnectors.tsx';
import { DisconnectDialog, RemoveConnectorDialog } from './ConfirmDialogs.tsx';
import { ConnectorFormDialog } from './ConnectorFormDialog.tsx';
import { ConnectorList } from './ConnectorList.tsx';
import { TestConnectionDialog } from './TestConnectionDialog.tsx';

const useStyles = makeStyles({
  columns: {
    display: 'grid',
    gridTemplateColumns: 'minmax(0, 1fr) 20rem',
    gap: tokens.spacingHorizontalXXL,
    alignItems: 'start',
    '@media (max-width: 1000px)': { gridTemplateColumns: 'minmax(0, 1fr)' },
  },
  banners: {
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalS,
    marginBottom: tokens.spacingVerticalL,
  },
});

/** What the page has open: one dialog at a time. */
export type ConnectorAction =
  | { kind: 'add'; type: ConnectorType }
  | { kind: 'edit'; connector: Connector }
  | { kind: 'test'; connector: Connector }
  | { kind: 'remove'; connector: Connector }
  | { kind: 'disconnect'; connector: Connector };

/**
 * The Connectors module: the firm's connectors with this person's own status, and, for Connector
 * Admins, the Available Connectors to add on the far right.
 */
export function ConnectorsPage({ me }: { me: Me }) {
  const styles = useStyles();
  const admin = isConnectorAdmin(me);
  // A dialog stays mounted while it closes: unmounting an open Fluent dialog would leave the rest of
  // the page hidden from screen readers (aria-hidden) and skip the return of focus.
  const [dialog, setDialog] = useState<{ action: ConnectorAction; open: boolean; seq: number } | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const setAction = (action: ConnectorAction) =>
    setDialog((d) => ({ action, open: true, seq: (d?.seq ?? 0) + 1 }));
  const close = () => setDialog((d) => d && { ...d, open: false });
  const action = dialog?.action;
  const open = dialog?.open ?? false;
  const key = dialog?.seq ?? 0;

  return (
    <>
      <PageHeading intro="Each connector links Lexbridge to one of your firm's document systems. Everyone authorises each connector with their own account before using it in a workflow.">
        Connectors
      </PageHeading>
      <div className={styles.banners}>
        <AuthorisationBanner admin={admin} onEdit={(connector) => setAction({ kind: 'edit', connector })} />
        {notice && (
          <MessageBar intent="success" layout="multiline">
            <MessageBarBody>{notice}</MessageBarBody>
            <MessageBarActions
              containerAction={
                <Button
                  appearance="transparent"
                  aria-label="Dismiss"
                  icon={<DismissRegular />}
                  onClick={() => setNotice(null)}
                />
              }
            />
          </MessageBar>
        )}
      </div>
      <div className={styles.columns}>
        <ConnectorList admin={admin} onAction={setAction} />
        <AvailableConnectors admin={admin} onAdd={(type) => setAction({ kind: 'add', type })} />
      </div>
      {(action?.kind === 'add' || action?.kind === 'edit') && (
        <ConnectorFormDialog
          key={key}
          open={open}
          action={action}
          onClose={close}
          onSaved={(message) => {
            close();
            setNotice(message);
          }}
        />
      )}
      {action?.kind === 'test' && (
        <TestConnectionDialog key={key} open={open} connector={action.connector} onClose={close} />
      )}
      {action?.kind === 'remove' && (
        <RemoveConnectorDialog
          key={key}
          open={open}
          connector={action.connector}
          onClose={close}
          onDone={(message) => {
            close();
            setNotice(message);
          }}
        />
      )}
      {action?.kind === 'disconnect' && (
        <DisconnectDialog
          key={key}
          open={open}
          connector={action.connector}
          onClose={close}
          onDone={(message) => {
            close();
            setNotice(message);
          }}
        />
      )}
    </>
  );
}

import {
  Badge,
  Body1,
  Button,
  Caption1,
  Menu,
  MenuItem,
  MenuList,
  MenuPopover,
  MenuTrigger,
  makeStyles,
  Subtitle2,
  tokens,
} from '@fluentui/react-components';
import {
  DeleteRegular,
  EditRegular,
  KeyRegular,
  MoreVerticalRegular,
  PlugDisconnectedRegular,
  StethoscopeRegular,
} from '@fluentui/react-icons';
import type { Connector, ConnectorType } from '@lexbridge/contracts';
import { ErrorBlock, LoadingRows } from '../../ui/states.tsx';
import { formatWhen } from '../workflows/api.ts';
import { startAuthorisation, statusLabels, useConnectors, useConnectorTypes } from './api.ts';
import type { ConnectorAction } from './ConnectorsPage.tsx';

const useStyles = makeStyles({
  list: {
    listStyle: 'none',
    margin: 0,
    padding: 0,
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalS,
  },
  row: {
    display: 'grid',
    gridTemplateColumns: 'minmax(0, 1fr) auto auto',
    gridTemplateAreas: '"name status menu"',
    alignItems: 'center',
    gap: tokens.spacingHorizontalL,
    padding: `${tokens.spacingVerticalM} ${tokens.spacingHorizontalL}`,
    backgroundColor: tokens.colorNeutralBackground1,
    border: `1px solid ${tokens.colorNeutralStroke2}`,
    borderRadius: tokens.borderRadiusLarge,
    minHeight: '4.5rem',
    '@media (max-width: 560px)': {
      gridTemplateColumns: 'minmax(0, 1fr) auto',
      gridTemplateAreas: '"name menu" "status status"',
      rowGap: tokens.spacingVerticalS,
    },
  },
  nameCell: { gridArea: 'name', minWidth: 0 },
  menuCell: { gridArea: 'menu' },
  name: { margin: 0, overflowWrap: 'anywhere' },
  meta: { color: tokens.colorNeutralForeground2, overflowWrap: 'anywhere' },
  status: {
    display: 'flex',
    flexDirection: 'column',
    alignItems: 'flex-end',
    gap: tokens.spacingVerticalXXS,
    maxWidth: '18rem',
  },
  reason: { color: tokens.colorNeutralForeground2, textAlign: 'right' },
  empty: {
    padding: tokens.spacingHorizontalXL,
    backgroundColor: tokens.colorNeutralBackground1,
    border: `1px dashed ${tokens.colorNeutralStroke1}`,
    borderRadius: tokens.borderRadiusLarge,
  },
  sectionTitle: { marginTop: 0 },
});

const badgeColors = {
  unauthorised: 'informative',
  authorised: 'success',
  expired: 'warning',
  error: 'danger',
} as const;

export function ConnectorList({
  admin,
  onAction,
}: {
  admin: boolean;
  onAction: (action: ConnectorAction) => void;
}) {
  const styles = useStyles();
  const connectors = useConnectors();
  const types = useConnectorTypes();
  const typeOf = (connector: Connector) => types.data?.find((t) => t.type === connector.type);

  return (
    <section aria-labelledby="your-connectors">
      <Subtitle2 as="h2" id="your-connectors" className={styles.sectionTitle} block>
        Your firm's connectors
      </Subtitle2>
      {connectors.isPending ? (
        <LoadingRows label="Loading connectors" rows={3} height={72} />
      ) : connectors.isError ? (
        <ErrorBlock
          title="The connectors could not be loaded"
          error={connectors.error}
          onRetry={() => void connectors.refetch()}
        />
      ) : connectors.data.length === 0 ? (
        <div className={styles.empty}>
          <Body1>
            {admin
              ? 'No connectors yet. Add one from Available Connectors: choose the + button beside the system you want to connect.'
              : 'No connectors yet. A Connector Admin adds them; once added, they appear here for you to authorise.'}
          </Body1>
        </div>
      ) : (
        <ul className={styles.list}>
          {connectors.data.map((connector) => (
            <ConnectorRow
              key={connector.id}
              connector={connector}
              type={typeOf(connector)}
              admin={admin}
              onAction={onAction}
            />
          ))}
        </ul>
      )}
    </section>
  );
}

function ConnectorRow({
  connector,
  type,
  admin,
  onAction,
}: {
  connector: Connector;
  type: ConnectorType | undefined;
  admin: boolean;
  onAction: (action: ConnectorAction) => void;
}) {
  const styles = useStyles();
  const { connection } = connector;
  const perUser = type?.perUserAuthorisation ?? true;
  const serverAddress =
    typeof connector.config.serverAddress === 'string' ? connector.config.serverAddress : undefined;
  const statusId = `status-${connector.id}`;
  const account = connection.account?.name ?? connection.account?.id;
  return (
    <li className={styles.row} aria-label={connector.name}>
      <div className={styles.nameCell}>
        <Subtitle2 as="h3" className={styles.name} block>
          {connector.name}
        </Subtitle2>
        <Caption1 className={styles.meta} block>
          {type?.label ?? connector.type}
          {serverAddress ? ` · ${serverAddress}` : ''}
        </Caption1>
      </div>
      <div className={styles.status} id={statusId}>
        {perUser ? (
          <>
            <Badge
              appearance="tint"
              color={badgeColors[connection.status]}
              size="large"
              data-testid="connection-status"
            >
              {statusLabels[connection.status]}
            </Badge>
            {connection.status === 'authorised' && account && (
              <Caption1 className={styles.reason}>
                as {account}
                {connection.account?.facts.map((f) => ` · ${f.label} ${f.value}`).join('')}
              </Caption1>
            )}
            {(connection.status === 'expired' || connection.status === 'error') && connection.reason && (
              <Caption1 className={styles.reason} data-testid="connection-reason">
                {connection.reason}
                {connection.since ? ` (since ${formatWhen(connection.since)})` : ''}
              </Caption1>
            )}
          </>
        ) : (
          <Badge appearance="tint" color="success" size="large" data-testid="connection-status">
            Ready
          </Badge>
        )}
      </div>
      <div className={styles.menuCell}>
        <Menu positioning="below-end">
          <MenuTrigger disableButtonEnhancement>
            <Button
              appearance="subtle"
              icon={<MoreVerticalRegular />}
              aria-label={`Actions for ${connector.name}`}
            />
          </MenuTrigger>
          <MenuPopover>
            <MenuList>
              {perUser && (
                <MenuItem icon={<KeyRegular />} onClick={() => startAuthorisation(connector.id)}>
                  {connection.status === 'unauthorised' ? 'Authorise' : 'Re-authorise'}
                </MenuItem>
              )}
              <MenuItem icon={<StethoscopeRegular />} onClick={() => onAction({ kind: 'test', connector })}>
                Test connection
              </MenuItem>
              {perUser && (
                <MenuItem
                  icon={<PlugDisconnectedRegular />}
                  disabled={connection.status === 'unauthorised'}
                  onClick={() => onAction({ kind: 'disconnect', connector })}
                >
                  Disconnect
                </MenuItem>
              )}
              {admin && (
                <MenuItem icon={<EditRegular />} onClick={() => onAction({ kind: 'edit', connector })}>
                  Edit
                </MenuItem>
              )}
              {admin && (
                <MenuItem icon={<DeleteRegular />} onClick={() => onAction({ kind: 'remove', connector })}>
                  Remove
                </MenuItem>
              )}
            </MenuList>
          </MenuPopover>
        </Menu>
      </div>
    </li>
  );
}

import {
  Body1,
  Button,
  Caption1,
  Link as FluentLink,
  makeStyles,
  Subtitle2,
  Tooltip,
  tokens,
} from '@fluentui/react-components';
import { AddRegular } from '@fluentui/react-icons';
import type { ConnectorType } from '@lexbridge/contracts';
import { Link } from 'react-router';
import { ErrorBlock, LoadingRows } from '../../ui/states.tsx';
import { useConnectorTypes } from './api.ts';

const useStyles = makeStyles({
  aside: {
    backgroundColor: tokens.colorNeutralBackground1,
    border: `1px solid ${tokens.colorNeutralStroke2}`,
    borderRadius: tokens.borderRadiusLarge,
    padding: tokens.spacingHorizontalL,
  },
  title: { marginTop: 0 },
  list: {
    listStyle: 'none',
    margin: 0,
    padding: 0,
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalM,
  },
  item: {
    display: 'grid',
    gridTemplateColumns: 'minmax(0, 1fr) auto',
    gap: tokens.spacingHorizontalS,
    alignItems: 'start',
    paddingBottom: tokens.spacingVerticalM,
    borderBottom: `1px solid ${tokens.colorNeutralStroke3}`,
    ':last-child': { borderBottom: 'none', paddingBottom: 0 },
  },
  description: { color: tokens.colorNeutralForeground2, overflowWrap: 'break-word' },
  unavailable: { color: tokens.colorNeutralForeground2, marginTop: tokens.spacingVerticalXS },
});

/**
 * "Available Connectors", on the far right of the Connectors page: every type with a ➕ for Connector
 * Admins; everyone else sees which role adds connectors.
 */
export function AvailableConnectors({
  admin,
  onAdd,
}: {
  admin: boolean;
  onAdd: (type: ConnectorType) => void;
}) {
  const styles = useStyles();
  const types = useConnectorTypes();
  return (
    <aside className={styles.aside} aria-labelledby="available-connectors">
      <Subtitle2 as="h2" id="available-connectors" className={styles.title} block>
        {admin ? 'Available Connectors' : 'Adding connectors'}
      </Subtitle2>
      {!admin ? (
        <Body1 as="p">
          Only people with the <strong>Connector Admin</strong> role add connectors. If you need a system that
          is not in the list, ask your administrator, who can give that role in your firm's identity provider.
        </Body1>
      ) : types.isPending ? (
        <LoadingRows label="Loading connector types" rows={3} height={64} />
      ) : types.isError ? (
        <ErrorBlock
          title="The connector types could not be loaded"
          error={types.error}
          onRetry={() => void types.refetch()}
        />
      ) : (
        <ul className={styles.list}>
          {types.data.map((type) => (
            <li key={type.type} className={styles.item}>
              <div>
                <Body1 as="h3" style={{ margin: 0, fontWeight: 600 }}>
                  {type.label}
                </Body1>
                <Caption1 className={styles.description} block>
                  {type.description}
                </Caption1>
                {!type.available && (
                  <Caption1 className={styles.unavailable} block>
                    Not set up on this server:{' '}
                    <FluentLink as="span" inline>
                      <Link to="/admin#server-setup">see Admin</Link>
                    </FluentLink>
                    .
                  </Caption1>
                )}
              </div>
              <Tooltip content={`Add ${type.label} connector`} relationship="label">
                <Button
                  appearance="primary"
                  shape="circular"
                  icon={<AddRegular />}
                  disabledFocusable={!type.available}
                  onClick={() => onAdd(type)}
                />
              </Tooltip>
            </li>
          ))}
        </ul>
      )}
    </aside>
  );
}

import {
  Link as FluentLink,
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  makeStyles,
  tokens,
} from '@fluentui/react-components';
import type { Connector } from '@lexbridge/contracts';
import { Link } from 'react-router';
import { useConnectors } from '../features/connectors/api.ts';

const useStyles = makeStyles({ banner: { marginBottom: tokens.spacingVerticalL } });

/**
 * A local folder stored before May read / May write existed names neither, and so is open to everyone
 * with a Lexbridge role (docs/security.md).
 */
export function openLocalFolders(connectors: Connector[]): Connector[] {
  return connectors.filter(
    (c) => c.type === 'local-folder' && !isSet(c.config.mayRead) && !isSet(c.config.mayWrite),
  );
}

const isSet = (value: unknown) =>
  Array.isArray(value) ? value.length > 0 : typeof value === 'string' && value.trim() !== '';

/** For Connector Admins, on every page until each such folder names who may read and write it. */
export function OpenLocalFoldersBanner() {
  const styles = useStyles();
  const connectors = useConnectors();
  const open = connectors.data ? openLocalFolders(connectors.data) : [];
  if (open.length === 0) return null;
  const names = open.map((c) => `“${c.name}”`).join(', ');
  return (
    <MessageBar
      intent="warning"
      layout="multiline"
      className={styles.banner}
      data-testid="open-local-folders"
    >
      <MessageBarBody>
        <MessageBarTitle>
          {open.length === 1
            ? 'A local folder is open to everyone'
            : `${open.length} local folders are open to everyone`}
        </MessageBarTitle>
        Everyone with a Lexbridge role may read and write {names}:{' '}
        {open.length === 1 ? 'it was' : 'they were'} added before May read and May write existed. On the{' '}
        <FluentLink as="span" inline>
          <Link to="/connectors">Connectors page</Link>
        </FluentLink>
        , choose Edit on {open.length === 1 ? 'it' : 'each'} and set May read and May write (for example
        ConnectorAdmin, User, or people's email addresses).
      </MessageBarBody>
    </MessageBar>
  );
}

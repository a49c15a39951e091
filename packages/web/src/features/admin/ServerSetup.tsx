import { Body1, makeStyles, tokens } from '@fluentui/react-components';
import { useEffect, useRef } from 'react';
import { useLocation } from 'react-router';
import { useConnectorTypes } from '../connectors/api.ts';
import { AdminSection } from './AdminSection.tsx';

const useStyles = makeStyles({
  list: {
    margin: `${tokens.spacingVerticalS} 0 0`,
    paddingLeft: '1.25rem',
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalS,
  },
  // Words wrap between words; only a setting name longer than the line breaks, and then anywhere.
  reason: { overflowWrap: 'break-word' },
  setting: { fontFamily: tokens.fontFamilyMonospace, fontSize: tokens.fontSizeBase200 },
});

/** Setting names (LEXBRIDGE_…) in a reason, shown as code so people copy them exactly. */
function withSettings(text: string, className: string) {
  let offset = 0;
  return text.split(/(LEXBRIDGE_[A-Z0-9_]+)/).map((part) => {
    const at = offset;
    offset += part.length;
    return /^LEXBRIDGE_/.test(part) ? (
      <code key={at} className={className}>
        {part}
      </code>
    ) : (
      part
    );
  });
}

/**
 * The connector types the operator has not set up on this server (such as iManage Cloud without its
 * application's client id and secret), each with what to set. Shown here once rather than on every
 * Connectors page; Available Connectors links here.
 */
export function ServerSetup() {
  const styles = useStyles();
  const types = useConnectorTypes();
  const missing = types.data?.filter((t) => !t.available) ?? [];
  const ref = useRef<HTMLElement>(null);
  const { hash } = useLocation();
  const shown = missing.length > 0;
  // Reached from Available Connectors' "see Admin" link: bring the section into view once it is there.
  useEffect(() => {
    if (shown && hash === '#server-setup') ref.current?.scrollIntoView({ block: 'start' });
  }, [shown, hash]);
  if (!shown) return null;
  return (
    <AdminSection ref={ref} id="server-setup" titleId="server-setup-title" title="Not set up on this server">
      <Body1 as="p">
        These connector types need settings only the operator of this Lexbridge server can give. Until then,
        Connector Admins cannot add them.
      </Body1>
      <ul className={styles.list}>
        {missing.map((type) => (
          <li key={type.type} className={styles.reason}>
            <strong>{type.label}</strong>
            {type.unavailableReason ? ': ' : ''}
            {type.unavailableReason && withSettings(type.unavailableReason, styles.setting)}
          </li>
        ))}
      </ul>
    </AdminSection>
  );
}

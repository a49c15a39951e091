import { makeStyles, mergeClasses, Text, tokens } from '@fluentui/react-components';
import {
  AlertRegular,
  ArrowSyncRegular,
  CloudArrowUpRegular,
  HistoryRegular,
  PlugConnectedRegular,
  SettingsRegular,
} from '@fluentui/react-icons';
import type { ReactElement } from 'react';
import { NavLink } from 'react-router';
import { isConnectorAdmin, type Me, mayAdminister, mayUseWorkflows, roleLabels } from '../api/session.ts';
import { onlyPublishes } from '../features/publish/api.ts';
import { OpenLocalFoldersBanner } from './OpenLocalFolders.tsx';
import { AppRoutes } from './routes.tsx';
import { SignOutButton } from './SignOutButton.tsx';

const narrow = '@media (max-width: 720px)';

const useStyles = makeStyles({
  layout: {
    display: 'grid',
    gridTemplateColumns: '14rem minmax(0, 1fr)',
    gridTemplateRows: 'auto 1fr',
    gridTemplateAreas: '"header header" "nav main"',
    minHeight: '100vh',
    [narrow]: {
      gridTemplateColumns: 'minmax(0, 1fr)',
      gridTemplateAreas: '"header" "nav" "main"',
      gridTemplateRows: 'auto auto 1fr',
    },
  },
  skip: {
    position: 'absolute',
    left: '-999px',
    top: tokens.spacingVerticalS,
    zIndex: 10,
    padding: tokens.spacingHorizontalM,
    backgroundColor: tokens.colorNeutralBackground1,
    ':focus': { left: tokens.spacingHorizontalS },
  },
  header: {
    gridArea: 'header',
    display: 'flex',
    alignItems: 'center',
    gap: tokens.spacingHorizontalM,
    flexWrap: 'wrap',
    padding: `${tokens.spacingVerticalS} ${tokens.spacingHorizontalL}`,
    backgroundColor: tokens.colorNeutralBackground1,
    borderBottom: `1px solid ${tokens.colorNeutralStroke2}`,
    minHeight: '3rem',
  },
  brand: {
    fontWeight: tokens.fontWeightSemibold,
    fontSize: tokens.fontSizeBase500,
    marginRight: 'auto',
    color: tokens.colorBrandForeground1,
  },
  who: { color: tokens.colorNeutralForeground2, textAlign: 'right' },
  nav: {
    gridArea: 'nav',
    backgroundColor: tokens.colorNeutralBackground1,
    borderRight: `1px solid ${tokens.colorNeutralStroke2}`,
    padding: `${tokens.spacingVerticalM} ${tokens.spacingHorizontalS}`,
    [narrow]: {
      borderRight: 'none',
      borderBottom: `1px solid ${tokens.colorNeutralStroke2}`,
      padding: tokens.spacingHorizontalXS,
      overflowX: 'auto',
    },
  },
  navList: {
    listStyle: 'none',
    margin: 0,
    padding: 0,
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalXS,
    [narrow]: { flexDirection: 'row', flexWrap: 'wrap' },
  },
  link: {
    display: 'flex',
    alignItems: 'center',
    gap: tokens.spacingHorizontalS,
    padding: `${tokens.spacingVerticalS} ${tokens.spacingHorizontalM}`,
    borderRadius: tokens.borderRadiusMedium,
    color: tokens.colorNeutralForeground1,
    textDecoration: 'none',
    fontSize: tokens.fontSizeBase300,
    whiteSpace: 'nowrap',
    ':hover': { backgroundColor: tokens.colorNeutralBackground1Hover },
    ':focus-visible': { outline: `2px solid ${tokens.colorStrokeFocus2}`, outlineOffset: '1px' },
  },
  active: {
    backgroundColor: tokens.colorBrandBackground2,
    color: tokens.colorBrandForeground2,
    fontWeight: tokens.fontWeightSemibold,
    ':hover': { backgroundColor: tokens.colorBrandBackground2Hover },
  },
  main: {
    gridArea: 'main',
    padding: `${tokens.spacingVerticalXL} ${tokens.spacingHorizontalXXL}`,
    minWidth: 0,
    [narrow]: { padding: tokens.spacingHorizontalM },
  },
});

interface NavEntry {
  to: string;
  label: string;
  icon: ReactElement;
  visible(me: Me): boolean;
}

const navEntries: NavEntry[] = [
  {
    to: '/connectors',
    label: 'Connectors',
    icon: <PlugConnectedRegular />,
    visible: (me) => !onlyPublishes(me),
  },
  { to: '/workflows', label: 'Workflows', icon: <ArrowSyncRegular />, visible: mayUseWorkflows },
  { to: '/publish', label: 'Publish', icon: <CloudArrowUpRegular />, visible: () => true },
  { to: '/activity', label: 'Activity', icon: <HistoryRegular />, visible: (me) => !onlyPublishes(me) },
  { to: '/settings/notifications', label: 'Notifications', icon: <AlertRegular />, visible: () => true },
  { to: '/admin', label: 'Admin', icon: <SettingsRegular />, visible: mayAdminister },
];

/** The signed-in frame: top bar with the person and Sign out, left navigation, and the page. */
export function Shell({ me }: { me: Me }) {
  const styles = useStyles();
  const who = me.user.name ?? me.user.email ?? 'Signed in';
  return (
    <div className={styles.layout}>
      <a href="#main" className={styles.skip}>
        Skip to main content
      </a>
      <header className={styles.header}>
        <span className={styles.brand}>Lexbridge</span>
        <Text className={styles.who}>
          {who} · {me.user.roles.map((r) => roleLabels[r] ?? r).join(', ')}
        </Text>
        <SignOutButton appearance="subtle" />
      </header>
      <nav className={styles.nav} aria-label="Main">
        <ul className={styles.navList}>
          {navEntries
            .filter((entry) => entry.visible(me))
            .map((entry) => (
              <li key={entry.to}>
                <NavLink
                  to={entry.to}
                  className={({ isActive }) => mergeClasses(styles.link, isActive && styles.active)}
                >
                  {entry.icon}
                  {entry.label}
                </NavLink>
              </li>
            ))}
        </ul>
      </nav>
      <main id="main" className={styles.main}>
        {isConnectorAdmin(me) && <OpenLocalFoldersBanner />}
        <AppRoutes me={me} />
      </main>
    </div>
  );
}

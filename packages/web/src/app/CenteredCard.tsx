import { Card, makeStyles, tokens } from '@fluentui/react-components';
import type { ReactNode } from 'react';

const useStyles = makeStyles({
  page: { display: 'grid', placeItems: 'center', minHeight: '100vh', padding: tokens.spacingHorizontalL },
  card: { width: '100%', maxWidth: '30rem', padding: tokens.spacingHorizontalXXL },
  brand: {
    margin: 0,
    fontSize: tokens.fontSizeBase500,
    fontWeight: tokens.fontWeightSemibold,
    color: tokens.colorBrandForeground1,
  },
});

/** The frame of the pages shown before the app: sign-in and no access. */
export function CenteredCard({ children }: { children: ReactNode }) {
  const styles = useStyles();
  return (
    <main className={styles.page}>
      <Card className={styles.card}>
        <p className={styles.brand}>Lexbridge</p>
        {children}
      </Card>
    </main>
  );
}

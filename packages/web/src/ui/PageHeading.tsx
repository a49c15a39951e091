import { makeStyles, tokens, typographyStyles } from '@fluentui/react-components';
import { type ReactNode, useEffect, useRef } from 'react';

const useStyles = makeStyles({
  heading: { ...typographyStyles.title2, margin: 0, outline: 'none' },
  intro: {
    margin: `${tokens.spacingVerticalS} 0 0`,
    color: tokens.colorNeutralForeground2,
    maxWidth: '70ch',
  },
  wrap: { marginBottom: tokens.spacingVerticalL },
});

/**
 * The page's h1. It takes focus when the page opens, so keyboard and screen-reader users start at the
 * top of the new page after choosing an item in the navigation.
 */
export function PageHeading({ children, intro }: { children: ReactNode; intro?: ReactNode }) {
  const styles = useStyles();
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    ref.current?.focus({ preventScroll: true });
  }, []);
  return (
    <div className={styles.wrap}>
      <h1 ref={ref} tabIndex={-1} className={styles.heading}>
        {children}
      </h1>
      {intro && <p className={styles.intro}>{intro}</p>}
    </div>
  );
}

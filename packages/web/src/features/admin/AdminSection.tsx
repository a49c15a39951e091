import { makeStyles, Subtitle1, tokens } from '@fluentui/react-components';
import type { ReactNode, Ref } from 'react';

const useStyles = makeStyles({
  section: {
    backgroundColor: tokens.colorNeutralBackground1,
    border: `1px solid ${tokens.colorNeutralStroke2}`,
    borderRadius: tokens.borderRadiusLarge,
    padding: tokens.spacingHorizontalXL,
    marginBottom: tokens.spacingVerticalXL,
  },
  title: { marginTop: 0 },
});

/** One section of the Admin page: a card headed by its title, which names it for assistive technology. */
export function AdminSection({
  titleId,
  title,
  id,
  ref,
  children,
}: {
  /** The heading's id, which labels the section. */
  titleId: string;
  title: ReactNode;
  /** The section's own id, for links into the page (`/admin#…`). */
  id?: string;
  ref?: Ref<HTMLElement>;
  children: ReactNode;
}) {
  const styles = useStyles();
  return (
    <section ref={ref} id={id} className={styles.section} aria-labelledby={titleId}>
      <Subtitle1 as="h2" id={titleId} className={styles.title} block>
        {title}
      </Subtitle1>
      {children}
    </section>
  );
}

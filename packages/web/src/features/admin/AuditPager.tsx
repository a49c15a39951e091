import { Button, Caption1, Field, makeStyles, Select, tokens } from '@fluentui/react-components';
import { ChevronLeftRegular, ChevronRightRegular } from '@fluentui/react-icons';

export const pageSizes = [25, 50, 100] as const;

const useStyles = makeStyles({
  pager: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'center',
    gap: tokens.spacingHorizontalM,
    marginTop: tokens.spacingVerticalM,
  },
  where: { marginRight: 'auto' },
  size: { display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalS },
});

const number = new Intl.NumberFormat('en-GB');

/**
 * Paging of the audit log: "Events 51–100 of 1,234 · Page 2 of 25", Previous and Next (the server's
 * cursor, newest first), and how many events a page shows.
 */
export function AuditPager({
  page,
  pageSize,
  shown,
  total,
  hasNext,
  busy,
  onPrevious,
  onNext,
  onPageSize,
}: {
  /** 0 for the newest page. */
  page: number;
  pageSize: number;
  shown: number;
  total: number;
  hasNext: boolean;
  busy: boolean;
  onPrevious(): void;
  onNext(): void;
  onPageSize(size: number): void;
}) {
  const styles = useStyles();
  const first = page * pageSize + 1;
  const pages = Math.max(1, Math.ceil(total / pageSize));
  return (
    <nav className={styles.pager} aria-label="Audit log pages">
      <Caption1 className={styles.where} aria-live="polite" data-testid="audit-range">
        {total === 0
          ? 'No events'
          : `Events ${number.format(first)}–${number.format(first + shown - 1)} of ${number.format(total)} · Page ${page + 1} of ${pages}`}
      </Caption1>
      <Field label="Per page" orientation="horizontal" size="small" className={styles.size}>
        <Select size="small" value={String(pageSize)} onChange={(_e, data) => onPageSize(Number(data.value))}>
          {pageSizes.map((size) => (
            <option key={size} value={size}>
              {size}
            </option>
          ))}
        </Select>
      </Field>
      <Button size="small" icon={<ChevronLeftRegular />} disabled={page === 0 || busy} onClick={onPrevious}>
        Newer
      </Button>
      <Button
        size="small"
        icon={<ChevronRightRegular />}
        iconPosition="after"
        disabled={!hasNext || busy}
        onClick={onNext}
      >
        Older
      </Button>
    </nav>
  );
}

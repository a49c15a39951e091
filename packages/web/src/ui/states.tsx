import {
  Button,
  MessageBar,
  MessageBarActions,
  MessageBarBody,
  MessageBarTitle,
  makeStyles,
  Skeleton,
  SkeletonItem,
  Spinner,
  tokens,
} from '@fluentui/react-components';
import { errorMessage } from '../api/client.ts';

const useStyles = makeStyles({
  fullPage: { display: 'grid', placeItems: 'center', minHeight: '100vh' },
  block: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM },
});

/** Shown while the first request of the page runs; fills the screen so nothing jumps afterwards. */
export function FullPageLoading({ label }: { label: string }) {
  const styles = useStyles();
  return (
    <main className={styles.fullPage}>
      <Spinner label={label} />
    </main>
  );
}

/**
 * Placeholder rows of the height the content will take, so the page does not jump when it arrives.
 * `label` is read by screen readers.
 */
export function LoadingRows({
  rows = 3,
  height = 56,
  label,
}: {
  rows?: number;
  height?: number;
  label: string;
}) {
  const styles = useStyles();
  return (
    <Skeleton aria-label={label} aria-busy="true" className={styles.block}>
      {Array.from({ length: rows }, (_, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: placeholder rows have no identity
        <SkeletonItem key={i} style={{ height }} />
      ))}
    </Skeleton>
  );
}

/** A failed request: the server's message (already written for people) and a way to try again. */
export function ErrorBlock({
  title,
  error,
  onRetry,
}: {
  title: string;
  error: unknown;
  onRetry?: () => void;
}) {
  return (
    <MessageBar intent="error" layout="multiline">
      <MessageBarBody>
        <MessageBarTitle>{title}</MessageBarTitle>
        {errorMessage(error)}
      </MessageBarBody>
      {onRetry && (
        <MessageBarActions>
          <Button onClick={onRetry}>Try again</Button>
        </MessageBarActions>
      )}
    </MessageBar>
  );
}

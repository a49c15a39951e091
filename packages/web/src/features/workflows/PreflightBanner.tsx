import {
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  makeStyles,
  Spinner,
  tokens,
} from '@fluentui/react-components';
import type { PreflightResult } from '@lexbridge/contracts';
import { errorMessage } from '../../api/client.ts';
import { preflightCheckLabels, workflowTypeLabels } from './labels.ts';

const useStyles = makeStyles({
  wrap: { minHeight: '3.5rem' },
  list: { margin: `${tokens.spacingVerticalXS} 0 0`, paddingLeft: tokens.spacingHorizontalXL },
  checking: { padding: tokens.spacingVerticalM },
});

/**
 * The pre-flight checks for the chosen source and target: which workflow types they block and why, in
 * the server's words (what is wrong and what to do). A placeholder of the same height is shown while
 * the checks run, so the page does not jump.
 */
export function PreflightBanner({
  result,
  checking,
  error,
}: {
  result: PreflightResult | undefined;
  checking: boolean;
  error: unknown;
}) {
  const styles = useStyles();
  if (error) {
    return (
      <div className={styles.wrap} role="status">
        <MessageBar intent="error" layout="multiline">
          <MessageBarBody>
            <MessageBarTitle>The pre-flight checks could not run</MessageBarTitle>
            {errorMessage(error)}
          </MessageBarBody>
        </MessageBar>
      </div>
    );
  }
  if (!result) {
    return (
      <div className={styles.wrap} role="status">
        {checking && (
          <Spinner
            className={styles.checking}
            size="tiny"
            label="Running the pre-flight checks…"
            labelPosition="after"
          />
        )}
      </div>
    );
  }
  const failed = result.checks.filter((check) => !check.ok);
  const names = result.checks.map((check) => preflightCheckLabels[check.check]).join(', ');
  return (
    <div className={styles.wrap} role="status" aria-busy={checking}>
      {failed.length === 0 ? (
        <MessageBar intent="success" layout="multiline">
          <MessageBarBody>
            <MessageBarTitle>Pre-flight checks passed</MessageBarTitle>
            {names}: every workflow type is available for these folders.
            {checking && ' Checking again…'}
          </MessageBarBody>
        </MessageBar>
      ) : (
        <MessageBar
          intent={result.allowedTypes.length === 0 ? 'error' : 'warning'}
          layout="multiline"
          data-testid="preflight-banner"
        >
          <MessageBarBody>
            <MessageBarTitle>
              {result.allowedTypes.length === 0
                ? 'No workflow type is available for these folders'
                : `Blocked: ${result.blockedTypes.map((b) => workflowTypeLabels[b.type]).join(', ')}`}
            </MessageBarTitle>
            <ul className={styles.list}>
              {failed.map((check) => (
                <li key={check.check}>
                  <strong>{preflightCheckLabels[check.check]}</strong>
                  {check.blocks.length > 0 &&
                    ` (blocks ${check.blocks.map((t) => workflowTypeLabels[t]).join(', ')})`}
                  : {check.message}
                  {check.conflicts && check.conflicts.length > 0 && (
                    <>
                      {' '}
                      In the way:{' '}
                      {check.conflicts.map((c) => `${c.name} (${workflowTypeLabels[c.type]})`).join(', ')}.
                    </>
                  )}
                </li>
              ))}
            </ul>
            {checking && 'Checking again…'}
          </MessageBarBody>
        </MessageBar>
      )}
    </div>
  );
}

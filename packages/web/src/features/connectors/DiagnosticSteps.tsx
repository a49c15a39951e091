import { Body1, makeStyles, tokens } from '@fluentui/react-components';
import { CheckmarkCircleFilled, DismissCircleFilled, SubtractCircleRegular } from '@fluentui/react-icons';
import type { DiagnosticStep } from '@lexbridge/contracts';

const useStyles = makeStyles({
  steps: {
    listStyle: 'none',
    margin: 0,
    padding: 0,
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalM,
  },
  step: { display: 'grid', gridTemplateColumns: '1.5rem minmax(0, 1fr)', gap: tokens.spacingHorizontalS },
  icon: { fontSize: '1.25rem', marginTop: '1px' },
  stepName: { fontWeight: tokens.fontWeightSemibold },
  detail: { color: tokens.colorNeutralForeground2, overflowWrap: 'anywhere' },
  advice: { margin: `${tokens.spacingVerticalXS} 0 0`, paddingLeft: '1.25rem' },
});

/** A connection test's steps, each with a tick, a cross or a dash, its detail and what to do. */
export function DiagnosticSteps({ steps }: { steps: DiagnosticStep[] }) {
  const styles = useStyles();
  return (
    <ol className={styles.steps} aria-label="Diagnostic steps">
      {steps.map((step) => (
        <li key={step.name} className={styles.step}>
          <StepIcon step={step} />
          <div>
            <Body1 className={styles.stepName} block>
              {step.label}
              <span className="visually-hidden">
                {step.skipped ? ' (skipped)' : step.ok ? ' (passed)' : ' (failed)'}
              </span>
            </Body1>
            <Body1 className={styles.detail} block>
              {step.detail}
            </Body1>
            {step.advice.length > 0 && (
              <ul className={styles.advice}>
                {step.advice.map((a) => (
                  <li key={a}>{a}</li>
                ))}
              </ul>
            )}
          </div>
        </li>
      ))}
    </ol>
  );
}

function StepIcon({ step }: { step: DiagnosticStep }) {
  const styles = useStyles();
  if (step.skipped) {
    return (
      <SubtractCircleRegular
        className={styles.icon}
        style={{ color: tokens.colorNeutralForeground3 }}
        aria-hidden
      />
    );
  }
  return step.ok ? (
    <CheckmarkCircleFilled
      className={styles.icon}
      style={{ color: tokens.colorPaletteGreenForeground1 }}
      aria-hidden
    />
  ) : (
    <DismissCircleFilled
      className={styles.icon}
      style={{ color: tokens.colorPaletteRedForeground1 }}
      aria-hidden
    />
  );
}

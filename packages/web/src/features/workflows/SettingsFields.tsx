import { Checkbox, Field, makeStyles, SpinButton, tokens } from '@fluentui/react-components';
import {
  isOngoing,
  type WorkflowOptions,
  type WorkflowTriggers,
  type WorkflowType,
  workflowOptionsSchema,
  workflowTriggerNames,
  workflowTriggersSchema,
} from '@lexbridge/contracts';
import { booleanOptions, optionLabels, triggerLabels } from './labels.ts';

const useStyles = makeStyles({
  group: {
    border: `1px solid ${tokens.colorNeutralStroke2}`,
    borderRadius: tokens.borderRadiusMedium,
    padding: `${tokens.spacingVerticalS} ${tokens.spacingHorizontalM} ${tokens.spacingVerticalM}`,
    margin: `0 0 ${tokens.spacingVerticalM}`,
    minWidth: 0,
  },
  legend: { fontWeight: tokens.fontWeightSemibold, padding: `0 ${tokens.spacingHorizontalXS}` },
  hint: {
    color: tokens.colorNeutralForeground2,
    fontSize: tokens.fontSizeBase200,
    margin: `0 0 ${tokens.spacingVerticalS}`,
  },
  options: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXS },
  optionHint: {
    display: 'block',
    color: tokens.colorNeutralForeground2,
    fontSize: tokens.fontSizeBase200,
  },
  triggers: {
    display: 'grid',
    gridTemplateColumns: 'repeat(auto-fill, minmax(11rem, 1fr))',
    gap: tokens.spacingVerticalXXS,
  },
  interval: { maxWidth: '16rem' },
});

export interface WorkflowSettings {
  options: WorkflowOptions;
  triggers: WorkflowTriggers;
  intervalMinutes: number;
}

/** The server's defaults: every trigger on, Latest Version Only and Sync Existing Files And Folders on. */
export function defaultSettings(): WorkflowSettings {
  return {
    options: workflowOptionsSchema.parse({}),
    triggers: workflowTriggersSchema.parse({}),
    intervalMinutes: 5,
  };
}

/** Options for every type; triggers and the polling interval only for a sync. */
export function SettingsFields({
  type,
  value,
  onChange,
}: {
  type: WorkflowType;
  value: WorkflowSettings;
  onChange(next: WorkflowSettings): void;
}) {
  const styles = useStyles();
  const sync = isOngoing(type);
  return (
    <>
      <fieldset className={styles.group}>
        <legend className={styles.legend}>Options</legend>
        <div className={styles.options}>
          {booleanOptions.map((name) => (
            <Checkbox
              key={name}
              checked={value.options[name]}
              onChange={(_e, data) =>
                onChange({ ...value, options: { ...value.options, [name]: data.checked === true } })
              }
              label={
                <>
                  {optionLabels[name].label}
                  <span className={styles.optionHint}>{optionLabels[name].hint}</span>
                </>
              }
            />
          ))}
        </div>
      </fieldset>
      {sync && (
        <fieldset className={styles.group}>
          <legend className={styles.legend}>Triggers</legend>
          <p className={styles.hint}>
            The changes in the source that the sync carries over to the target. All are on unless you turn
            them off.
          </p>
          <div className={styles.triggers}>
            {workflowTriggerNames.map((name) => (
              <Checkbox
                key={name}
                checked={value.triggers[name]}
                label={triggerLabels[name]}
                onChange={(_e, data) =>
                  onChange({ ...value, triggers: { ...value.triggers, [name]: data.checked === true } })
                }
              />
            ))}
          </div>
        </fieldset>
      )}
      {sync && (
        <Field
          className={styles.interval}
          label="Check for changes every (minutes)"
          hint="Between 1 minute and 7 days (10,080 minutes). A full check for deletes, moves and renames also runs regularly."
        >
          <SpinButton
            min={1}
            max={10_080}
            value={value.intervalMinutes}
            onChange={(_e, data) => {
              const next = data.value ?? Number.parseInt(data.displayValue ?? '', 10);
              if (Number.isFinite(next))
                onChange({ ...value, intervalMinutes: Math.min(10_080, Math.max(1, Math.round(next!))) });
            }}
          />
        </Field>
      )}
    </>
  );
}

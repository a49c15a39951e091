import {
  Checkbox,
  Field,
  makeStyles,
  Radio,
  RadioGroup,
  SpinButton,
  tokens,
} from '@fluentui/react-components';
import {
  type ArchiveSourceMode,
  archiveSourceModes,
  type ConflictPolicy,
  conflictPolicies,
  isOngoing,
  type WorkflowOptions,
  type WorkflowTriggers,
  type WorkflowType,
  workflowOptionsSchema,
  workflowTriggersSchema,
} from '@lexbridge/contracts';
import {
  archiveSourceLabels,
  conflictPolicyLabels,
  optionLabels,
  optionsFor,
  triggerLabels,
  triggersFor,
  type WorkflowSides,
} from './labels.ts';

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

/** The server's defaults: every trigger on, Latest version only and Copy what is already there on. */
export function defaultSettings(): WorkflowSettings {
  return {
    options: workflowOptionsSchema.parse({}),
    triggers: workflowTriggersSchema.parse({}),
    intervalMinutes: 5,
  };
}

/**
 * Options for every type; the conflict policy for a two-way sync, what happens to the source for an
 * archive; triggers and the polling interval only for a sync.
 */
export function SettingsFields({
  type,
  value,
  onChange,
  sides,
}: {
  type: WorkflowType;
  value: WorkflowSettings;
  onChange(next: WorkflowSettings): void;
  sides: WorkflowSides;
}) {
  const styles = useStyles();
  const sync = isOngoing(type);
  const setOption = (next: Partial<WorkflowOptions>) =>
    onChange({ ...value, options: { ...value.options, ...next } });
  return (
    <>
      {type === 'two_way_sync' && (
        <ChoiceGroup
          legend="When both sides changed the same document"
          hint="Lexbridge notices when a document was edited on both sides since the last check. Each conflict is listed on the run's page, with links to both sides."
          choices={conflictPolicies}
          labels={conflictPolicyLabels(sides)}
          value={value.options.conflictPolicy}
          onChange={(conflictPolicy: ConflictPolicy) => setOption({ conflictPolicy })}
        />
      )}
      {type === 'archive' && (
        <ChoiceGroup
          legend="After archiving"
          hint={`Every document is copied to ${sides.target.name} and verified first, and a manifest is stored there. The dry run lists what would be removed.`}
          choices={archiveSourceModes}
          labels={archiveSourceLabels}
          value={value.options.archiveSource}
          onChange={(archiveSource: ArchiveSourceMode) => setOption({ archiveSource })}
        />
      )}
      <fieldset className={styles.group}>
        <legend className={styles.legend}>Options</legend>
        <div className={styles.options}>
          {optionsFor(type).map((name) => (
            <Checkbox
              key={name}
              checked={value.options[name]}
              onChange={(_e, data) => setOption({ [name]: data.checked === true })}
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
            {type === 'two_way_sync'
              ? 'The changes that the sync carries over, in both directions. Deletes are never carried over by a two-way sync.'
              : 'The changes in the source that the sync carries over to the target. All are on unless you turn them off.'}
          </p>
          <div className={styles.triggers}>
            {triggersFor(type).map((name) => (
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

/** A fieldset of radio choices, each with its help under it. */
function ChoiceGroup<T extends string>({
  legend,
  hint,
  choices,
  labels,
  value,
  onChange,
}: {
  legend: string;
  hint: string;
  choices: readonly T[];
  labels: Record<T, { label: string; hint: string }>;
  value: T;
  onChange(next: T): void;
}) {
  const styles = useStyles();
  return (
    <fieldset className={styles.group}>
      <legend className={styles.legend}>{legend}</legend>
      <p className={styles.hint}>{hint}</p>
      <RadioGroup value={value} onChange={(_e, data) => onChange(data.value as T)} aria-label={legend}>
        {choices.map((choice) => (
          <Radio
            key={choice}
            value={choice}
            label={
              <>
                {labels[choice].label}
                <span className={styles.optionHint}>{labels[choice].hint}</span>
              </>
            }
          />
        ))}
      </RadioGroup>
    </fieldset>
  );
}

import {
  Body1,
  Button,
  Caption1,
  Field,
  Link as FluentLink,
  Input,
  MessageBar,
  MessageBarBody,
  makeStyles,
  Radio,
  RadioGroup,
  Select,
  tokens,
  typographyStyles,
} from '@fluentui/react-components';
import { ArrowLeftRegular } from '@fluentui/react-icons';
import {
  isOngoing,
  type LocationListing,
  type WorkflowLocationInput,
  type WorkflowRun,
  type WorkflowType,
  workflowTypes,
} from '@lexbridge/contracts';
import { useCallback, useEffect, useRef, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { api, errorMessage, fieldErrors } from '../../api/client.ts';
import { PageHeading } from '../../ui/PageHeading.tsx';
import { ErrorBlock, LoadingRows } from '../../ui/states.tsx';
import { useCreateWorkflow, usePreflight } from './api.ts';
import { useUsableConnectors } from './connections.ts';
import { FolderBrowser, listingPath } from './FolderBrowser.tsx';
import {
  archiveSourceLabels,
  conflictPolicyLabels,
  optionLabels,
  optionsFor,
  triggerLabels,
  triggersFor,
  workflowTypeDescriptions,
  workflowTypeLabels,
} from './labels.ts';
import { PreflightBanner } from './PreflightBanner.tsx';
import { defaultSettings, SettingsFields, type WorkflowSettings } from './SettingsFields.tsx';

const useStyles = makeStyles({
  back: {
    display: 'inline-flex',
    alignItems: 'center',
    gap: tokens.spacingHorizontalXS,
    marginBottom: tokens.spacingVerticalM,
  },
  steps: {
    listStyle: 'none',
    padding: 0,
    margin: `0 0 ${tokens.spacingVerticalL}`,
    display: 'flex',
    flexWrap: 'wrap',
    gap: tokens.spacingHorizontalS,
  },
  step: {
    padding: `${tokens.spacingVerticalXS} ${tokens.spacingHorizontalM}`,
    borderRadius: tokens.borderRadiusCircular,
    border: `1px solid ${tokens.colorNeutralStroke2}`,
    color: tokens.colorNeutralForeground2,
  },
  stepCurrent: {
    backgroundColor: tokens.colorBrandBackground2,
    color: tokens.colorBrandForeground2,
    border: `1px solid ${tokens.colorBrandStroke2}`,
    fontWeight: tokens.fontWeightSemibold,
  },
  panel: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM, maxWidth: '64rem' },
  stepTitle: { ...typographyStyles.subtitle2, margin: 0, outline: 'none' },
  typeHint: { display: 'block', color: tokens.colorNeutralForeground2, fontSize: tokens.fontSizeBase200 },
  blocked: { display: 'block', color: tokens.colorPaletteRedForeground1, fontSize: tokens.fontSizeBase200 },
  ends: {
    display: 'grid',
    gridTemplateColumns: 'repeat(2, minmax(0, 1fr))',
    gap: tokens.spacingHorizontalXL,
    '@media (max-width: 900px)': { gridTemplateColumns: 'minmax(0, 1fr)' },
  },
  end: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS, minWidth: 0 },
  chosen: { minHeight: '1.25rem', overflowWrap: 'anywhere' },
  nav: {
    display: 'flex',
    flexWrap: 'wrap',
    gap: tokens.spacingHorizontalS,
    marginTop: tokens.spacingVerticalL,
  },
  summary: {
    display: 'grid',
    gridTemplateColumns: 'minmax(8rem, max-content) minmax(0, 1fr)',
    gap: `${tokens.spacingVerticalS} ${tokens.spacingHorizontalL}`,
    margin: 0,
  },
  term: { color: tokens.colorNeutralForeground2 },
  value: { margin: 0, overflowWrap: 'anywhere' },
});

const stepNames = ['Type', 'Source and target', 'Options', 'Review'] as const;

interface ChosenLocation extends WorkflowLocationInput {
  /** Known once the folder's listing has loaded. */
  path?: string;
}

export function CreateWorkflowWizard() {
  const styles = useStyles();
  const navigate = useNavigate();
  const connections = useUsableConnectors();
  const create = useCreateWorkflow();
  const [step, setStep] = useState(0);
  const [type, setType] = useState<WorkflowType | null>(null);
  const [source, setSource] = useState<ChosenLocation | null>(null);
  const [target, setTarget] = useState<ChosenLocation | null>(null);
  const [settings, setSettings] = useState<WorkflowSettings>(defaultSettings);
  const [name, setName] = useState('');
  const [nameEdited, setNameEdited] = useState(false);
  const [previewError, setPreviewError] = useState<unknown>(null);
  const input = (l: ChosenLocation | null) => (l ? { connectorId: l.connectorId, id: l.id } : null);
  const preflight = usePreflight(input(source), input(target));
  const result = preflight.data;
  const blockedReasons = (t: WorkflowType) => result?.blockedTypes.find((b) => b.type === t)?.reasons;
  const typeBlocked = type !== null && blockedReasons(type) !== undefined;

  // Each step's title takes focus, so keyboard and screen-reader users start at the top of the new step.
  const titleRef = useRef<HTMLHeadingElement>(null);
  const firstRender = useRef(true);
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs on each change of step, to focus its title
  useEffect(() => {
    if (firstRender.current) firstRender.current = false;
    else titleRef.current?.focus();
  }, [step]);

  const suggested =
    source?.path && target?.path
      ? `${source.path.split(' / ').at(-1)} to ${target.path.split(' / ').at(-1)}`
      : '';
  useEffect(() => {
    if (!nameEdited) setName(suggested);
  }, [suggested, nameEdited]);

  const onSourceLoaded = useCallback(
    (l: LocationListing) => setSource((s) => (s && s.id === l.id ? { ...s, path: listingPath(l) } : s)),
    [],
  );
  const onTargetLoaded = useCallback(
    (l: LocationListing) => setTarget((s) => (s && s.id === l.id ? { ...s, path: listingPath(l) } : s)),
    [],
  );

  const canContinue = [
    type !== null && !typeBlocked,
    source?.path !== undefined &&
      target?.path !== undefined &&
      result !== undefined &&
      !preflight.isFetching &&
      !typeBlocked,
    name.trim() !== '',
    !typeBlocked && result !== undefined,
  ][step];

  const body = (startNow: boolean) => ({
    name: name.trim(),
    type: type!,
    source: input(source)!,
    target: input(target)!,
    options: settings.options,
    ...(type !== null && isOngoing(type)
      ? { triggers: settings.triggers, intervalMinutes: settings.intervalMinutes }
      : {}),
    startNow,
  });
  const submit = (preview: boolean) => {
    setPreviewError(null);
    create.mutate(body(!preview), {
      onSuccess: async (workflow) => {
        let follow = workflow.lastRun?.id;
        if (preview) {
          try {
            follow = (
              await api<WorkflowRun>(`/api/workflows/${encodeURIComponent(workflow.id)}/run?dryRun=true`, {
                method: 'POST',
              })
            ).id;
          } catch (err) {
            setPreviewError(err);
          }
        }
        void navigate(`/workflows/${workflow.id}${follow ? `?follow=${follow}` : ''}`);
      },
    });
  };
  const createErrors = fieldErrors(create.error);
  const sides = {
    source: connections.side(source?.connectorId, 'the source'),
    target: connections.side(target?.connectorId, 'the target'),
  };

  return (
    <>
      <FluentLink as="span" className={styles.back}>
        <ArrowLeftRegular />
        <Link to="/workflows">All workflows</Link>
      </FluentLink>
      <PageHeading intro="Choose what the workflow does, where it reads from and where it writes to. Pre-flight checks tell you straight away if a type cannot be used for the folders you chose.">
        New workflow
      </PageHeading>
      <ol className={styles.steps} aria-label="Steps">
        {stepNames.map((label, index) => (
          <li
            key={label}
            className={index === step ? `${styles.step} ${styles.stepCurrent}` : styles.step}
            aria-current={index === step ? 'step' : undefined}
          >
            {index + 1}. {label}
          </li>
        ))}
      </ol>
      {connections.isPending ? (
        <LoadingRows label="Loading your connectors" rows={3} height={56} />
      ) : connections.error ? (
        <ErrorBlock
          title="Your connectors could not be loaded"
          error={connections.error}
          onRetry={connections.refetch}
        />
      ) : connections.usable.length < 2 ? (
        <MessageBar intent="warning" layout="multiline">
          <MessageBarBody>
            A workflow needs two connectors that you have authorised; you have {connections.usable.length}.{' '}
            <FluentLink as="span" inline>
              <Link to="/connectors">Authorise connectors on the Connectors page</Link>
            </FluentLink>
            , then come back.
          </MessageBarBody>
        </MessageBar>
      ) : (
        <form
          className={styles.panel}
          aria-labelledby="wizard-step-title"
          onSubmit={(event) => {
            event.preventDefault();
            if (canContinue && step < stepNames.length - 1) setStep(step + 1);
          }}
        >
          <h2 id="wizard-step-title" className={styles.stepTitle} ref={titleRef} tabIndex={-1}>
            Step {step + 1} of {stepNames.length}: {stepNames[step]}
          </h2>

          {step === 0 && (
            <RadioGroup
              value={type ?? ''}
              onChange={(_e, data) => setType(data.value as WorkflowType)}
              aria-labelledby="wizard-step-title"
            >
              {workflowTypes.map((t) => {
                const reasons = blockedReasons(t);
                return (
                  <Radio
                    key={t}
                    value={t}
                    disabled={reasons !== undefined}
                    label={
                      <>
                        <strong>{workflowTypeLabels[t]}</strong>
                        <span className={styles.typeHint}>{workflowTypeDescriptions[t]}</span>
                        {reasons && (
                          <span className={styles.blocked}>
                            Blocked for the folders you chose: {reasons.join(' ')}
                          </span>
                        )}
                      </>
                    }
                  />
                );
              })}
            </RadioGroup>
          )}

          {step === 1 && (
            <>
              <div className={styles.ends}>
                <LocationPicker
                  label="Source"
                  help="Where documents are read from."
                  value={source}
                  onChange={setSource}
                  onLoaded={onSourceLoaded}
                  connections={connections}
                />
                <LocationPicker
                  label="Target"
                  help="Where documents are written to."
                  value={target}
                  onChange={setTarget}
                  onLoaded={onTargetLoaded}
                  connections={connections}
                />
              </div>
              {source && target ? (
                <PreflightBanner result={result} checking={preflight.isFetching} error={preflight.error} />
              ) : (
                <Caption1>
                  Choose a source and a target folder; the pre-flight checks run as soon as both are chosen.
                </Caption1>
              )}
              {typeBlocked && (
                <MessageBar intent="error" layout="multiline">
                  <MessageBarBody>
                    {workflowTypeLabels[type!]} is blocked for these folders. Choose other folders, or{' '}
                    <FluentLink as="button" inline onClick={() => setStep(0)}>
                      choose another type
                    </FluentLink>
                    .
                  </MessageBarBody>
                </MessageBar>
              )}
            </>
          )}

          {step === 2 && (
            <>
              <Field
                label="Name"
                required
                hint="How the workflow appears in lists and in the run history."
                validationMessage={createErrors.name}
              >
                <Input
                  value={name}
                  maxLength={200}
                  onChange={(_e, data) => {
                    setName(data.value);
                    setNameEdited(true);
                  }}
                />
              </Field>
              <SettingsFields type={type!} value={settings} onChange={setSettings} sides={sides} />
            </>
          )}

          {step === 3 && (
            <>
              <dl className={styles.summary}>
                <Summary term="Name" value={name.trim()} />
                <Summary term="Type" value={workflowTypeLabels[type!]} />
                <Summary term="Source" value={source?.path ?? ''} />
                <Summary term="Target" value={target?.path ?? ''} />
                <Summary
                  term="Options"
                  value={
                    optionsFor(type!)
                      .filter((o) => settings.options[o])
                      .map((o) => optionLabels[o].label)
                      .join(', ') || 'None'
                  }
                />
                {type === 'two_way_sync' && (
                  <Summary
                    term="When both sides changed"
                    value={conflictPolicyLabels(sides)[settings.options.conflictPolicy].label}
                  />
                )}
                {type === 'archive' && (
                  <Summary
                    term="After archiving"
                    value={archiveSourceLabels[settings.options.archiveSource].label}
                  />
                )}
                {isOngoing(type!) && (
                  <>
                    <Summary
                      term="Triggers"
                      value={
                        triggersFor(type!)
                          .filter((t) => settings.triggers[t])
                          .map((t) => triggerLabels[t])
                          .join(', ') || 'None: only Run now copies changes'
                      }
                    />
                    <Summary
                      term="Checks for changes"
                      value={`Every ${settings.intervalMinutes} minute${settings.intervalMinutes === 1 ? '' : 's'}`}
                    />
                  </>
                )}
              </dl>
              <PreflightBanner result={result} checking={preflight.isFetching} error={preflight.error} />
              <Body1 as="p">
                <strong>Create and run now</strong> starts at once. <strong>Create and preview</strong>{' '}
                creates the workflow without running it and lists what the first run would do (a dry run
                {type === 'archive' ? ', including what would be removed' : ''}); nothing happens until you
                choose Run now.
                {isOngoing(type!) &&
                  ' From its first run on, a sync also runs by itself at the interval you chose.'}
              </Body1>
              {(create.isError || previewError !== null) && (
                <MessageBar intent="error" layout="multiline">
                  <MessageBarBody>{errorMessage(create.error ?? previewError)}</MessageBarBody>
                </MessageBar>
              )}
            </>
          )}

          <div className={styles.nav}>
            {step > 0 && (
              <Button onClick={() => setStep(step - 1)} disabled={create.isPending}>
                Back
              </Button>
            )}
            {step < stepNames.length - 1 ? (
              <Button appearance="primary" type="submit" disabled={!canContinue}>
                Next
              </Button>
            ) : (
              <>
                <Button
                  appearance="primary"
                  disabled={!canContinue || create.isPending}
                  onClick={() => submit(false)}
                >
                  {create.isPending ? 'Creating…' : 'Create and run now'}
                </Button>
                <Button disabled={!canContinue || create.isPending} onClick={() => submit(true)}>
                  Create and preview (dry run)
                </Button>
              </>
            )}
          </div>
        </form>
      )}
    </>
  );
}

function Summary({ term, value }: { term: string; value: string }) {
  const styles = useStyles();
  return (
    <>
      <dt className={styles.term}>{term}</dt>
      <dd className={styles.value}>{value}</dd>
    </>
  );
}

/** One end of the workflow: a connector this person can use, then a folder in it. */
function LocationPicker({
  label,
  help,
  value,
  onChange,
  onLoaded,
  connections,
}: {
  label: 'Source' | 'Target';
  help: string;
  value: ChosenLocation | null;
  onChange(next: ChosenLocation | null): void;
  onLoaded(listing: LocationListing): void;
  connections: ReturnType<typeof useUsableConnectors>;
}) {
  const styles = useStyles();
  return (
    <section className={styles.end} aria-label={label}>
      <Field
        label={`${label} connector`}
        hint={
          <>
            {help} Only connectors you have authorised are listed
            {connections.unusable.length > 0 && (
              <>
                {' '}
                (not yet: {connections.unusable.map((c) => c.name).join(', ')};{' '}
                <FluentLink as="span" inline>
                  <Link to="/connectors">authorise on Connectors</Link>
                </FluentLink>
                )
              </>
            )}
            .
          </>
        }
      >
        <Select
          value={value?.connectorId ?? ''}
          onChange={(_e, data) => onChange(data.value ? { connectorId: data.value, id: '' } : null)}
        >
          <option value="">Choose a connector</option>
          {connections.usable.map((connector) => (
            <option key={connector.id} value={connector.id}>
              {connector.name} ({connections.typeLabel(connector)})
            </option>
          ))}
        </Select>
      </Field>
      {value ? (
        <>
          <FolderBrowser
            label={label}
            connectorId={value.connectorId}
            folderId={value.id}
            onNavigate={(id) => onChange({ connectorId: value.connectorId, id })}
            onLoaded={onLoaded}
            canCreate={label === 'Target'}
          />
          <Body1 className={styles.chosen} aria-live="polite">
            {value.path !== undefined ? (
              <>
                {label} folder:{' '}
                <strong data-testid={`${label.toLowerCase()}-chosen`}>{value.path || 'Top'}</strong>
              </>
            ) : (
              'Opening…'
            )}
          </Body1>
        </>
      ) : (
        <LoadingRowsPlaceholder />
      )}
    </section>
  );
}

/** Keeps the space of the folder browser before a connector is chosen, so nothing jumps when it appears. */
function LoadingRowsPlaceholder() {
  return <div style={{ height: 282 + 28 }} aria-hidden />;
}

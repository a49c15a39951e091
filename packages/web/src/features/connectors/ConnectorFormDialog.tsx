import {
  Button,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  Field,
  Input,
  MessageBar,
  MessageBarBody,
  makeStyles,
  Select,
  Spinner,
  Switch,
  Textarea,
  tokens,
} from '@fluentui/react-components';
import { ChevronDownRegular, ChevronRightRegular } from '@fluentui/react-icons';
import type { ConnectorField, ConnectorType } from '@lexbridge/contracts';
import { useId, useRef, useState } from 'react';
import { errorMessage, fieldErrors } from '../../api/client.ts';
import { startAuthorisation, useConnectorTypes, useCreateConnector, useUpdateConnector } from './api.ts';
import type { ConnectorAction } from './ConnectorsPage.tsx';
import { type FormValues, initialValues, requestBody, validate } from './form-values.ts';
import { addedMessage } from './saved-message.ts';

const useStyles = makeStyles({
  surface: { maxWidth: '40rem', width: 'calc(100vw - 2rem)' },
  form: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalL },
  description: { margin: 0, color: tokens.colorNeutralForeground2 },
  advancedToggle: { alignSelf: 'flex-start' },
  busy: { display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalS },
});

type Props = {
  open: boolean;
  action: Extract<ConnectorAction, { kind: 'add' | 'edit' }>;
  onClose(): void;
  onSaved(message: string): void;
};

/**
 * Adds or edits a connector with the fields its type declares (label and short help under each), and
 * two ways out: "Save only", or "Authorise", which saves and then sends the browser to the system's
 * sign-in page. Client-side checks catch the obvious; the server's validation answers land on the
 * field they concern.
 */
export function ConnectorFormDialog({ open, action, onClose, onSaved }: Props) {
  const styles = useStyles();
  const types = useConnectorTypes();
  const type: ConnectorType | undefined =
    action.kind === 'add' ? action.type : types.data?.find((t) => t.type === action.connector.type);
  const editing = action.kind === 'edit' ? action.connector : undefined;
  const title = editing ? `Edit ${editing.name}` : `Add ${type?.label ?? ''} connector`;
  return (
    <Dialog open={open} modalType="modal" onOpenChange={(_e, data) => !data.open && onClose()}>
      <DialogSurface className={styles.surface} aria-describedby={undefined}>
        <DialogBody>
          <DialogTitle>{title}</DialogTitle>
          {type ? (
            <ConnectorForm type={type} open={open} action={action} onClose={onClose} onSaved={onSaved} />
          ) : (
            <DialogContent>
              {types.isError ? errorMessage(types.error) : <Spinner size="small" label="Loading the form…" />}
            </DialogContent>
          )}
        </DialogBody>
      </DialogSurface>
    </Dialog>
  );
}

function ConnectorForm({ type, action, onClose, onSaved }: Props & { type: ConnectorType }) {
  const styles = useStyles();
  const editing = action.kind === 'edit' ? action.connector : undefined;
  const [values, setValues] = useState<FormValues>(() => initialValues(type, editing));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [redirecting, setRedirecting] = useState(false);
  const [showAdvanced, setShowAdvanced] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);
  const formId = useId();
  const create = useCreateConnector();
  const update = useUpdateConnector();
  const busy = create.isPending || update.isPending || redirecting;

  const focusFirstError = (found: Record<string, string>) => {
    const first = type.fields.find((f) => found[f.key]);
    if (first?.advanced) setShowAdvanced(true);
    requestAnimationFrame(() => {
      const el = formRef.current?.querySelector<HTMLElement>(`[name="${first?.key ?? ''}"]`);
      el?.focus();
    });
  };

  const submit = async (then: 'save' | 'authorise') => {
    setFormError(null);
    const found = validate(type, values, editing);
    setErrors(found);
    if (Object.keys(found).length > 0) {
      focusFirstError(found);
      return;
    }
    try {
      const body = requestBody(type, values, editing);
      const saved = editing
        ? await update.mutateAsync({ id: editing.id, body: { name: body.name, config: body.config } })
        : await create.mutateAsync(body);
      if (then === 'authorise') {
        setRedirecting(true);
        startAuthorisation(saved.id);
        return;
      }
      onSaved(editing ? `Saved ${saved.name}.` : addedMessage(type, saved));
    } catch (err) {
      const byField = fieldErrors(err);
      const known = Object.fromEntries(
        Object.entries(byField).filter(([key]) => type.fields.some((f) => f.key === key)),
      );
      if (Object.keys(known).length > 0) {
        setErrors(known);
        focusFirstError(known);
      }
      if (Object.keys(known).length === 0 || Object.keys(byField).length > Object.keys(known).length) {
        setFormError(errorMessage(err));
      }
    }
  };

  const basic = type.fields.filter((f) => !f.advanced);
  const advanced = type.fields.filter((f) => f.advanced);
  const setValue = (key: string, value: string | boolean) => {
    setValues((v) => ({ ...v, [key]: value }));
    if (errors[key]) setErrors(({ [key]: _gone, ...rest }) => rest);
  };

  return (
    <>
      <DialogContent>
        <form
          id={formId}
          ref={formRef}
          className={styles.form}
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            void submit('save');
          }}
        >
          <p className={styles.description}>{type.description}</p>
          {formError && (
            <MessageBar intent="error" layout="multiline">
              <MessageBarBody>{formError}</MessageBarBody>
            </MessageBar>
          )}
          {basic.map((field) => (
            <FieldInput
              key={field.key}
              field={field}
              value={values[field.key]}
              error={errors[field.key]}
              editing={!!editing}
              secretSet={editing?.secretsSet.includes(field.key) ?? false}
              onChange={setValue}
            />
          ))}
          {advanced.length > 0 && (
            <>
              <Button
                className={styles.advancedToggle}
                appearance="transparent"
                icon={showAdvanced ? <ChevronDownRegular /> : <ChevronRightRegular />}
                aria-expanded={showAdvanced}
                onClick={() => setShowAdvanced((s) => !s)}
              >
                Advanced settings
              </Button>
              {showAdvanced &&
                advanced.map((field) => (
                  <FieldInput
                    key={field.key}
                    field={field}
                    value={values[field.key]}
                    error={errors[field.key]}
                    editing={!!editing}
                    secretSet={editing?.secretsSet.includes(field.key) ?? false}
                    onChange={setValue}
                  />
                ))}
            </>
          )}
        </form>
      </DialogContent>
      <DialogActions>
        {busy && (
          <span className={styles.busy} role="status">
            <Spinner size="tiny" />
            {redirecting ? 'Opening the sign-in page…' : 'Saving…'}
          </span>
        )}
        <Button appearance="secondary" disabled={busy} onClick={onClose}>
          Cancel
        </Button>
        <Button appearance="secondary" type="submit" form={formId} disabled={busy}>
          Save only
        </Button>
        {type.perUserAuthorisation && (
          <Button appearance="primary" disabled={busy} onClick={() => void submit('authorise')}>
            Authorise
          </Button>
        )}
      </DialogActions>
    </>
  );
}

function FieldInput({
  field,
  value,
  error,
  editing,
  secretSet,
  onChange,
}: {
  field: ConnectorField;
  value: string | boolean | undefined;
  error: string | undefined;
  editing: boolean;
  secretSet: boolean;
  onChange(key: string, value: string | boolean): void;
}) {
  const hint =
    field.secret && editing && secretSet
      ? `${field.help} A value is stored; leave empty to keep it.`
      : field.help;
  const required = field.required && !(field.secret && editing && secretSet);
  const common = { name: field.key, 'aria-required': required || undefined };
  return (
    <Field
      label={field.label}
      required={required}
      hint={hint}
      validationMessage={error}
      validationState={error ? 'error' : 'none'}
    >
      {field.type === 'boolean' ? (
        <Switch
          {...common}
          checked={value === true}
          label={value === true ? 'On' : 'Off'}
          onChange={(_e, data) => onChange(field.key, data.checked)}
        />
      ) : field.type === 'select' ? (
        <Select
          {...common}
          value={String(value ?? '')}
          onChange={(_e, data) => onChange(field.key, data.value)}
        >
          {(field.options ?? []).map((option) => (
            <option key={option} value={option}>
              {option}
            </option>
          ))}
        </Select>
      ) : field.type === 'textarea' ? (
        <Textarea
          {...common}
          value={String(value ?? '')}
          resize="vertical"
          onChange={(_e, data) => onChange(field.key, data.value)}
        />
      ) : (
        <Input
          {...common}
          type={field.type === 'password' ? 'password' : field.type === 'url' ? 'url' : 'text'}
          autoComplete={field.secret ? 'new-password' : 'off'}
          placeholder={field.type === 'url' ? 'https://dms.firm.com' : undefined}
          value={String(value ?? '')}
          onChange={(_e, data) => onChange(field.key, data.value)}
        />
      )}
    </Field>
  );
}

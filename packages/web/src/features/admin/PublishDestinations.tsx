import {
  Body1,
  Button,
  Caption1,
  Field,
  Input,
  makeStyles,
  Select,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  tokens,
} from '@fluentui/react-components';
import { AddRegular, DeleteRegular } from '@fluentui/react-icons';
import { type FormEvent, useState } from 'react';
import { fieldErrors } from '../../api/client.ts';
import { ErrorBlock, LoadingRows } from '../../ui/states.tsx';
import { useConnectors, useConnectorTypes } from '../connectors/api.ts';
import { useCreateDestination, useDeleteDestination, useDestinations } from '../publish/api.ts';

const useStyles = makeStyles({
  form: {
    display: 'grid',
    gridTemplateColumns: 'repeat(auto-fit, minmax(14rem, 1fr))',
    gap: tokens.spacingHorizontalL,
    alignItems: 'start',
    marginTop: tokens.spacingVerticalL,
  },
  submit: { gridColumn: '1 / -1', justifySelf: 'start' },
  hint: { color: tokens.colorNeutralForeground3 },
  path: { wordBreak: 'break-word' },
});

/**
 * Publish destinations (Connector Admins): the connector and folder people may publish to from the
 * iManage "Publish with Lexbridge" command, for instance a local folder that feeds a client portal.
 */
export function PublishDestinations({ canEdit }: { canEdit: boolean }) {
  const styles = useStyles();
  const destinations = useDestinations();
  const remove = useDeleteDestination();
  if (destinations.isPending)
    return <LoadingRows label="Loading the publish destinations" rows={2} height={36} />;
  if (destinations.isError)
    return (
      <ErrorBlock
        title="The publish destinations could not be loaded"
        error={destinations.error}
        onRetry={() => void destinations.refetch()}
      />
    );
  return (
    <>
      {destinations.data.length === 0 ? (
        <Body1>
          No destinations yet: people who choose Publish with Lexbridge in iManage have nowhere to publish to.
        </Body1>
      ) : (
        <Table size="small" aria-label="Publish destinations">
          <TableHeader>
            <TableRow>
              <TableHeaderCell>Name</TableHeaderCell>
              <TableHeaderCell>Location</TableHeaderCell>
              {canEdit && <TableHeaderCell aria-label="Actions" />}
            </TableRow>
          </TableHeader>
          <TableBody>
            {destinations.data.map((d) => (
              <TableRow key={d.id}>
                <TableCell>
                  {d.name}
                  {d.description && (
                    <Caption1 block className={styles.hint}>
                      {d.description}
                    </Caption1>
                  )}
                </TableCell>
                <TableCell className={styles.path}>{d.location.path}</TableCell>
                {canEdit && (
                  <TableCell>
                    <Button
                      appearance="subtle"
                      icon={<DeleteRegular />}
                      aria-label={`Remove ${d.name}`}
                      disabled={remove.isPending}
                      onClick={() => remove.mutate(d.id)}
                    >
                      Remove
                    </Button>
                  </TableCell>
                )}
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
      {remove.isError && <ErrorBlock title="The destination could not be removed" error={remove.error} />}
      {canEdit && <AddDestinationForm />}
    </>
  );
}

function AddDestinationForm() {
  const styles = useStyles();
  const connectors = useConnectors();
  const create = useCreateDestination();
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [connectorId, setConnectorId] = useState('');
  const [locationId, setLocationId] = useState('');
  const errors = fieldErrors(create.error);
  const connector = connectors.data?.find((c) => c.id === connectorId);
  const types = useConnectorTypes();
  const locationHint = types.data?.find((t) => t.type === connector?.type)?.locationHint;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate(
      { name, description, connectorId, locationId },
      {
        onSuccess: () => {
          setName('');
          setDescription('');
          setLocationId('');
        },
      },
    );
  };
  return (
    <form className={styles.form} onSubmit={submit} aria-label="Add a publish destination">
      <Field label="Name" required validationMessage={errors.name}>
        <Input value={name} onChange={(_, d) => setName(d.value)} placeholder="Acme client portal" />
      </Field>
      <Field label="Description" validationMessage={errors.description}>
        <Input
          value={description}
          onChange={(_, d) => setDescription(d.value)}
          placeholder="What the client sees"
        />
      </Field>
      <Field label="Connector" required validationMessage={errors.connectorId}>
        <Select value={connectorId} onChange={(_, d) => setConnectorId(d.value)}>
          <option value="">Choose a connector</option>
          {connectors.data?.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name}
            </option>
          ))}
        </Select>
      </Field>
      <Field
        label="Folder"
        validationMessage={
          errors.locationId ??
          (create.isError && !Object.keys(errors).length ? create.error.message : undefined)
        }
        hint={locationHint ?? 'Where in the connector to publish to.'}
      >
        <Input value={locationId} onChange={(_, d) => setLocationId(d.value)} />
      </Field>
      <Button
        className={styles.submit}
        type="submit"
        appearance="primary"
        icon={<AddRegular />}
        disabled={!name.trim() || !connectorId || create.isPending}
      >
        Add destination
      </Button>
    </form>
  );
}

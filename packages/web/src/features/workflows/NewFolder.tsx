import { Button, Field, Input, makeStyles, mergeClasses, tokens } from '@fluentui/react-components';
import { FolderAddRegular } from '@fluentui/react-icons';
import { folderNameProblem } from '@lexbridge/contracts';
import { useState } from 'react';
import { errorMessage } from '../../api/client.ts';
import { useCreateFolder } from './api.ts';

const useStyles = makeStyles({
  form: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'flex-start',
    gap: tokens.spacingHorizontalS,
    padding: `${tokens.spacingVerticalXS} ${tokens.spacingHorizontalS}`,
    borderTop: `1px solid ${tokens.colorNeutralStroke2}`,
  },
  // The open form is a <fieldset>: without the browser's own frame and margins.
  group: { borderLeft: 'none', borderRight: 'none', borderBottom: 'none', margin: 0, minWidth: 0 },
  field: { flexGrow: 1, minWidth: '12rem' },
  buttons: { display: 'flex', gap: tokens.spacingHorizontalS, paddingTop: '1.5rem' },
});

/**
 * "New folder" in the folder picker: a name field checked as the server checks it (the server has
 * the last word: folder_name_invalid, folder_exists, folder_create_denied), and on success the new
 * folder in the list at once.
 */
export function NewFolder({
  connectorId,
  parentId,
  parentName,
  onCreated,
}: {
  connectorId: string;
  parentId: string;
  parentName: string;
  onCreated(name: string): void;
}) {
  const styles = useStyles();
  const [open, setOpen] = useState(false);
  const [name, setName] = useState('');
  const [tried, setTried] = useState(false);
  const create = useCreateFolder(connectorId, parentId);
  const problem = tried ? folderNameProblem(name) : undefined;
  const failure = create.isError ? errorMessage(create.error) : undefined;
  const close = () => {
    setOpen(false);
    setName('');
    setTried(false);
    create.reset();
  };
  // Not a <form>: the picker sits inside the wizard's own form, and forms do not nest.
  const submit = () => {
    setTried(true);
    if (folderNameProblem(name)) return;
    create.mutate(name, {
      onSuccess: (folder) => {
        onCreated(folder.name);
        close();
      },
    });
  };
  if (!open)
    return (
      <div className={styles.form}>
        <Button size="small" appearance="subtle" icon={<FolderAddRegular />} onClick={() => setOpen(true)}>
          New folder
        </Button>
      </div>
    );
  return (
    <fieldset className={mergeClasses(styles.form, styles.group)} aria-label={`New folder in ${parentName}`}>
      <Field
        className={styles.field}
        label={`New folder in ${parentName}`}
        size="small"
        validationMessage={problem ?? failure}
        validationState={problem || failure ? 'error' : 'none'}
      >
        <Input
          size="small"
          value={name}
          autoFocus
          onChange={(_e, data) => {
            setName(data.value);
            if (create.isError) create.reset();
          }}
          onKeyDown={(event) => {
            if (event.key !== 'Enter') return;
            event.preventDefault();
            submit();
          }}
        />
      </Field>
      <div className={styles.buttons}>
        <Button size="small" appearance="primary" disabled={create.isPending} onClick={submit}>
          {create.isPending ? 'Creating…' : 'Create'}
        </Button>
        <Button size="small" onClick={close}>
          Cancel
        </Button>
      </div>
    </fieldset>
  );
}

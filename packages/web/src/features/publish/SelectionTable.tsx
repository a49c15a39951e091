import {
  Caption1,
  makeStyles,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  tokens,
} from '@fluentui/react-components';
import { DocumentRegular, FolderRegular, WarningRegular } from '@fluentui/react-icons';
import type { SelectedItem } from '@lexbridge/contracts';
import { formatSize } from '../../ui/format.ts';

const useStyles = makeStyles({
  name: { display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalS, wordBreak: 'break-word' },
  icon: { flexShrink: 0, fontSize: '20px', color: tokens.colorNeutralForeground3 },
  error: { color: tokens.colorPaletteRedForeground1 },
  numeric: { textAlign: 'right', whiteSpace: 'nowrap' },
  numericHeader: { '& > *': { justifyContent: 'flex-end', width: '100%' } },
});

function plural(n: number, one: string, many: string): string {
  return `${n.toLocaleString()} ${n === 1 ? one : many}`;
}

/** "14 documents in 3 folders", or "more than …" when the count stopped at its limit. */
export function contentsOf(item: SelectedItem): string {
  if (item.kind !== 'folder') return item.version ? `Version ${item.version}` : 'Document';
  const docs = plural(item.documentCount ?? 0, 'document', 'documents');
  const folders = item.folderCount ? ` in ${plural(item.folderCount, 'folder', 'folders')}` : '';
  return `${item.countComplete ? '' : 'More than '}${docs}${folders}`;
}

/** What the person selected in iManage: names, what each holds, sizes. */
export function SelectionTable({ items }: { items: SelectedItem[] }) {
  const styles = useStyles();
  return (
    <Table size="small" aria-label="Selected items">
      <TableHeader>
        <TableRow>
          <TableHeaderCell>Name</TableHeaderCell>
          <TableHeaderCell>Contents</TableHeaderCell>
          <TableHeaderCell className={styles.numericHeader}>Size</TableHeaderCell>
        </TableRow>
      </TableHeader>
      <TableBody>
        {items.map((item) => (
          <TableRow key={item.id} data-item-id={item.id}>
            <TableCell>
              <span className={styles.name}>
                {item.error ? (
                  <WarningRegular className={styles.icon} aria-label="Cannot be read" />
                ) : item.kind === 'folder' ? (
                  <FolderRegular className={styles.icon} aria-label="Folder" />
                ) : (
                  <DocumentRegular className={styles.icon} aria-label="Document" />
                )}
                {item.name}
              </span>
            </TableCell>
            <TableCell>
              {item.error ? (
                <Caption1 className={styles.error}>{item.error} It will be left out.</Caption1>
              ) : (
                contentsOf(item)
              )}
            </TableCell>
            <TableCell className={styles.numeric}>{item.error ? '—' : formatSize(item.size)}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

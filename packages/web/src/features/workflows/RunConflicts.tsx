import {
  Body1,
  Card,
  Link as FluentLink,
  makeStyles,
  Subtitle2,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  tokens,
} from '@fluentui/react-components';
import type { RunItem, Workflow } from '@lexbridge/contracts';
import { ErrorBlock, LoadingRows } from '../../ui/states.tsx';
import { formatWhen, useRunItemsOf } from './api.ts';
import { useUsableConnectors } from './connections.ts';
import { conflictPolicyLabels, type WorkflowSides } from './labels.ts';

const useStyles = makeStyles({
  section: { marginTop: tokens.spacingVerticalXXL },
  title: { margin: `0 0 ${tokens.spacingVerticalS}` },
  scroll: { overflowX: 'auto' },
  table: { minWidth: '40rem' },
  path: { overflowWrap: 'anywhere' },
  muted: { color: tokens.colorNeutralForeground2 },
  links: { display: 'flex', flexWrap: 'wrap', columnGap: tokens.spacingHorizontalM },
  card: { padding: tokens.spacingHorizontalL, marginTop: tokens.spacingVerticalXL },
});

/** The workflow's two sides in words, from its connectors. */
export function useWorkflowSides(workflow: Workflow | undefined): WorkflowSides {
  const connections = useUsableConnectors();
  return {
    source: connections.side(workflow?.source.connectorId, workflow?.source.connectorName ?? 'the source'),
    target: connections.side(workflow?.target.connectorId, workflow?.target.connectorName ?? 'the target'),
  };
}

/** "Open in Office share" / "Open in Archive" for an item, where Lexbridge knows an address. */
export function ItemLinks({ item, sides }: { item: RunItem; sides: WorkflowSides }) {
  const styles = useStyles();
  const links = [
    item.links?.source ? { href: item.links.source, text: `Open in ${sides.source.name}` } : null,
    item.links?.target ? { href: item.links.target, text: `Open in ${sides.target.name}` } : null,
    item.links?.copy ? { href: item.links.copy, text: 'Open the conflict copy' } : null,
  ].filter((l) => l !== null);
  if (links.length === 0) return null;
  return (
    <span className={styles.links}>
      {links.map((l) => (
        <FluentLink key={l.text} href={l.href} target="_blank" rel="noreferrer" inline>
          {l.text}
        </FluentLink>
      ))}
    </span>
  );
}

/** A two-way run's conflicts: the document, both sides' versions with links, and how it was resolved. */
export function ConflictList({
  runId,
  live,
  workflow,
}: {
  runId: string;
  live: boolean;
  workflow: Workflow;
}) {
  const styles = useStyles();
  const sides = useWorkflowSides(workflow);
  const conflicts = useRunItemsOf(runId, 'conflict', live);
  const side = (s: 'source' | 'target') => sides[s].name;
  return (
    <section aria-labelledby="run-conflicts" className={styles.section}>
      <Subtitle2 as="h2" id="run-conflicts" className={styles.title} block>
        Conflicts
      </Subtitle2>
      {conflicts.isPending ? (
        <LoadingRows label="Loading the conflicts" rows={1} height={36} />
      ) : conflicts.isError ? (
        <ErrorBlock
          title="The conflicts could not be loaded"
          error={conflicts.error}
          onRetry={() => void conflicts.refetch()}
        />
      ) : conflicts.data.items.length === 0 ? (
        <Body1 as="p">No document was changed on both sides in this run.</Body1>
      ) : (
        <div className={styles.scroll}>
          <Table aria-label="Conflicts of this run" size="small" className={styles.table}>
            <TableHeader>
              <TableRow>
                <TableHeaderCell>Document</TableHeaderCell>
                <TableHeaderCell>Edited in {sides.source.name}</TableHeaderCell>
                <TableHeaderCell>Edited in {sides.target.name}</TableHeaderCell>
                <TableHeaderCell>Resolved</TableHeaderCell>
              </TableRow>
            </TableHeader>
            <TableBody>
              {conflicts.data.items.map((item) => {
                const c = item.conflict;
                return (
                  <TableRow key={item.id}>
                    <TableCell className={styles.path}>
                      {item.sourcePath ?? item.targetPath}
                      <ItemLinks item={item} sides={sides} />
                    </TableCell>
                    <TableCell>{formatWhen(c?.sourceModifiedAt)}</TableCell>
                    <TableCell>{formatWhen(c?.targetModifiedAt)}</TableCell>
                    <TableCell>
                      {c ? (
                        <>
                          {conflictPolicyLabels(sides)[c.policy].label}: kept the edit in {side(c.kept)}
                          {c.copy && (
                            <div className={styles.muted}>
                              The other edit is “{c.copy.name}” in {side(c.copy.side)}
                            </div>
                          )}
                        </>
                      ) : (
                        '—'
                      )}
                      {item.outcome === 'failed' && item.error && <div>{item.error}</div>}
                    </TableCell>
                  </TableRow>
                );
              })}
            </TableBody>
          </Table>
        </div>
      )}
    </section>
  );
}

/** An archive run's manifest: where it is stored, with a link where Lexbridge knows one. */
export function ArchiveManifest({
  runId,
  live,
  workflow,
}: {
  runId: string;
  live: boolean;
  workflow: Workflow;
}) {
  const styles = useStyles();
  const sides = useWorkflowSides(workflow);
  const manifest = useRunItemsOf(runId, 'manifest', live);
  const item = manifest.data?.items[0];
  return (
    <Card className={styles.card} aria-labelledby="run-manifest">
      <Subtitle2 as="h2" id="run-manifest">
        Archive manifest
      </Subtitle2>
      {manifest.isPending ? (
        <LoadingRows label="Loading the manifest" rows={1} height={24} />
      ) : !item ? (
        <Body1>
          {live
            ? 'The manifest is written once every document is copied and verified.'
            : 'This run wrote no manifest.'}
        </Body1>
      ) : (
        <>
          <Body1 className={styles.path}>
            {item.outcome === 'planned' ? 'Would be stored as' : 'Stored as'} “{item.targetPath}” in{' '}
            {sides.target.name}: one row per document with its source path, size, SHA-256, iManage id and
            version.
          </Body1>
          <ItemLinks item={item} sides={sides} />
        </>
      )}
    </Card>
  );
}

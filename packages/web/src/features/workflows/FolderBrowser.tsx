import {
  Body1,
  Button,
  Caption1,
  MessageBar,
  MessageBarBody,
  makeStyles,
  Spinner,
  tokens,
} from '@fluentui/react-components';
import { ChevronRightRegular, FolderRegular } from '@fluentui/react-icons';
import type { LocationListing } from '@lexbridge/contracts';
import { useEffect, useRef, useState } from 'react';
import { errorMessage } from '../../api/client.ts';
import { LoadingRows } from '../../ui/states.tsx';
import { useLocation } from './api.ts';
import { NewFolder } from './NewFolder.tsx';
import { SiteSearch } from './SiteSearch.tsx';

const useStyles = makeStyles({
  wrap: {
    border: `1px solid ${tokens.colorNeutralStroke1}`,
    borderRadius: tokens.borderRadiusMedium,
    backgroundColor: tokens.colorNeutralBackground1,
    display: 'flex',
    flexDirection: 'column',
    minWidth: 0,
    margin: 0,
    padding: 0,
  },
  crumbs: {
    listStyle: 'none',
    margin: 0,
    padding: `${tokens.spacingVerticalXS} ${tokens.spacingHorizontalS}`,
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'center',
    gap: tokens.spacingHorizontalXXS,
    borderBottom: `1px solid ${tokens.colorNeutralStroke2}`,
    minHeight: '2.5rem',
  },
  crumb: { display: 'inline-flex', alignItems: 'center', gap: tokens.spacingHorizontalXXS },
  current: { fontWeight: tokens.fontWeightSemibold, padding: `0 ${tokens.spacingHorizontalS}` },
  list: {
    listStyle: 'none',
    margin: 0,
    padding: tokens.spacingVerticalXS,
    height: '14rem',
    overflowY: 'auto',
  },
  folder: { width: '100%', justifyContent: 'flex-start', fontWeight: tokens.fontWeightRegular },
  empty: { padding: tokens.spacingHorizontalM, color: tokens.colorNeutralForeground2 },
  status: { padding: `${tokens.spacingVerticalXS} ${tokens.spacingHorizontalS}`, minHeight: '1.75rem' },
});

/** The readable path of a folder, outermost first: "Clients / Acme". */
export function listingPath(listing: Pick<LocationListing, 'ancestors' | 'name'>): string {
  return [...listing.ancestors.map((a) => a.name), listing.name].filter(Boolean).join(' / ');
}

/**
 * Browses one connector's folders a level at a time (GET /api/workflows/locations). The folder that is
 * open is the one chosen: opening a sub-folder, or a folder of the breadcrumb, chooses it.
 */
export function FolderBrowser({
  label,
  connectorId,
  folderId,
  onNavigate,
  onLoaded,
  canCreate = false,
}: {
  /** "Source" or "Target": names the regions for screen readers. */
  label: string;
  connectorId: string;
  folderId: string;
  /** A folder was opened: it becomes the choice. */
  onNavigate(id: string): void;
  /** The open folder's listing arrived (its name and path, for the summary). */
  onLoaded(listing: LocationListing): void;
  /** Offer "New folder" (where Lexbridge writes: a target); the server decides whether the person may. */
  canCreate?: boolean;
}) {
  const styles = useStyles();
  const [created, setCreated] = useState<{ in: string; name: string } | null>(null);
  const listing = useLocation(connectorId, folderId);
  const data = listing.data?.connectorId === connectorId ? listing.data : undefined;
  // Report the opened folder (with its name and path) to the wizard once it has loaded.
  const reported = useRef<string>('');
  useEffect(() => {
    if (!data || data.id !== folderId) return;
    const key = `${data.connectorId}:${data.id}`;
    if (reported.current === key) return;
    reported.current = key;
    onLoaded(data);
  }, [data, folderId, onLoaded]);

  if (listing.isError && !data) {
    return (
      <MessageBar intent="error" layout="multiline">
        <MessageBarBody>{errorMessage(listing.error)}</MessageBarBody>
      </MessageBar>
    );
  }
  if (!data)
    return <LoadingRows label={`Loading the ${label.toLowerCase()} folders`} rows={1} height={282} />;
  return (
    <fieldset className={styles.wrap} aria-label={`${label} folder browser`}>
      <nav aria-label={`${label} folder path`}>
        <ol className={styles.crumbs}>
          {data.ancestors.map((ancestor) => (
            <li key={ancestor.id || 'root'} className={styles.crumb}>
              <Button size="small" appearance="transparent" onClick={() => onNavigate(ancestor.id)}>
                {ancestor.name || 'Top'}
              </Button>
              <ChevronRightRegular aria-hidden />
            </li>
          ))}
          <li className={styles.current} aria-current="location">
            {data.name || 'Top'}
          </li>
        </ol>
      </nav>
      {data.siteSearch && <SiteSearch label={label} search={data.siteSearch} onSearch={onNavigate} />}
      <ul className={styles.list} aria-label={`Folders in ${data.name || 'Top'}`}>
        {data.children.length === 0 ? (
          <li className={styles.empty}>
            <Body1>No sub-folders here.</Body1>
          </li>
        ) : (
          data.children.map((child) => (
            <li key={child.id}>
              <Button
                className={styles.folder}
                appearance="subtle"
                icon={<FolderRegular />}
                aria-label={`Open ${child.name}`}
                onClick={() => onNavigate(child.id)}
              >
                {child.name}
              </Button>
            </li>
          ))
        )}
      </ul>
      <div className={styles.status} aria-live="polite">
        {listing.isFetching ? (
          <Spinner size="extra-tiny" label="Opening…" labelPosition="after" />
        ) : listing.isError ? (
          <Caption1>{errorMessage(listing.error)}</Caption1>
        ) : (
          <Caption1>
            {created?.in === data.id ? `Created “${created.name}”. ` : ''}
            {data.children.length} sub-folder{data.children.length === 1 ? '' : 's'}. Open one to choose it
            instead.
          </Caption1>
        )}
      </div>
      {canCreate && data.holdsDocuments && (
        <NewFolder
          key={`${connectorId}:${data.id}`}
          connectorId={connectorId}
          parentId={data.id}
          parentName={data.name || 'Top'}
          onCreated={(name) => setCreated({ in: data.id, name })}
        />
      )}
    </fieldset>
  );
}

import { Body1, Button, makeStyles, Subtitle2, tokens } from '@fluentui/react-components';
import { ArrowDownloadRegular } from '@fluentui/react-icons';
import type { ImanageSetup } from '@lexbridge/contracts';
import { useQuery } from '@tanstack/react-query';
import { api } from '../../api/client.ts';
import { isConnectorAdmin, type Me } from '../../api/session.ts';
import { CopyValue } from '../../ui/CopyValue.tsx';
import { PageHeading } from '../../ui/PageHeading.tsx';
import { ErrorBlock, LoadingRows } from '../../ui/states.tsx';
import { AdminSection } from './AdminSection.tsx';
import { AuditLog } from './AuditLog.tsx';
import { PublishDestinations } from './PublishDestinations.tsx';
import { ServerSetup } from './ServerSetup.tsx';

const useStyles = makeStyles({
  columns: {
    display: 'grid',
    gridTemplateColumns: 'minmax(0, 1fr) minmax(0, 1.4fr)',
    gap: tokens.spacingHorizontalXXL,
    '@media (max-width: 900px)': { gridTemplateColumns: 'minmax(0, 1fr)' },
  },
  downloads: {
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalM,
    alignItems: 'flex-start',
  },
  values: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalL },
  steps: {
    margin: `${tokens.spacingVerticalS} 0 0`,
    paddingLeft: '1.25rem',
    color: tokens.colorNeutralForeground2,
  },
  ips: { margin: 0, paddingLeft: '1.25rem', fontFamily: tokens.fontFamilyMonospace },
});

const flavourLabels = {
  'on-premises': { title: 'For on-premises iManage', file: 'lexbridge-imanage-on-premises.zip' },
  'classic-cloud': { title: 'For classic cloud iManage', file: 'lexbridge-imanage-classic-cloud.zip' },
} as const;

/** Set-up values and packages for iManage Control Center, this server's addresses, and the audit log. */
export function AdminPage({ me }: { me: Me }) {
  const styles = useStyles();
  const setup = useQuery({
    queryKey: ['imanage-setup'],
    queryFn: ({ signal }) => api<ImanageSetup>('/api/integrations/imanage/setup', { signal }),
  });
  return (
    <>
      <PageHeading intro="What your iManage administrator needs to register Lexbridge, what your network team needs to let it through, and who did what.">
        Admin
      </PageHeading>
      <AdminSection titleId="imanage-setup" title="iManage: add the application in Control Center">
        {setup.isPending ? (
          <LoadingRows label="Loading the iManage set-up values" rows={4} height={48} />
        ) : setup.isError ? (
          <ErrorBlock
            title="The set-up values could not be loaded"
            error={setup.error}
            onRetry={() => void setup.refetch()}
          />
        ) : (
          <div className={styles.columns}>
            <div className={styles.downloads}>
              <Subtitle2 as="h3">1. Download the extension package</Subtitle2>
              {setup.data.packages.map((pkg) => (
                <Button
                  key={pkg.flavour}
                  as="a"
                  href={pkg.url}
                  download={flavourLabels[pkg.flavour]?.file}
                  icon={<ArrowDownloadRegular />}
                >
                  {flavourLabels[pkg.flavour]?.title ?? pkg.flavour}
                </Button>
              ))}
              <Subtitle2 as="h3">2. In Control Center</Subtitle2>
              <ol className={styles.steps}>
                <li>Settings → Applications → Add Application → Upload Package, and choose the file.</li>
                <li>
                  Authentication: set the Redirect URL, generate a client secret, and turn on Allow refresh
                  token.
                </li>
                <li>Access: choose who may authorise Lexbridge.</li>
                <li>Settings: enter the Lexbridge host and your iManage server's URL.</li>
                <li>Review: make sure Enable Application is ticked, then Finish.</li>
                <li>
                  Here, on Connectors: the + button beside iManage, with the Client Id and the Secret Key.
                </li>
              </ol>
            </div>
            <div className={styles.values}>
              <CopyValue
                label="Redirect URL"
                value={setup.data.redirectUrl}
                hint="Authentication step: where iManage sends people back after they sign in."
              />
              <CopyValue
                label="Lexbridge host"
                value={setup.data.lexbridgeHost}
                hint="Settings step: the host of this Lexbridge server."
              />
              {setup.data.publishUrl && (
                <CopyValue
                  label="Publish URL"
                  value={setup.data.publishUrl}
                  hint="Used by the Lexbridge entry in the iManage context menu."
                />
              )}
            </div>
          </div>
        )}
      </AdminSection>
      <AdminSection titleId="this-server" title="This server on your network">
        {setup.isPending ? (
          <LoadingRows label="Loading this server's addresses" rows={2} height={48} />
        ) : setup.isError ? (
          <ErrorBlock title="This server's addresses could not be loaded" error={setup.error} />
        ) : (
          <div className={styles.values}>
            <CopyValue
              label="Public URL"
              value={new URL(setup.data.redirectUrl).origin}
              hint="The address people and your identity provider reach Lexbridge at (LEXBRIDGE_PUBLIC_URL)."
            />
            <div>
              <Subtitle2 as="h3" block>
                Outgoing IP addresses
              </Subtitle2>
              {setup.data.egressIps.length > 0 ? (
                <>
                  <Body1 as="p">If your iManage server only accepts known addresses, allow these:</Body1>
                  <ul className={styles.ips}>
                    {setup.data.egressIps.map((ip) => (
                      <li key={ip}>{ip}</li>
                    ))}
                  </ul>
                </>
              ) : (
                <Body1 as="p">
                  Not stated. If your iManage server only accepts known addresses, the operator sets
                  LEXBRIDGE_EGRESS_IPS to the addresses this server connects from, and they appear here.
                </Body1>
              )}
            </div>
          </div>
        )}
      </AdminSection>
      <ServerSetup />
      <AdminSection titleId="publish-destinations" title="Publish destinations">
        <PublishDestinations canEdit={isConnectorAdmin(me)} />
      </AdminSection>
      <AdminSection titleId="audit-log" title="Audit log">
        <AuditLog me={me} />
      </AdminSection>
    </>
  );
}

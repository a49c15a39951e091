import { Body1 } from '@fluentui/react-components';
import type { Me } from '../../api/session.ts';
import { PageHeading } from '../../ui/PageHeading.tsx';

/**
 * The Workflows area, mounted at /workflows/* (nested routes are relative to it). A placeholder until
 * the workflows pages land: keep the export name and props when replacing it.
 */
export function WorkflowsArea(_props: { me: Me }) {
  return (
    <>
      <PageHeading intro="Copy, sync or move documents between two authorised connectors.">
        Workflows
      </PageHeading>
      <Body1 as="p">
        Workflows are not available on this server yet. Authorise at least two connectors under Connectors so
        that you are ready to create one.
      </Body1>
    </>
  );
}

import { Body1 } from '@fluentui/react-components';
import { PageHeading } from '../../ui/PageHeading.tsx';

/** What ran and what changed. Workflow runs are listed here once workflows exist. */
export function ActivityPage() {
  return (
    <>
      <PageHeading intro="The runs of your workflows, item by item, with what was copied and what failed.">
        Activity
      </PageHeading>
      <Body1 as="p">No activity yet. Runs appear here once you have created a workflow.</Body1>
    </>
  );
}

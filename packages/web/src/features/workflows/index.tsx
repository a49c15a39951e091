import { Route, Routes } from 'react-router';
import type { Me } from '../../api/session.ts';
import { CreateWorkflowWizard } from './CreateWorkflowWizard.tsx';
import { RunDetailPage } from './RunDetail.tsx';
import { WorkflowDetailPage } from './WorkflowDetail.tsx';
import { WorkflowListPage } from './WorkflowList.tsx';

/**
 * The Workflows area, mounted at /workflows/* (paths below are relative to it): the list, the creation
 * wizard, a workflow with its run history, and a run with its per-item log.
 */
export function WorkflowsArea({ me }: { me: Me }) {
  return (
    <Routes>
      <Route index element={<WorkflowListPage me={me} />} />
      <Route path="new" element={<CreateWorkflowWizard />} />
      <Route path=":workflowId" element={<WorkflowDetailPage />} />
      <Route path=":workflowId/runs/:runId" element={<RunDetailPage />} />
    </Routes>
  );
}

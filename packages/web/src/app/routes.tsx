import { Body1, Link as FluentLink } from '@fluentui/react-components';
import type { ReactNode } from 'react';
import { Link, Navigate, Route, Routes } from 'react-router';
import { type Me, mayAdminister, mayUseWorkflows } from '../api/session.ts';
import { ActivityPage } from '../features/activity/ActivityPage.tsx';
import { AdminPage } from '../features/admin/AdminPage.tsx';
import { ConnectorsPage } from '../features/connectors/ConnectorsPage.tsx';
import { NotificationsPage } from '../features/notifications/NotificationsPage.tsx';
import { onlyPublishes } from '../features/publish/api.ts';
import { PublishPage } from '../features/publish/PublishPage.tsx';
import { WorkflowsArea } from '../features/workflows/index.tsx';
import { PageHeading } from '../ui/PageHeading.tsx';

/** The pages of the signed-in app. Each feature owns the routes below its own path. */
export function AppRoutes({ me }: { me: Me }) {
  return (
    <Routes>
      <Route path="/" element={<Navigate to={onlyPublishes(me) ? '/publish' : '/connectors'} replace />} />
      <Route path="/publish" element={<PublishPage />} />
      <Route
        path="/connectors"
        element={
          <RoleGate allowed={!onlyPublishes(me)} neededRole="User">
            <ConnectorsPage me={me} />
          </RoleGate>
        }
      />
      <Route
        path="/workflows/*"
        element={
          <RoleGate allowed={mayUseWorkflows(me)} neededRole="User">
            <WorkflowsArea me={me} />
          </RoleGate>
        }
      />
      <Route
        path="/activity"
        element={
          <RoleGate allowed={!onlyPublishes(me)} neededRole="User">
            <ActivityPage />
          </RoleGate>
        }
      />
      <Route
        path="/admin"
        element={
          <RoleGate allowed={mayAdminister(me)} neededRole="Connector Admin or Admin">
            <AdminPage me={me} />
          </RoleGate>
        }
      />
      <Route path="/settings/notifications" element={<NotificationsPage me={me} />} />
      <Route path="*" element={<NotFound />} />
    </Routes>
  );
}

/** A page the person's roles do not open: says which role would, instead of an empty screen. */
function RoleGate({
  allowed,
  neededRole,
  children,
}: {
  allowed: boolean;
  neededRole: string;
  children: ReactNode;
}) {
  if (allowed) return children;
  return (
    <>
      <PageHeading>Not available with your role</PageHeading>
      <Body1 as="p">
        This page needs the <strong>{neededRole}</strong> role. Ask your administrator for it if you need this
        page.
      </Body1>
    </>
  );
}

function NotFound() {
  return (
    <>
      <PageHeading>Page not found</PageHeading>
      <Body1 as="p">
        There is no page at this address.{' '}
        <FluentLink as="span" inline>
          <Link to="/connectors">Go to Connectors</Link>
        </FluentLink>
      </Body1>
    </>
  );
}

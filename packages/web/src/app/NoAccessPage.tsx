import { Body1, Title3 } from '@fluentui/react-components';
import { defaultRoleToRequest, type Me, roleLabels } from '../api/session.ts';
import { CenteredCard } from './CenteredCard.tsx';
import { SignOutButton } from './SignOutButton.tsx';

/** Signed in, but the identity provider grants no Lexbridge role. Says which role to ask for. */
export function NoAccessPage({ me }: { me?: Me }) {
  const who = me?.user.name ?? me?.user.email;
  return (
    <CenteredCard>
      <Title3 as="h1">You do not have access to Lexbridge yet</Title3>
      <Body1 as="p">
        {who ? `You are signed in as ${who}, but your account` : 'Your account'} has no Lexbridge role in your
        firm's identity provider.
      </Body1>
      <Body1 as="p">
        Ask your administrator to give you the <strong>{roleLabels[defaultRoleToRequest]}</strong> role (or{' '}
        <strong>Connector Admin</strong> if you will add connectors). Then sign out and sign in again.
      </Body1>
      <div>
        <SignOutButton appearance="secondary" />
      </div>
    </CenteredCard>
  );
}

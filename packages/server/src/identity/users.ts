import { randomUUID } from 'node:crypto';
import { AppError } from '../errors.ts';
import type { DbOrTx } from '../store/db.ts';
import { users } from '../store/schema.ts';
import type { Role } from './person.ts';
import { type RoleClaimOptions, rolesFromClaims } from './roles.ts';

/** The person a provider vouched for, as Lexbridge keeps them. */
export interface SignInProfile {
  issuer: string;
  subject: string;
  email: string;
  name: string;
  roles: Role[];
}

const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;

/**
 * Reads the person from validated ID token (and userinfo) claims. A subject and an e-mail address are
 * required; Entra ID often sends the address only as preferred_username or upn, so those count when
 * they look like one.
 */
export function profileFromClaims(
  claims: Record<string, unknown>,
  issuer: string,
  roleOptions: RoleClaimOptions,
): SignInProfile {
  const subject = text(claims.sub);
  const email =
    text(claims.email) ?? [text(claims.preferred_username), text(claims.upn)].find((v) => v?.includes('@'));
  const missing = [...(subject ? [] : ['sub']), ...(email ? [] : ['email'])];
  if (!subject || !email) {
    throw new AppError(
      'oidc_claims_missing',
      `The identity provider did not send ${missing.join(' or ')} for this person. Ask your administrator to include ${missing.includes('email') ? 'the email claim (scope "email")' : 'a subject'} in the ID token.`,
      { missing },
    );
  }
  const fullName = [text(claims.given_name), text(claims.family_name)].filter(Boolean).join(' ');
  const name = text(claims.name) ?? (fullName || undefined) ?? text(claims.preferred_username) ?? email;
  return { issuer, subject, email, name, roles: rolesFromClaims(claims, roleOptions) };
}

/**
 * Creates or updates the user for (issuer, subject). Name, e-mail and roles are replaced at every
 * sign-in, so a role removed at the provider is gone at the next sign-in.
 */
export async function upsertUser(
  db: DbOrTx,
  profile: SignInProfile,
  now = new Date(),
): Promise<{ id: string }> {
  const rows = await db
    .insert(users)
    .values({
      id: randomUUID(),
      issuer: profile.issuer,
      subject: profile.subject,
      email: profile.email,
      name: profile.name,
      roles: profile.roles,
      createdAt: now,
      updatedAt: now,
      lastSignInAt: now,
    })
    .onConflictDoUpdate({
      target: [users.issuer, users.subject],
      set: {
        email: profile.email,
        name: profile.name,
        roles: profile.roles,
        updatedAt: now,
        lastSignInAt: now,
      },
    })
    .returning({ id: users.id });
  return rows[0]!;
}

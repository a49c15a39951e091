-- Identity: pending OpenID Connect sign-ins (issue 4). A row lives from GET /api/auth/login until the
-- callback consumes it (deleted on use, so a replayed callback finds nothing) or it expires (~10 min).
CREATE TABLE sign_in_attempts (
  state_hash text PRIMARY KEY,
  code_verifier text NOT NULL,
  nonce text NOT NULL,
  return_to text NOT NULL,
  expires_at timestamptz NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sign_in_attempts_expires ON sign_in_attempts (expires_at);

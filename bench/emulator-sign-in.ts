/**
 * The browser's part of authorising an iManage connector against the iManage emulator, for the
 * benchmarks: Lexbridge's authorise redirect → the emulator's sign-in form (as jsmith) → Lexbridge's
 * callback, which must report success.
 */
export async function authoriseAtEmulator(
  serverUrl: string,
  cookie: string,
  connectorId: string,
): Promise<void> {
  const start = await fetch(`${serverUrl}/api/connectors/${connectorId}/authorise`, {
    headers: { cookie },
    redirect: 'manual',
  });
  const authorizeUrl = start.headers.get('location');
  if (start.status !== 302 || !authorizeUrl) throw new Error(`authorise: ${start.status}`);
  const form = await (await fetch(authorizeUrl)).text();
  const fields = Object.fromEntries(
    [...form.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [
      m[1] ?? '',
      (m[2] ?? '').replace(/&quot;/g, '"').replace(/&amp;/g, '&'),
    ]),
  );
  const posted = await fetch(new URL('/auth/oauth2/authorize', authorizeUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ ...fields, username: 'jsmith', password: 'password', action: 'sign_in' }),
    redirect: 'manual',
  });
  const callback = posted.headers.get('location');
  if (posted.status !== 302 || !callback) throw new Error(`sign-in: ${posted.status}`);
  const done = await fetch(callback, { headers: { cookie }, redirect: 'manual' });
  if (done.status !== 302 || !/authorised|result=ok|success/i.test(done.headers.get('location') ?? '')) {
    throw new Error(`callback: ${done.status} ${done.headers.get('location')}`);
  }
}

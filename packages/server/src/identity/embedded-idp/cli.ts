import { hashPassword } from './passwords.ts';

/**
 * `lexbridge users hash-password`: prints a passwordHash for the embedded provider's users file. The
 * password is read from standard input (not the command line, which shell history keeps):
 *   printf '%s' 'correct horse' | lexbridge users hash-password
 */
export async function usersCommand(args: string[]): Promise<number> {
  if (args[0] !== 'hash-password') {
    console.error('Usage: lexbridge users hash-password   (reads the password from standard input)');
    return 2;
  }
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const password = Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
  if (!password) {
    console.error(
      'No password on standard input. Example: printf "%s" "the password" | lexbridge users hash-password',
    );
    return 2;
  }
  console.log(await hashPassword(password));
  return 0;
}

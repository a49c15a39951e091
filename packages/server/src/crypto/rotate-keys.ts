import type { Lexbridge } from '../context.ts';
import { addKeyToFile } from './keys.ts';
import { type RotationReport, rotateSecrets } from './rotate.ts';
import { SecretBox } from './secret-box.ts';

/**
 * `lexbridge keys rotate`. With a local key file, a new key is generated and becomes primary. With
 * LEXBRIDGE_ENCRYPTION_KEYS, the operator has already put the new key first; every value is then
 * re-encrypted under it. Old keys stay readable until the operator removes them.
 */
export async function rotateKeys(lexbridge: Lexbridge): Promise<RotationReport & { primaryKeyId: string }> {
  if (lexbridge.keySource === 'key-file') {
    lexbridge.secrets = new SecretBox(await addKeyToFile(lexbridge.config.dataDir));
  }
  const report = await rotateSecrets(lexbridge.store.sql, lexbridge.secrets);
  lexbridge.log.info(
    { ...report, primaryKeyId: lexbridge.secrets.primary.id },
    'secrets re-encrypted under the primary key',
  );
  return { ...report, primaryKeyId: lexbridge.secrets.primary.id };
}

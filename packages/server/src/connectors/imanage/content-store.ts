import type { ContentStore } from '../content.ts';
import { AppError } from '../../errors.ts';
import type { Lexbridge } from '../../runtime.ts';

/** iManage content for workflows (adapter over the Work API client; being written). */
export async function openImanageContentStore(_lexbridge: Lexbridge, _key: { connectorId: string; userId: string }): Promise<ContentStore> {
  throw new AppError('workflow_location_unavailable', 'iManage locations cannot be used in workflows on this server yet.');
}

import type { Adapter, AdapterPayload } from 'oidc-provider';

/**
 * In-memory storage for an oidc-provider that lives in one process (the embedded provider, test
 * providers). Sessions at the provider are lost on restart, which only means signing in to it again;
 * Lexbridge's own sessions live in the database.
 */
export function createMemoryAdapter(): new (model: string) => Adapter {
  const entries = new Map<string, { payload: AdapterPayload; expiresAt: number }>();
  const uids = new Map<string, string>();
  const userCodes = new Map<string, string>();

  const read = (key: string): AdapterPayload | undefined => {
    const entry = entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= Date.now()) {
      entries.delete(key);
      return undefined;
    }
    return entry.payload;
  };
  const sweep = () => {
    const now = Date.now();
    for (const [key, entry] of entries) if (entry.expiresAt <= now) entries.delete(key);
  };

  return class MemoryAdapter implements Adapter {
    constructor(private readonly model: string) {}

    private key(id: string) {
      return `${this.model}:${id}`;
    }

    async upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
      if (entries.size > 2000) sweep();
      entries.set(this.key(id), { payload, expiresAt: Date.now() + expiresIn * 1000 });
      if (payload.uid) uids.set(`${this.model}:${payload.uid}`, id);
      if (payload.userCode) userCodes.set(`${this.model}:${payload.userCode}`, id);
    }

    async find(id: string): Promise<AdapterPayload | undefined> {
      return read(this.key(id));
    }

    async findByUid(uid: string): Promise<AdapterPayload | undefined> {
      const id = uids.get(`${this.model}:${uid}`);
      return id ? read(this.key(id)) : undefined;
    }

    async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
      const id = userCodes.get(`${this.model}:${userCode}`);
      return id ? read(this.key(id)) : undefined;
    }

    async consume(id: string): Promise<void> {
      const payload = read(this.key(id));
      if (payload) payload.consumed = Math.floor(Date.now() / 1000);
    }

    async destroy(id: string): Promise<void> {
      entries.delete(this.key(id));
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      for (const [key, entry] of entries) if (entry.payload.grantId === grantId) entries.delete(key);
    }
  };
}

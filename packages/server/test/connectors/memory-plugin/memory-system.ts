import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import {
  ContentError,
  type ContentItem,
  type ContentStore,
  type ContentStoreCapabilities,
  type WriteDocumentOptions,
  type WrittenDocument,
} from '../../../src/connectors/content.ts';

/**
 * A document system that lives in memory: folders and documents per account, reached only with an
 * access token that `checkToken` accepts (the test identity provider's). It stands in for a remote
 * system such as SharePoint, so the test-only plug-in can prove the seam without any network API.
 */
interface Entry {
  id: string;
  kind: 'folder' | 'document';
  name: string;
  parentId: string;
  content?: Buffer;
  modifiedAt: Date;
  version: number;
}

export class MemorySystem {
  private readonly entries = new Map<string, Entry>();
  private next = 1;
  /** Tokens it has seen, per call, so the test can see which token the seam handed over. */
  readonly tokensSeen: string[] = [];
  /** Answers 401 to this token once, as a system does after revoking it. */
  rejectOnce: string | undefined;

  constructor(readonly checkToken: (token: string) => Promise<string | undefined>) {}

  /** Resolves the account a token belongs to, or throws what the engine needs to see. */
  async authenticate(token: string): Promise<string> {
    this.tokensSeen.push(token);
    if (this.rejectOnce === token) {
      this.rejectOnce = undefined;
      throw new ContentError('content_reauthorise', 'the system rejected the access token');
    }
    const account = await this.checkToken(token);
    if (!account) throw new ContentError('content_reauthorise', 'the system rejected the access token');
    return account;
  }

  get(id: string): Entry | undefined {
    return this.entries.get(id);
  }

  children(parentId: string): Entry[] {
    return [...this.entries.values()].filter((e) => e.parentId === parentId);
  }

  add(parentId: string, kind: 'folder' | 'document', name: string, content?: string | Buffer): Entry {
    const entry: Entry = {
      id: `${kind === 'folder' ? 'F' : 'D'}${this.next++}`,
      kind,
      name,
      parentId,
      ...(content !== undefined ? { content: Buffer.from(content) } : {}),
      modifiedAt: new Date(),
      version: 1,
    };
    this.entries.set(entry.id, entry);
    return entry;
  }

  update(id: string, content: string | Buffer): void {
    const entry = this.entries.get(id)!;
    entry.content = Buffer.from(content);
    entry.version++;
    entry.modifiedAt = new Date(Date.now() + 1000);
  }

  remove(id: string): void {
    for (const child of this.children(id)) this.remove(child.id);
    this.entries.delete(id);
  }
}

/** The system as a ContentStore for one user: every call presents the user's current token. */
export class MemoryContentStore implements ContentStore {
  readonly capabilities: ContentStoreCapabilities = {
    versions: false,
    changeQuery: false,
    names: { windows: false, maxBytes: 255 },
    replacesByName: false,
  };

  constructor(
    private readonly system: MemorySystem,
    private readonly token: () => Promise<string>,
    private readonly renew: (stale: string) => Promise<string>,
  ) {}

  /** Calls the system with the current token, renewing it once when the system rejects it. */
  private async authorised(): Promise<void> {
    const token = await this.token();
    try {
      await this.system.authenticate(token);
    } catch (err) {
      if (!(err instanceof ContentError) || err.code !== 'content_reauthorise') throw err;
      await this.system.authenticate(await this.renew(token));
    }
  }

  private item(entry: Entry): ContentItem {
    return {
      id: entry.id,
      kind: entry.kind,
      name: entry.name,
      parentId: entry.parentId,
      modifiedAt: entry.modifiedAt,
      version: String(entry.version),
      ...(entry.content ? { size: entry.content.length } : {}),
      ...(entry.content
        ? { checksum: `sha256:${createHash('sha256').update(entry.content).digest('hex')}` }
        : {}),
    };
  }

  private entry(id: string): Entry {
    const found = this.system.get(id);
    if (!found) throw new ContentError('content_not_found', `${id} does not exist`);
    return found;
  }

  async getItem(id: string): Promise<ContentItem> {
    await this.authorised();
    if (id === '') return { id: '', kind: 'folder', name: '', parentId: null };
    return this.item(this.entry(id));
  }

  async ancestors(id: string): Promise<ContentItem[]> {
    await this.authorised();
    const out: ContentItem[] = [];
    for (let parent = this.entry(id).parentId; parent; parent = this.entry(parent).parentId)
      out.unshift(this.item(this.entry(parent)));
    return out;
  }

  async *listChildren(folderId: string): AsyncIterable<ContentItem> {
    await this.authorised();
    for (const child of this.system.children(folderId)) yield this.item(child);
  }

  async findChild(parentId: string, name: string): Promise<ContentItem | null> {
    await this.authorised();
    const found = this.system.children(parentId).find((c) => c.name === name);
    return found ? this.item(found) : null;
  }

  async openRead(item: ContentItem): Promise<{ stream: Readable; size?: number }> {
    await this.authorised();
    const content = this.entry(item.id).content ?? Buffer.alloc(0);
    return { stream: Readable.from([content]), size: content.length };
  }

  async writeDocument(
    parentId: string,
    name: string,
    content: Readable,
    options: WriteDocumentOptions = {},
  ): Promise<WrittenDocument> {
    await this.authorised();
    const chunks: Buffer[] = [];
    for await (const chunk of content) chunks.push(Buffer.from(chunk as Buffer));
    const bytes = Buffer.concat(chunks);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    await options.verify?.({ size: bytes.length, sha256 });
    let entry: Entry;
    if (options.existingId) {
      this.system.update(options.existingId, bytes);
      entry = this.entry(options.existingId);
    } else entry = this.system.add(parentId, 'document', name, bytes);
    return { item: this.item(entry), size: bytes.length, sha256 };
  }

  async createFolder(parentId: string, name: string): Promise<ContentItem> {
    await this.authorised();
    const existing = this.system.children(parentId).find((c) => c.name === name && c.kind === 'folder');
    return this.item(existing ?? this.system.add(parentId, 'folder', name));
  }

  async relocate(item: ContentItem, target: { parentId: string; name: string }): Promise<ContentItem> {
    await this.authorised();
    const entry = this.entry(item.id);
    entry.parentId = target.parentId;
    entry.name = target.name;
    return this.item(entry);
  }

  async delete(item: ContentItem): Promise<void> {
    await this.authorised();
    this.system.remove(item.id);
  }

  async rights(): Promise<{ read: boolean; write: boolean }> {
    await this.authorised();
    return { read: true, write: true };
  }
}

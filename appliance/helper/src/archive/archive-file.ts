import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Decrypter, Encrypter } from 'age-encryption';
import * as tar from 'tar';
import { helperError, HelperError } from '../errors';
import { DATABASE_MEMBER, MANIFEST_NAME, parseManifest, SETTINGS_PREFIX, type Manifest } from './manifest';

/**
 * The backup file: a gzip-compressed tar (manifest.json first, then database.dump and
 * etc/openoig/...), optionally encrypted whole with a passphrase by age (authenticated: a wrong
 * passphrase or a changed byte is refused). Reading extracts into a scratch directory and
 * checks every member against the manifest before the caller uses any of it.
 */
const AGE_MAGIC = Buffer.from('age-encryption.org/v1\n');
const GZIP_MAGIC = Buffer.from([0x1f, 0x8b]);

export async function sha256File(file: string): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of createReadStream(file)) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { sha256: hash.digest('hex'), size };
}

/** Writes the staged tree (manifest.json, database.dump, etc/) as one archive, atomically. */
export async function writeArchive(staged: string, file: string, passphrase: string | undefined): Promise<void> {
  const partial = `${file}.partial`;
  try {
    // tar answers a Minipass stream; Readable.from makes it the Node stream that pipeline and toWeb take.
    const packed = Readable.from(tar.c({ gzip: true, cwd: staged, portable: true }, [MANIFEST_NAME, DATABASE_MEMBER, 'etc']));
    const out = createWriteStream(partial, { mode: 0o600 });
    if (passphrase === undefined) {
      await pipeline(packed, out);
    } else {
      const encrypter = new Encrypter();
      encrypter.setPassphrase(passphrase);
      const encrypted = await encrypter.encrypt(Readable.toWeb(packed) as ReadableStream<Uint8Array>);
      await pipeline(Readable.from(chunksOf(encrypted)), out);
    }
    await rename(partial, file);
  } catch (err) {
    await rm(partial, { force: true });
    throw err;
  }
}

/** age answers with its own ReadableStream class, which Node's Readable.fromWeb does not take. */
async function* chunksOf(stream: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    yield value;
  }
}

async function leadingBytes(file: string, count: number): Promise<Buffer> {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(count);
    const { bytesRead } = await handle.read(buffer, 0, count, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

export async function isEncrypted(file: string): Promise<boolean> {
  return (await leadingBytes(file, AGE_MAGIC.length)).equals(AGE_MAGIC);
}

async function decryptedStream(file: string, passphrase: string | undefined): Promise<Readable> {
  const head = await leadingBytes(file, AGE_MAGIC.length);
  if (head.subarray(0, 2).equals(GZIP_MAGIC)) return createReadStream(file);
  if (!head.equals(AGE_MAGIC)) throw helperError('OIG_BACKUP_CORRUPT', 'This is not an OpenOIG backup: it is neither a compressed archive nor an encrypted one.');
  if (passphrase === undefined) throw helperError('OIG_BACKUP_PASSPHRASE_REQUIRED', 'The backup is encrypted: give its passphrase to restore it.');
  const decrypter = new Decrypter();
  decrypter.addPassphrase(passphrase);
  try {
    const plain = await decrypter.decrypt(Readable.toWeb(createReadStream(file)) as ReadableStream<Uint8Array>);
    return Readable.from(chunksOf(plain));
  } catch (err) {
    const message = (err as Error).message ?? '';
    if (/passphrase|identity|recipient|stanza|scrypt/i.test(message)) throw helperError('OIG_BACKUP_WRONG_PASSPHRASE', 'The passphrase does not open this backup.');
    throw helperError('OIG_BACKUP_CORRUPT', `The backup is damaged: its encryption header cannot be read (${message}).`);
  }
}

async function filesUnder(dir: string, prefix = ''): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(path.join(dir, prefix), { withFileTypes: true })) {
    const relative = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) found.push(...(await filesUnder(dir, relative)));
    else found.push(relative);
  }
  return found;
}

/**
 * Extracts an archive into `into` (an empty scratch directory) and checks it whole: only
 * regular files and directories, only listed members, each with its size and checksum.
 * Returns the manifest; throws a coded refusal that says what is wrong.
 */
export async function openArchive(file: string, into: string, passphrase: string | undefined): Promise<Manifest> {
  const source = await decryptedStream(file, passphrase);
  let refused: HelperError | undefined;
  const unpack = tar.x({
    cwd: into,
    strict: true,
    preserveOwner: false,
    filter: (entryPath: string, entry: unknown) => {
      const type = (entry as { type?: string }).type;
      const clean = entryPath.replace(/\/$/, '');
      const allowed = clean === MANIFEST_NAME || clean === DATABASE_MEMBER || clean === 'etc' || clean === 'etc/openoig' || clean.startsWith(SETTINGS_PREFIX);
      if (!allowed || (type !== 'File' && type !== 'Directory') || clean.split('/').includes('..')) {
        refused ??= helperError('OIG_BACKUP_CORRUPT', `The backup holds a member it must not: ${JSON.stringify(entryPath)} (${type}).`);
        return false;
      }
      return true;
    },
  }) as unknown as Writable;
  try {
    await pipeline(source, unpack);
  } catch (err) {
    if (err instanceof HelperError) throw err;
    throw helperError('OIG_BACKUP_CORRUPT', `The backup is damaged or incomplete: ${(err as Error).message}.`);
  }
  if (refused) throw refused;
  const manifestText = await readFile(path.join(into, MANIFEST_NAME), 'utf8').catch(() => {
    throw helperError('OIG_BACKUP_CORRUPT', 'The backup is damaged or incomplete: it has no manifest.');
  });
  const manifest = parseManifest(manifestText);
  const listed = new Set(manifest.members.map((m) => m.path));
  for (const member of manifest.members) {
    const actual = await sha256File(path.join(into, member.path)).catch(() => null);
    if (!actual) throw helperError('OIG_BACKUP_CORRUPT', `The backup is damaged or incomplete: ${member.path} is missing.`);
    if (actual.size !== member.size || actual.sha256 !== member.sha256) throw helperError('OIG_BACKUP_CORRUPT', `The backup is damaged or was changed: ${member.path} does not match its checksum.`);
  }
  const extra = (await filesUnder(into)).filter((f) => f !== MANIFEST_NAME && !listed.has(f));
  if (extra.length > 0) throw helperError('OIG_BACKUP_CORRUPT', `The backup holds a file its manifest does not list: ${extra[0]}.`);
  return manifest;
}

export async function fileSize(file: string): Promise<number> {
  return (await stat(file)).size;
}

import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import readline from 'node:readline';
import { Readable } from 'node:stream';
import type { HelperConfig } from '../config';
import { helperError } from '../errors';
import type { HelperLog } from '../helper-service';
import type { LogDownload, LogLines, LogSource } from '../protocol';

/**
 * Server Manager, View log files: the latest lines of a log (optionally those holding a text)
 * and the log as a download. Logs are read newest first — a file backwards in chunks, the journal
 * with `journalctl -r` — and only as far as needed, so a large log is never read whole into
 * memory: the view holds at most the lines it answers, a download is streamed.
 */
const MIB = 1024 * 1024;
/** A line longer than this is cut in the view, so the answer stays one modest JSON line. */
export const LOG_LINE_MAX_CHARS = 2000;
/** A filter looks through at most this much of the log, newest first (then `complete` is false). */
export const LOG_SCAN_MAX_BYTES = 32 * MIB;
const CHUNK_BYTES = 64 * 1024;
/** What of one line is kept while reading backwards (nginx lines are a few KiB at most). */
const LINE_KEEP_BYTES = MIB;

const unreadable = (what: string, why: string) => helperError('OIG_LOG_UNREADABLE', `The helper cannot read ${what}: ${why}`);

/** A file's lines, newest first; none when it does not exist (nginx has not written it yet). */
async function* fileNewestFirst(file: string): AsyncGenerator<string> {
  const handle = await open(file, 'r').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined;
    throw unreadable(file, err.code ?? err.message);
  });
  if (!handle) return;
  try {
    let position = (await handle.stat()).size;
    let carry = Buffer.alloc(0);
    let atEnd = true;
    while (position > 0) {
      const size = Math.min(CHUNK_BYTES, position);
      position -= size;
      const chunk = Buffer.alloc(size);
      await handle.read(chunk, 0, size, position);
      const buffer = carry.length > 0 ? Buffer.concat([chunk, carry]) : chunk;
      let end = buffer.length;
      // The file's final newline ends its last line; it starts no empty one.
      if (atEnd && buffer[end - 1] === 0x0a) end -= 1;
      atEnd = false;
      let newline: number;
      // (lastIndexOf with a negative offset would count from the end: hence end > 0.)
      while (end > 0 && (newline = buffer.lastIndexOf(0x0a, end - 1)) >= 0) {
        yield buffer.subarray(newline + 1, end).toString('utf8');
        end = newline;
      }
      // The start of this line is further back; of a huge one only its beginning side is kept.
      carry = Buffer.from(buffer.subarray(0, Math.min(end, LINE_KEEP_BYTES)));
    }
    if (carry.length > 0) yield carry.toString('utf8');
  } finally {
    await handle.close();
  }
}

export class LogFiles {
  constructor(
    private readonly config: HelperConfig['logs'],
    private readonly log: HelperLog,
  ) {}

  private journal(unit: string, extra: readonly string[]): ChildProcessWithoutNullStreams {
    const [program, ...args] = this.config.journalCommand as [string, ...string[]];
    // --quiet: no "-- No entries --" or boot markers, which are not lines of the log.
    return spawn(program, [...args, '-u', unit, '-o', 'short-iso', '--no-pager', '--quiet', ...extra], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin', LANG: 'C.UTF-8' },
    });
  }

  /** The unit's lines newest first (at most `limit`); journalctl is stopped when the reader stops. */
  private async *journalNewestFirst(unit: string, limit: number | undefined): AsyncGenerator<string> {
    const child = this.journal(unit, ['-r', ...(limit ? ['-n', String(limit)] : [])]);
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
    child.stdin.end();
    const exited = new Promise<number | null>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (code) => resolve(code));
    });
    exited.catch(() => {});
    let finished = false;
    try {
      for await (const line of readline.createInterface({ input: child.stdout, crlfDelay: Infinity })) yield line;
      const code = await exited;
      finished = true;
      if (code !== 0) throw unreadable(`the journal of ${unit}`, `journalctl ended with code ${code}: ${stderr.trim().split('\n').slice(-3).join(' | ')}`);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw unreadable(`the journal of ${unit}`, `no ${this.config.journalCommand[0]}`);
      throw err;
    } finally {
      if (!finished && child.exitCode === null) child.kill();
    }
  }

  private newestFirst(source: LogSource, limit: number | undefined): AsyncGenerator<string> {
    const place = this.config.sources[source];
    return 'unit' in place ? this.journalNewestFirst(place.unit, limit) : fileNewestFirst(place.file);
  }

  /**
   * The newest `count` lines (holding `filter`, case-insensitively, when given), oldest first.
   * One more than asked is looked for, so `complete` is only true when the log has no more.
   */
  async latest(source: LogSource, filter: string | undefined, count: number): Promise<LogLines> {
    const needle = filter?.toLowerCase();
    const found: string[] = [];
    let scanned = 0;
    let complete = true;
    for await (const line of this.newestFirst(source, needle ? undefined : count + 1)) {
      scanned += Buffer.byteLength(line) + 1;
      if (!needle || line.toLowerCase().includes(needle)) {
        if (found.length === count) {
          complete = false;
          break;
        }
        found.push(line.length > LOG_LINE_MAX_CHARS ? `${line.slice(0, LOG_LINE_MAX_CHARS)} …` : line);
      }
      if (scanned >= LOG_SCAN_MAX_BYTES) {
        complete = false;
        break;
      }
    }
    return { source, filter: filter ?? null, lines: found.reverse(), complete };
  }

  /**
   * The whole log, or about its last `lastMiB` MiB in whole lines, as a stream. A file is read
   * from the first line that starts in that tail; the journal cannot be cut by bytes, so its
   * newest lines are counted first (newest first, nothing kept) and then that many asked for.
   */
  async download(source: LogSource, lastMiB: number | undefined): Promise<{ info: LogDownload; bytes: Readable }> {
    const place = this.config.sources[source];
    const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
    const info: LogDownload = { source, fileName: `openoig-${source}-${stamp}.log`, lastMiB: lastMiB ?? null };
    const bytes = 'unit' in place ? await this.journalText(place.unit, lastMiB) : await fileText(place.file, lastMiB);
    return { info, bytes };
  }

  private async journalText(unit: string, lastMiB: number | undefined): Promise<Readable> {
    let lines: number | undefined;
    if (lastMiB) {
      let counted = 0;
      let bytes = 0;
      for await (const line of this.journalNewestFirst(unit, undefined)) {
        counted += 1;
        bytes += Buffer.byteLength(line) + 1;
        if (bytes >= lastMiB * MIB) {
          lines = counted;
          break;
        }
      }
    }
    const child = this.journal(unit, lines ? ['-n', String(lines)] : []);
    child.stdin.end();
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
    // Refused at once (no journalctl, no access) is an error answer; a failure half-way can only
    // end the text early, so it is logged.
    const first = await new Promise<'output' | { code: number | null } | Error>((resolve) => {
      // 'readable' also comes at the end of an empty output: then the exit code says.
      child.stdout.once('readable', () => child.stdout.readableLength > 0 && resolve('output'));
      child.once('close', (code) => resolve({ code }));
      child.once('error', resolve);
    });
    if (first instanceof Error) throw unreadable(`the journal of ${unit}`, (first as NodeJS.ErrnoException).code ?? first.message);
    if (first !== 'output' && first.code !== 0) throw unreadable(`the journal of ${unit}`, `journalctl ended with code ${first.code}: ${stderr.trim()}`);
    child.once('close', (code, signal) => {
      if (code !== 0 && !signal) this.log.error({ unit, code, stderr: stderr.trim().slice(-500) }, 'journalctl failed during a log download');
    });
    return child.stdout;
  }
}

/** A file whole, or from the first line that starts in its last `lastMiB` MiB. */
async function fileText(file: string, lastMiB: number | undefined): Promise<Readable> {
  const size = await stat(file).then(
    (s) => s.size,
    (err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return -1;
      throw unreadable(file, err.code ?? err.message);
    },
  );
  if (size < 0) return Readable.from([]);
  let start = lastMiB ? Math.max(0, size - lastMiB * MIB) : 0;
  if (start > 0) {
    const handle = await open(file, 'r');
    try {
      const probe = Buffer.alloc(CHUNK_BYTES);
      const { bytesRead } = await handle.read(probe, 0, CHUNK_BYTES, start - 1);
      const newline = probe.subarray(0, bytesRead).indexOf(0x0a);
      // `start - 1`: a tail that begins right after a newline keeps that whole line.
      if (newline >= 0) start += newline;
    } finally {
      await handle.close();
    }
  }
  const stream = createReadStream(file, { start });
  await new Promise<void>((resolve, reject) => {
    stream.once('open', () => resolve());
    stream.once('error', (err: NodeJS.ErrnoException) => reject(unreadable(file, err.code ?? err.message)));
  });
  return stream;
}

/**
 * Frames of the controller link (docs/pbx-link-protocol.md, "Transport and framing"): a 4-byte
 * unsigned big-endian length N, then N bytes of UTF-8 JSON holding one object, 1 ≤ N ≤ 1 MiB.
 * This module knows bytes and JSON objects only; what the objects mean is `protocol/`.
 */
export const MAX_FRAME_BYTES = 1_048_576;
const HEADER_BYTES = 4;

export type FrameErrorReason = 'EMPTY' | 'TOO_LARGE' | 'INVALID_UTF8' | 'INVALID_JSON' | 'NOT_AN_OBJECT' | 'TRUNCATED';

/** A byte stream that breaks the framing rules; the connection carrying it must be closed. */
export class FrameError extends Error {
  constructor(
    readonly reason: FrameErrorReason,
    message: string,
  ) {
    super(message);
    this.name = 'FrameError';
  }
}

export type JsonObject = Record<string, unknown>;

export function encodeFrame(message: JsonObject): Buffer {
  const body = Buffer.from(JSON.stringify(message), 'utf8');
  if (body.length > MAX_FRAME_BYTES) {
    throw new FrameError('TOO_LARGE', `frame of ${body.length} bytes exceeds the ${MAX_FRAME_BYTES}-byte limit`);
  }
  const frame = Buffer.allocUnsafe(HEADER_BYTES + body.length);
  frame.writeUInt32BE(body.length, 0);
  body.copy(frame, HEADER_BYTES);
  return frame;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function decodeBody(body: Buffer): JsonObject {
  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    throw new FrameError('INVALID_UTF8', `frame of ${body.length} bytes is not valid UTF-8`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new FrameError('INVALID_JSON', `frame is not JSON: ${(err as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new FrameError('NOT_AN_OBJECT', `frame holds a JSON ${Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value}, not an object`);
  }
  return value as JsonObject;
}

/**
 * Incremental decoder: feed it TCP chunks as they come; frames may be split across chunks or
 * packed several to a chunk. Chunks are kept as received and joined only once a whole frame
 * is there, so a large frame arriving in many chunks is copied once. After a FrameError the
 * decoder stays broken (the stream has lost its frame boundaries).
 */
export class FrameDecoder {
  private chunks: Buffer[] = [];
  private buffered = 0;
  /** Body length of the frame being received, once its header is complete. */
  private expected: number | undefined;
  private failure: FrameError | undefined;

  /** Bytes received that do not yet make a whole frame. */
  get pendingBytes(): number {
    return this.buffered + (this.expected === undefined ? 0 : HEADER_BYTES);
  }

  /** The objects of every frame the chunk completes, in order; throws at the first bad frame. */
  *push(chunk: Buffer): Generator<JsonObject, void, undefined> {
    if (this.failure) throw this.failure;
    if (chunk.length > 0) {
      this.chunks.push(chunk);
      this.buffered += chunk.length;
    }
    try {
      for (;;) {
        if (this.expected === undefined) {
          if (this.buffered < HEADER_BYTES) return;
          const length = this.take(HEADER_BYTES).readUInt32BE(0);
          if (length === 0) throw new FrameError('EMPTY', 'frame of length 0');
          if (length > MAX_FRAME_BYTES) {
            throw new FrameError('TOO_LARGE', `frame of ${length} bytes announced, over the ${MAX_FRAME_BYTES}-byte limit`);
          }
          this.expected = length;
        }
        if (this.buffered < this.expected) return;
        const body = this.take(this.expected);
        this.expected = undefined;
        yield decodeBody(body);
      }
    } catch (err) {
      if (err instanceof FrameError) {
        this.failure = err;
        this.chunks = [];
        this.buffered = 0;
      }
      throw err;
    }
  }

  /** The stream ended: bytes of an unfinished frame mean it was cut short. */
  end(): void {
    if (this.failure) throw this.failure;
    if (this.buffered > 0 || this.expected !== undefined) {
      const have = this.buffered;
      this.failure = new FrameError(
        'TRUNCATED',
        this.expected === undefined ? `stream ended inside a frame header (${have} of ${HEADER_BYTES} bytes)` : `stream ended inside a frame (${have} of ${this.expected} bytes)`,
      );
      throw this.failure;
    }
  }

  /** Removes and returns the first `n` buffered bytes (n ≤ buffered). */
  private take(n: number): Buffer {
    const first = this.chunks[0] as Buffer;
    let out: Buffer;
    if (first.length >= n) {
      out = first.subarray(0, n);
      if (first.length === n) this.chunks.shift();
      else this.chunks[0] = first.subarray(n);
    } else {
      out = Buffer.allocUnsafe(n);
      let copied = 0;
      while (copied < n) {
        const head = this.chunks[0] as Buffer;
        const part = Math.min(head.length, n - copied);
        head.copy(out, copied, 0, part);
        copied += part;
        if (part === head.length) this.chunks.shift();
        else this.chunks[0] = head.subarray(part);
      }
    }
    this.buffered -= n;
    return out;
  }
}

/**
 * Framing of the PBX link (docs/pbx-link-protocol.md "Transport and framing"): a 4-byte unsigned
 * big-endian length N, then N bytes of UTF-8 JSON holding one object, 1 ≤ N ≤ 1 MiB.
 */
export const MAX_FRAME_BYTES = 1_048_576;

export class FrameError extends Error {
  override readonly name = 'FrameError';
}

export function encodeFrame(json: string): Buffer {
  const bodyLength = Buffer.byteLength(json, 'utf8');
  if (bodyLength > MAX_FRAME_BYTES) throw new FrameError(`frame of ${bodyLength} bytes is over the ${MAX_FRAME_BYTES} limit`);
  const frame = Buffer.allocUnsafe(4 + bodyLength);
  frame.writeUInt32BE(bodyLength, 0);
  frame.write(json, 4, 'utf8');
  return frame;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Splits a byte stream into frames; throws FrameError on the first bad one. */
export class FrameDecoder {
  private buffer: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): Record<string, unknown>[] {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    const frames: Record<string, unknown>[] = [];
    while (this.buffer.length >= 4) {
      const length = this.buffer.readUInt32BE(0);
      if (length === 0 || length > MAX_FRAME_BYTES) throw new FrameError(`frame length ${length} is outside 1..${MAX_FRAME_BYTES}`);
      if (this.buffer.length < 4 + length) break;
      const body = this.buffer.subarray(4, 4 + length);
      this.buffer = this.buffer.subarray(4 + length);
      frames.push(parseBody(body));
    }
    return frames;
  }
}

function parseBody(body: Buffer): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(utf8.decode(body));
  } catch (err) {
    throw new FrameError(`frame is not UTF-8 JSON: ${(err as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new FrameError('frame is not a JSON object');
  if (typeof (value as { type?: unknown }).type !== 'string') throw new FrameError('frame has no "type"');
  return value as Record<string, unknown>;
}

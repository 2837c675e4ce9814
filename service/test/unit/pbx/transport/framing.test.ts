import { describe, expect, it } from 'vitest';
import { encodeFrame, FrameDecoder, FrameError, MAX_FRAME_BYTES, type FrameErrorReason } from '../../../../src/pbx/transport/framing';

function header(length: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(length);
  return b;
}

function raw(body: Buffer | string): Buffer {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  return Buffer.concat([header(bytes.length), bytes]);
}

function failure(fn: () => unknown): FrameErrorReason {
  try {
    fn();
  } catch (err) {
    if (err instanceof FrameError) return err.reason;
    throw err;
  }
  throw new Error('no FrameError thrown');
}

describe('encodeFrame', () => {
  it('writes a 4-byte big-endian length then the UTF-8 JSON', () => {
    const frame = encodeFrame({ type: 'ping', n: 1, name: 'Zoë' });
    const body = JSON.stringify({ type: 'ping', n: 1, name: 'Zoë' });
    expect(frame.readUInt32BE(0)).toBe(Buffer.byteLength(body));
    expect(frame.subarray(4).toString('utf8')).toBe(body);
  });

  it('refuses a message over 1 MiB', () => {
    expect(failure(() => encodeFrame({ blob: 'x'.repeat(MAX_FRAME_BYTES) }))).toBe('TOO_LARGE');
  });

  it('accepts a message of exactly 1 MiB', () => {
    const filler = 'x'.repeat(MAX_FRAME_BYTES - JSON.stringify({ b: '' }).length);
    const frame = encodeFrame({ b: filler });
    expect(frame.readUInt32BE(0)).toBe(MAX_FRAME_BYTES);
    expect([...new FrameDecoder().push(frame)]).toEqual([{ b: filler }]);
  });
});

describe('FrameDecoder', () => {
  it('decodes a whole frame in one chunk', () => {
    expect([...new FrameDecoder().push(raw('{"type":"pong","n":3}'))]).toEqual([{ type: 'pong', n: 3 }]);
  });

  it('decodes several frames packed in one chunk, in order', () => {
    const chunk = Buffer.concat([raw('{"n":1}'), raw('{"n":2}'), raw('{"n":3}')]);
    expect([...new FrameDecoder().push(chunk)]).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
  });

  it('decodes a frame split across chunks at every byte, header included', () => {
    const bytes = Buffer.concat([raw('{"type":"event","seq":1,"dn":"1000"}'), raw('{"n":2}')]);
    for (let cut = 1; cut < bytes.length; cut++) {
      const decoder = new FrameDecoder();
      const out = [...decoder.push(bytes.subarray(0, cut)), ...decoder.push(bytes.subarray(cut))];
      expect(out).toEqual([{ type: 'event', seq: 1, dn: '1000' }, { n: 2 }]);
      expect(decoder.pendingBytes).toBe(0);
    }
  });

  it('decodes a frame fed one byte at a time, and a multi-byte character split between chunks', () => {
    const bytes = raw('{"name":"Zoë ☎"}');
    const decoder = new FrameDecoder();
    const out = [];
    for (const byte of bytes) out.push(...decoder.push(Buffer.from([byte])));
    expect(out).toEqual([{ name: 'Zoë ☎' }]);
  });

  it('keeps a partial frame after whole ones until the rest arrives', () => {
    const second = raw('{"n":2}');
    const decoder = new FrameDecoder();
    expect([...decoder.push(Buffer.concat([raw('{"n":1}'), second.subarray(0, 6)]))]).toEqual([{ n: 1 }]);
    expect(decoder.pendingBytes).toBe(6);
    expect([...decoder.push(second.subarray(6))]).toEqual([{ n: 2 }]);
  });

  it('refuses a zero-length frame', () => {
    expect(failure(() => [...new FrameDecoder().push(header(0))])).toBe('EMPTY');
  });

  it('refuses an oversize frame as soon as its header arrives', () => {
    expect(failure(() => [...new FrameDecoder().push(header(MAX_FRAME_BYTES + 1))])).toBe('TOO_LARGE');
    expect(failure(() => [...new FrameDecoder().push(Buffer.from([0xff, 0xff, 0xff, 0xff]))])).toBe('TOO_LARGE');
  });

  it('refuses bytes that are not UTF-8', () => {
    expect(failure(() => [...new FrameDecoder().push(raw(Buffer.from([0x7b, 0x22, 0xc3, 0x28, 0x22, 0x7d])))])).toBe('INVALID_UTF8');
    // An overlong encoding of '/' and a lone surrogate, both invalid in UTF-8.
    expect(failure(() => [...new FrameDecoder().push(raw(Buffer.from([0x22, 0xc0, 0xaf, 0x22])))])).toBe('INVALID_UTF8');
    expect(failure(() => [...new FrameDecoder().push(raw(Buffer.from([0x22, 0xed, 0xa0, 0x80, 0x22])))])).toBe('INVALID_UTF8');
  });

  it('refuses a body that is not JSON', () => {
    expect(failure(() => [...new FrameDecoder().push(raw('{"type":'))])).toBe('INVALID_JSON');
    expect(failure(() => [...new FrameDecoder().push(raw('hello'))])).toBe('INVALID_JSON');
  });

  it('refuses JSON that is not an object', () => {
    for (const body of ['[{"type":"ping"}]', 'null', '42', '"ping"', 'true']) {
      expect(failure(() => [...new FrameDecoder().push(raw(body))])).toBe('NOT_AN_OBJECT');
    }
  });

  it('yields the good frames before a bad one, then stays broken', () => {
    const decoder = new FrameDecoder();
    const out: unknown[] = [];
    expect(
      failure(() => {
        for (const m of decoder.push(Buffer.concat([raw('{"n":1}'), header(0), raw('{"n":2}')]))) out.push(m);
      }),
    ).toBe('EMPTY');
    expect(out).toEqual([{ n: 1 }]);
    expect(failure(() => [...decoder.push(raw('{"n":3}'))])).toBe('EMPTY');
  });

  it('reports a stream that ends inside a frame as truncated', () => {
    const truncated = new FrameDecoder();
    expect([...truncated.push(raw('{"n":1}').subarray(0, 7))]).toEqual([]);
    expect(failure(() => truncated.end())).toBe('TRUNCATED');

    const inHeader = new FrameDecoder();
    expect([...inHeader.push(Buffer.from([0, 0]))]).toEqual([]);
    expect(failure(() => inHeader.end())).toBe('TRUNCATED');

    const clean = new FrameDecoder();
    expect([...clean.push(raw('{"n":1}'))]).toEqual([{ n: 1 }]);
    expect(() => clean.end()).not.toThrow();
  });
});

import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Value } from '@sinclair/typebox/value';
import { workDir, type HelperConfig } from './config';
import { failureOf, helperError } from './errors';
import type { HelperLog, HelperService } from './helper-service';
import { networkChangeProblems } from './firstboot/settings';
import { HelperRequest, LOG_LINES_DEFAULT, type Frame } from './protocol';

/**
 * The helper's unix socket (systemd opens it: root:oig 0660, so only root and the gateway's
 * user can connect). One request per connection, as protocol.ts describes; every request is
 * checked against the schema before anything runs, and logged to the journal (the audit trail)
 * with what it names, never a passphrase.
 */
const MAX_REQUEST_LINE = 64 * 1024;

function readRequestLine(socket: net.Socket): Promise<{ line: string; rest: Buffer }> {
  return new Promise((resolve, reject) => {
    let buffered = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      const newline = buffered.indexOf(0x0a);
      if (newline >= 0) {
        cleanup();
        socket.pause();
        resolve({ line: buffered.subarray(0, newline).toString('utf8'), rest: buffered.subarray(newline + 1) });
      } else if (buffered.length > MAX_REQUEST_LINE) {
        cleanup();
        reject(helperError('OIG_HELPER_BAD_REQUEST', `The request line is longer than ${MAX_REQUEST_LINE} bytes.`));
      }
    };
    const onEnd = () => {
      cleanup();
      reject(helperError('OIG_HELPER_BAD_REQUEST', 'The connection ended before a whole request line.'));
    };
    const cleanup = () => {
      socket.off('data', onData);
      socket.off('end', onEnd);
    };
    socket.on('data', onData);
    socket.on('end', onEnd);
  });
}

function parseRequest(line: string): HelperRequest {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    throw helperError('OIG_HELPER_BAD_REQUEST', 'The request is not JSON.');
  }
  if (!Value.Check(HelperRequest, json)) {
    const command = (json as { command?: unknown } | null)?.command;
    throw helperError('OIG_HELPER_BAD_REQUEST', `The helper does not take this request${typeof command === 'string' ? ` (${command.slice(0, 40)})` : ''}: unknown command or wrong fields.`);
  }
  return json;
}

/**
 * Receives an upload's bytes into a root-only scratch file; refuses one cut short or too long.
 * Events, not the socket's async iterator: that destroys the socket when the upload ends, and
 * the answer still has to go back on it.
 */
async function receiveUpload(socket: net.Socket, rest: Buffer, size: number, file: string): Promise<void> {
  const out = createWriteStream(file, { mode: 0o600 });
  let received = 0;
  const done = new Promise<void>((resolve, reject) => {
    const take = (chunk: Buffer): boolean => {
      received += chunk.length;
      if (received > size) {
        socket.off('data', onData);
        reject(helperError('OIG_HELPER_BAD_REQUEST', `The upload is longer than the ${size} bytes it announced.`));
        return false;
      }
      if (!out.write(chunk)) {
        socket.pause();
        out.once('drain', () => socket.resume());
      }
      return true;
    };
    const onData = (chunk: Buffer) => void take(chunk);
    out.once('error', reject);
    if (rest.length > 0 && !take(rest)) return;
    const ended = () => {
      socket.off('data', onData);
      if (received < size) reject(helperError('OIG_BACKUP_CORRUPT', `The upload was cut short: ${received} of ${size} bytes arrived.`));
      else resolve();
    };
    // A small upload can arrive whole with the request line, and its end before this listens.
    if (socket.readableEnded) return ended();
    socket.on('data', onData);
    socket.once('end', ended);
    socket.resume();
  });
  try {
    await done;
  } finally {
    await new Promise<void>((resolve) => out.end(resolve));
  }
}

export function createHelperServer(service: HelperService, config: HelperConfig, log: HelperLog): net.Server {
  return net.createServer({ allowHalfOpen: true }, (socket) => {
    socket.on('error', () => {});
    const send = (frame: Frame) => {
      if (socket.writable) socket.write(`${JSON.stringify(frame)}\n`);
    };
    const progress = (step: string, percent: number) => send({ type: 'progress', step, percent });
    void (async () => {
      let upload: string | undefined;
      try {
        const { line, rest } = await readRequestLine(socket);
        const request = parseRequest(line);
        const named = 'name' in request ? { name: request.name } : 'host' in request ? { host: request.host } : 'target' in request ? { host: request.target.host } : 'action' in request ? { action: request.action } : 'source' in request ? { source: request.source } : {};
        log.info({ command: request.command, ...named, ...('jobId' in request && request.jobId ? { jobId: request.jobId } : {}) }, 'helper request');
        switch (request.command) {
          case 'backup.list':
            send({ type: 'result', value: await service.store.list() });
            break;
          case 'backup.delete':
            await service.store.delete(request.name);
            log.info({ backup: request.name }, 'backup deleted');
            send({ type: 'result', value: null });
            break;
          case 'backup.read': {
            const info = await service.store.info(request.name);
            send({ type: 'download', info });
            await pipeline(createReadStream(service.store.pathOf(request.name)), socket, { end: false });
            break;
          }
          case 'job.status':
            send({ type: 'result', value: await service.jobStatus(request.jobId) });
            break;
          case 'backup.create':
            send({ type: 'result', value: await service.backup(request.passphrase, progress, request.jobId) });
            break;
          case 'restore.stored':
            send({ type: 'result', value: await service.restore(service.store.pathOf(request.name), request.name, request.passphrase, progress, request.jobId) });
            break;
          case 'schedule.get':
            send({ type: 'result', value: await service.scheduled.view() });
            break;
          case 'schedule.set':
            send({ type: 'result', value: await service.scheduled.setSchedule(request.schedule, request.passphrase) });
            break;
          case 'schedule.run':
            send({ type: 'result', value: await service.scheduled.run(request.onlyIfDue, progress) });
            break;
          case 'target.scan':
            send({ type: 'result', value: await service.scheduled.scanTarget(request.host, request.port) });
            break;
          case 'target.set':
            send({ type: 'result', value: await service.scheduled.setTarget(request.target) });
            break;
          case 'target.clear':
            send({ type: 'result', value: await service.scheduled.clearTarget() });
            break;
          case 'target.list':
            send({ type: 'result', value: await service.scheduled.listRemote() });
            break;
          case 'restore.remote':
            send({ type: 'result', value: await service.scheduled.restoreRemote(request.name, request.passphrase, progress, request.jobId) });
            break;
          case 'network.get':
            send({ type: 'result', value: await service.network.view() });
            break;
          case 'network.set': {
            const problems = networkChangeProblems(request.change);
            if (Object.keys(problems).length > 0) throw helperError('OIG_NETWORK_INVALID', Object.values(problems).join('; '));
            service.checkIdle();
            send({ type: 'result', value: await service.network.change(request.change) });
            break;
          }
          case 'certificate.get':
            send({ type: 'result', value: await service.certificates.view() });
            break;
          case 'certificate.install':
            send({ type: 'result', value: await service.certificates.install(request.install) });
            break;
          case 'certificate.request':
            send({ type: 'result', value: await service.certificates.makeRequest(request.fields) });
            break;
          case 'blades.get':
            send({ type: 'result', value: await service.blades.view() });
            break;
          case 'blades.update':
            send({ type: 'result', value: await service.blades.updateList() });
            break;
          case 'trusted.get':
            send({ type: 'result', value: await service.trustedNetworks.view() });
            break;
          case 'trusted.set':
            send({ type: 'result', value: await service.trustedNetworks.change(request.change.networks, request.requester) });
            break;
          case 'network.confirm':
            send({ type: 'result', value: await service.network.confirm(request.token) });
            break;
          case 'time.get':
            send({ type: 'result', value: await service.dateTime.view() });
            break;
          case 'time.set':
            send({ type: 'result', value: await service.dateTime.change(request.change) });
            break;
          case 'logs.read':
            send({ type: 'result', value: await service.logs.latest(request.source, request.filter, request.lines ?? LOG_LINES_DEFAULT) });
            break;
          case 'logs.download': {
            // Streamed after its frame, as a backup is: a log can be far larger than any frame.
            const { info, bytes } = await service.logs.download(request.source, request.lastMiB);
            send({ type: 'log', info });
            await pipeline(bytes, socket, { end: false });
            break;
          }
          case 'power.action':
            send({ type: 'result', value: service.power(request.action) });
            break;
          case 'restore.upload': {
            service.checkIdle();
            await mkdir(workDir(config), { recursive: true, mode: 0o700 });
            upload = path.join(workDir(config), `upload-${randomUUID()}.bin`);
            progress('receiving', 1);
            await receiveUpload(socket, rest, request.size, upload);
            send({ type: 'result', value: await service.restore(upload, 'an uploaded backup', request.passphrase, progress, request.jobId) });
            break;
          }
        }
      } catch (err) {
        const failure = failureOf(err);
        if (failure.code === 'OIG_HELPER_INTERNAL') log.error({ err: failure.message }, 'helper request failed');
        send({ type: 'error', code: failure.code, message: failure.message });
      } finally {
        if (upload) await rm(upload, { force: true });
        socket.end();
      }
    })();
  });
}

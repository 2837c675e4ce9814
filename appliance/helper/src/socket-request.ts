import net from 'node:net';
import { HelperError } from './errors';
import { HELPER_ERROR_CODES, type Frame, type HelperErrorCode, type HelperRequest } from './protocol';

/**
 * One request to the running helper over its socket, as the gateway's client makes them: the
 * hourly timer asks this way (not in a process of its own), so the helper's one-job-at-a-time
 * rule holds for scheduled backups too.
 */
export function askHelper(socketPath: string, request: HelperRequest, onProgress: (step: string, percent: number) => void): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const socket = net.createConnection(socketPath);
    let buffered = '';
    let answered = false;
    const settle = (frame: Frame) => {
      if (frame.type === 'progress') return onProgress(frame.step, frame.percent);
      answered = true;
      if (frame.type === 'result') resolve(frame.value);
      else if (frame.type === 'error') {
        const code: HelperErrorCode = (HELPER_ERROR_CODES as readonly string[]).includes(frame.code) ? frame.code : 'OIG_HELPER_INTERNAL';
        reject(new HelperError(code, frame.message));
      } else reject(new HelperError('OIG_HELPER_INTERNAL', `Unexpected answer ${frame.type}`));
    };
    socket.setEncoding('utf8');
    socket.on('connect', () => socket.end(`${JSON.stringify(request)}\n`));
    socket.on('data', (chunk: string) => {
      buffered += chunk;
      let newline: number;
      while ((newline = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        if (line) settle(JSON.parse(line) as Frame);
      }
    });
    socket.on('error', (err) => reject(new HelperError('OIG_HELPER_UNAVAILABLE', `The helper's socket ${socketPath} cannot be reached: ${err.message}`)));
    socket.on('close', () => {
      if (!answered) reject(new HelperError('OIG_HELPER_UNAVAILABLE', 'The helper closed the connection without an answer.'));
    });
  });
}

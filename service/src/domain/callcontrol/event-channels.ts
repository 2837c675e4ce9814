import { setTimeout as sleep } from 'node:timers/promises';
import { OigError, oigError } from '../../errors';
import type { Logger } from '../../log';
import { isHttpUrl } from '../urls';
import { EVENT_TIMEOUT_TEXT, EventQueue, type EventQueueStats, type NumberedEvent } from './event-queue';
import type { StandardEvent } from './events';
import type { EventPusher } from './ports';

export interface EventChannelsDeps {
  readonly queueLimit: number;
  readonly pusher: EventPusher;
  readonly pushAttempts: number;
  readonly log: Logger;
  /** First retry delay of a failed push; doubles per attempt. */
  readonly pushRetryMs?: number;
}

export interface ChannelStats extends EventQueueStats {
  readonly eventHandlerUrl: string | null;
  /** Events given up after every push attempt failed (each reported by a notice event). */
  readonly pushFailed: number;
}

// Below the HTTP request timeout (30 s), so a long-poll always gets its own answer.
const MAX_WAIT_MS = 25_000;
const MAX_URL = 2048;

class Channel {
  readonly queue: EventQueue;
  pushUrl: string | null = null;
  /** Bumped on every (un)registration so an old push loop knows to stop. */
  pushGeneration = 0;
  pushFailed = 0;
  /** Failures not yet reported to the application. */
  unreportedPushFailures = 0;
  restGroup: string | null = null;

  constructor(limit: number) {
    this.queue = new EventQueue(limit);
  }
}

/**
 * Where each session's events go: its bounded queue, read by getEvent / getNumberedEvent /
 * the REST event access, or drained into pushes to the application's registered event handler.
 */
export class EventChannels {
  private readonly channels = new Map<string, Channel>();
  private readonly restGroups = new Map<string, Set<string>>();
  private readonly restCursor = new Map<string, number>();

  constructor(private readonly deps: EventChannelsDeps) {}

  publish(sessionId: string, event: StandardEvent): void {
    this.channel(sessionId).queue.push(event);
  }

  /** An event for every session that has a channel (the gateway shutting down). */
  broadcast(event: StandardEvent): void {
    for (const channel of this.channels.values()) channel.queue.push(event);
  }

  getEvent(sessionId: string, timeoutMs: number): Promise<NumberedEvent> {
    return this.pollable(sessionId).queue.take(clampWait(timeoutMs));
  }

  getNumberedEvent(sessionId: string, timeoutMs: number, acknowledged: number): Promise<NumberedEvent> {
    return this.pollable(sessionId).queue.takeAfter(acknowledged, clampWait(timeoutMs));
  }

  cancelGetEvent(sessionId: string): boolean {
    return this.channel(sessionId).queue.cancel();
  }

  /** registerEventHandler: events are pushed to `url`; an empty URL goes back to polling. */
  registerEventHandler(sessionId: string, url: string): void {
    const channel = this.channel(sessionId);
    const value = url.trim();
    if (value !== '' && !isHttpUrl(value, MAX_URL)) {
      throw oigError('OIG_CC_EVENT_HANDLER_INVALID', `eventHandlerURL must be an absolute http or https URL of at most ${MAX_URL} characters`);
    }
    channel.pushGeneration += 1;
    channel.queue.cancel();
    channel.pushUrl = value === '' ? null : value;
    if (channel.pushUrl) void this.runPush(sessionId, channel, channel.pushGeneration, channel.pushUrl);
  }

  /** registerRestSession: the session's events become readable through getRestEvent(restSessionId). */
  registerRestSession(restSessionId: string, sessionId: string): void {
    const channel = this.channel(sessionId);
    if (channel.restGroup) this.restGroups.get(channel.restGroup)?.delete(sessionId);
    channel.restGroup = restSessionId;
    let group = this.restGroups.get(restSessionId);
    if (!group) this.restGroups.set(restSessionId, (group = new Set()));
    group.add(sessionId);
  }

  /** getRestEvent: the next waiting event of any session of the REST session, without waiting. */
  getRestEvent(restSessionId: string): { sessionId: string; numbered: NumberedEvent } {
    const members = [...(this.restGroups.get(restSessionId) ?? [])];
    if (members.length === 0) {
      throw oigError('OIG_CC_INVALID_ARGUMENT', `No session is registered under REST session ${restSessionId}; call registerRestSession first`);
    }
    // Round robin, so one busy session cannot starve the others.
    const start = (this.restCursor.get(restSessionId) ?? 0) % members.length;
    for (let i = 0; i < members.length; i++) {
      const sessionId = members[(start + i) % members.length] as string;
      const numbered = this.channels.get(sessionId)?.queue.takeNow();
      if (numbered) {
        this.restCursor.set(restSessionId, start + i + 1);
        return { sessionId, numbered };
      }
    }
    throw oigError('OIG_CC_EVENT_TIMEOUT', EVENT_TIMEOUT_TEXT);
  }

  stats(sessionId: string): ChannelStats | undefined {
    const channel = this.channels.get(sessionId);
    if (!channel) return undefined;
    return { ...channel.queue.stats, eventHandlerUrl: channel.pushUrl, pushFailed: channel.pushFailed };
  }

  /** The session ended: a waiting reader is answered, pushes stop, memory is freed. */
  end(sessionId: string): void {
    const channel = this.channels.get(sessionId);
    if (!channel) return;
    channel.pushGeneration += 1;
    channel.queue.close(`Session ${sessionId} has ended`);
    if (channel.restGroup) {
      const group = this.restGroups.get(channel.restGroup);
      group?.delete(sessionId);
      if (group?.size === 0) {
        this.restGroups.delete(channel.restGroup);
        this.restCursor.delete(channel.restGroup);
      }
    }
    this.channels.delete(sessionId);
  }

  private channel(sessionId: string): Channel {
    let channel = this.channels.get(sessionId);
    if (!channel) this.channels.set(sessionId, (channel = new Channel(this.deps.queueLimit)));
    return channel;
  }

  private pollable(sessionId: string): Channel {
    const channel = this.channel(sessionId);
    if (channel.pushUrl) {
      throw oigError(
        'OIG_CC_INVALID_STATE',
        `This session's events are pushed to its event handler ${channel.pushUrl}; register an empty eventHandlerURL to poll again`,
      );
    }
    return channel;
  }

  private async runPush(sessionId: string, channel: Channel, generation: number, url: string): Promise<void> {
    const log = this.deps.log.child({ sessionId, eventHandler: url });
    while (channel.pushGeneration === generation) {
      let next: NumberedEvent;
      try {
        next = await channel.queue.take(MAX_WAIT_MS);
      } catch (err) {
        if (err instanceof OigError && err.code === 'OIG_CC_EVENT_TIMEOUT') continue;
        return; // cancelled (re-registration) or the session ended
      }
      if (channel.unreportedPushFailures > 0) {
        const notice: StandardEvent = {
          eventType: 'UNKNOWN',
          errorDescription: `${channel.unreportedPushFailures} event(s) could not be delivered to ${url} after ${this.deps.pushAttempts} attempt(s) each and were discarded`,
        };
        if (await this.pushWithRetries(url, notice, generation, channel)) channel.unreportedPushFailures = 0;
      }
      if (!(await this.pushWithRetries(url, next.event, generation, channel))) {
        channel.pushFailed += 1;
        channel.unreportedPushFailures += 1;
        log.warn({ eventNumber: next.number, failed: channel.pushFailed }, 'event handler did not accept an event after every attempt; event discarded');
      }
    }
  }

  private async pushWithRetries(url: string, event: StandardEvent, generation: number, channel: Channel): Promise<boolean> {
    const firstDelay = this.deps.pushRetryMs ?? 250;
    for (let attempt = 1; attempt <= this.deps.pushAttempts; attempt++) {
      try {
        await this.deps.pusher.push(url, event);
        return true;
      } catch (err) {
        this.deps.log.debug({ err: (err as Error).message, attempt, url }, 'event push failed');
        if (attempt === this.deps.pushAttempts || channel.pushGeneration !== generation) return false;
        await sleep(firstDelay * 2 ** (attempt - 1));
      }
    }
    return false;
  }
}

function clampWait(timeoutMs: number): number {
  if (!Number.isFinite(timeoutMs) || timeoutMs < 0) {
    throw oigError('OIG_CC_INVALID_ARGUMENT', 'timeout must be a number of milliseconds, 0 or more');
  }
  return Math.min(timeoutMs, MAX_WAIT_MS);
}

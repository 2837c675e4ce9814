import { expect } from 'vitest';
import { asArray, describeEvent, type Answer, type CcSession } from './cc-client';
import type { CcEnv } from './cc-env';

/**
 * What the end-to-end call scenarios share: watching phones (and letting go of them after each
 * scenario, whatever happened), reading events as comparable lines, and putting the lab back to
 * idle phones without features.
 */
const watched: Array<{ session: CcSession; objectId: string; kind: 'call' | 'feature' }> = [];

/** Monitors the phones and returns their object ids, after reading each MONITOR_SET. */
export async function watch(session: CcSession, ...phones: Array<[string, string]>): Promise<string[]> {
  const ids: string[] = [];
  for (const [icp, dn] of phones) {
    const id = await session.monitor(icp, dn);
    watched.push({ session, objectId: id, kind: 'call' });
    const [set] = await session.events(1);
    expect(describeEvent(set as Answer)).toBe(`${id} MONITOR_SET/MONITOR_SET/IDLE`);
    ids.push(id);
  }
  return ids;
}

/** monitorFeatures on objects already known (feature monitors send no MONITOR_SET). */
export async function watchFeatures(session: CcSession, ...objectIds: string[]): Promise<void> {
  for (const objectId of objectIds) {
    await session.ok('monitorFeatures', { sessionId: session.sessionId, objectId });
    watched.push({ session, objectId, kind: 'feature' });
  }
}

/** Stops every monitor `watch` / `watchFeatures` started that is still running. */
export async function releaseWatches(): Promise<void> {
  for (const { session, objectId, kind } of watched.splice(0)) {
    await session.call(kind === 'call' ? 'stopMonitor' : 'stopFeatureMonitor', { sessionId: session.sessionId, objectId }).catch(() => undefined);
  }
}

/** Hangs up every call, logs hot desk users out and turns DND and forwarding off, as people at the phones would. */
export function resetLab(lab: CcEnv['lab']): void {
  for (const call of lab.calls()) {
    for (const leg of call.legs) {
      if (leg.dn === null) continue;
      try {
        lab.hangUp(leg.dn, leg.callId);
      } catch {
        // the call ended with an earlier leg
      }
    }
  }
  for (const device of lab.devices()) {
    if (device.kind === 'hotDeskUser' && device.hotDesk.device) lab.hotDeskLogout(device.dn);
    if (device.kind === 'hotDeskUser' && device.hotDesk.externalNumber) lab.hotDeskLogoutExternal(device.dn);
  }
  for (const device of lab.devices()) {
    if (device.kind !== 'phone' && device.kind !== 'hotDeskUser') continue;
    const features = lab.features(device.dn);
    if (features.dnd) lab.setDnd(device.dn, false);
    for (const [mode, forward] of Object.entries(features.forwarding)) {
      if (forward.on) lab.setForward(device.dn, mode as keyof typeof features.forwarding, false);
    }
  }
}

export const lines = (events: Answer[]): string[] => events.map(describeEvent);

/** Each object's events in order: events of different controllers arrive over different links, so only per-device order is defined. */
export const byObject = (events: Answer[]): Record<string, string[]> => {
  const out: Record<string, string[]> = {};
  for (const line of lines(events)) {
    const [id, ...rest] = line.split(' ');
    (out[id as string] ??= []).push(rest.join(' '));
  }
  return out;
};

/** A call event's localCallId. */
export const callIdOf = (event: Answer | undefined): string => event?.callEvent?.attributes.localCallId as string;

/** A call event's attribute (CURRENT_GLOBAL_CALL_ID, DIALED_DIGITS, ICP_ID). */
export const callAttribute = (event: Answer | undefined, name: string): string | undefined =>
  asArray<any>(event?.callEvent?.callEventAttribute).find((a) => a.attributeName === name)?.attributeValue;

/** A feature event's attributes as `NAME=value` (without ICP_ID). */
export const featureAttributes = (event: Answer | undefined): string[] =>
  asArray<any>(event?.featureEvent?.featureEventAttribute)
    .filter((a) => a.attributeName !== 'ICP_ID')
    .map((a) => `${a.attributeName}=${a.attributeValue}`);

import { ManualClock } from './clock';
import { buildDirectory } from './directory';
import { CallEngine } from './engine';
import { describeEvent, type Emission, type LabEvent } from './events';
import { DEFAULT_MIVB_FIXTURE } from './fixture';
import type { LinkConnection } from './link-server';
import { runOperation } from './link-ops';

/**
 * The call scenarios of docs/pbx-link-protocol.md "Event sequences", run on the default cluster
 * with a manual clock. The section is rendered from here (`npm run mivb:sequences -w
 * @openoig/lab`) and a test checks the document still says what the engine does.
 */
export interface ScenarioDriver {
  /** A link request, as the gateway sends it to the controller serving the device. */
  op(op: string, args: Record<string, unknown>): Record<string, unknown>;
  /** Something the lab does itself (a person at a phone, the outside world, a fault). */
  lab(label: string, fn: (engine: CallEngine, clock: ManualClock) => void): void;
  /** Preparation whose events are not listed (they are those of the scenarios above). */
  setup(label: string, fn: (engine: CallEngine) => void): void;
}

export interface Scenario {
  readonly id: string;
  readonly title: string;
  readonly note?: string;
  /** Name the controller whose link carries each event. */
  readonly showControllers?: boolean;
  run(s: ScenarioDriver): void;
}

export interface ScenarioStep {
  readonly label: string;
  readonly events: readonly { readonly dn: string; readonly controller: string | null; readonly text: string; readonly event: LabEvent }[];
}

const callId = (result: Record<string, unknown>): number => result.callId as number;

export const SCENARIOS: readonly Scenario[] = [
  {
    id: 'basic-call',
    title: 'A calls B, B answers, A clears',
    run(s) {
      const { callId: id } = s.op('call.make', { dn: '1000', number: '1001' }) as { callId: number };
      s.op('call.answer', { dn: '1001', callId: id });
      s.op('call.clear', { dn: '1000', callId: id });
    },
  },
  {
    id: 'busy',
    title: 'B busy',
    note: 'The request fails with DESTINATION_BUSY (error.callId names the failed call); the FAILED call stays until cleared, camped on, turned into a call-me-back, or failedCallClearMs (10 s) pass.',
    run(s) {
      s.setup('1001 calls 1002', (e) => e.makeCall('1001', '1002'));
      s.op('call.make', { dn: '1000', number: '1001' });
    },
  },
  {
    id: 'dnd',
    title: 'B in do not disturb',
    run(s) {
      s.op('feature.dnd', { dn: '1001', on: true });
      s.op('call.make', { dn: '1000', number: '1001' });
    },
  },
  {
    id: 'no-such-number',
    title: 'No such number',
    run(s) {
      s.op('call.make', { dn: '1000', number: '1999' });
    },
  },
  {
    id: 'hold-retrieve',
    title: 'Hold and retrieve',
    run(s) {
      const id = callId(s.op('call.make', { dn: '1000', number: '1001' }));
      s.setup('1001 answers', (e) => e.answer('1001', id));
      s.op('call.hold', { dn: '1000', callId: id });
      s.op('call.retrieve', { dn: '1000', callId: id });
    },
  },
  {
    id: 'transfer-supervised',
    title: 'Consultation, then transfer after C answers (supervised)',
    note: 'B keeps callId 1 and C keeps callId 2; the call keeps the globalCallId of call 1.',
    run(s) {
      const id = callId(s.op('call.make', { dn: '1000', number: '1001' }));
      s.setup('1001 answers', (e) => e.answer('1001', id));
      const consult = callId(s.op('call.consult', { dn: '1000', callId: id, number: '1002' }));
      s.op('call.answer', { dn: '1002', callId: consult });
      s.op('call.transfer', { dn: '1000', callId: consult });
    },
  },
  {
    id: 'transfer-unsupervised',
    title: 'Consultation, then transfer while C rings (unsupervised)',
    run(s) {
      const id = callId(s.op('call.make', { dn: '1000', number: '1001' }));
      s.setup('1001 answers', (e) => e.answer('1001', id));
      const consult = callId(s.op('call.consult', { dn: '1000', callId: id, number: '1002' }));
      s.op('call.transfer', { dn: '1000', callId: consult });
      s.op('call.answer', { dn: '1002', callId: consult });
    },
  },
  {
    id: 'consult-cancel-alternate',
    title: 'Consultation: alternate, then cancel',
    run(s) {
      const id = callId(s.op('call.make', { dn: '1000', number: '1001' }));
      s.setup('1001 answers', (e) => e.answer('1001', id));
      const consult = callId(s.op('call.consult', { dn: '1000', callId: id, number: '1002' }));
      s.setup('1002 answers', (e) => e.answer('1002', consult));
      s.op('call.alternate', { dn: '1000', callId: consult });
      s.op('call.cancelConsultation', { dn: '1000', callId: id });
    },
  },
  {
    id: 'conference-split',
    title: 'Three-way conference, then split',
    note: 'The split keeps the member added last (C) in private with A and holds the other (B).',
    run(s) {
      const id = callId(s.op('call.make', { dn: '1000', number: '1001' }));
      s.setup('1001 answers', (e) => e.answer('1001', id));
      const consult = callId(s.op('call.consult', { dn: '1000', callId: id, number: '1002' }));
      s.setup('1002 answers', (e) => e.answer('1002', consult));
      s.op('call.conference', { dn: '1000', callId: consult });
      s.op('call.splitConference', { dn: '1000', callId: id });
    },
  },
  {
    id: 'conference-member-leaves',
    title: 'A conference member hangs up',
    run(s) {
      const id = callId(s.op('call.make', { dn: '1000', number: '1001' }));
      s.setup('1001 answers', (e) => e.answer('1001', id));
      const consult = callId(s.op('call.consult', { dn: '1000', callId: id, number: '1002' }));
      s.setup('1002 answers; 1000 conferences', (e) => {
        e.answer('1002', consult);
        e.conference('1000', consult);
      });
      s.op('call.clear', { dn: '1001', callId: id });
    },
  },
  {
    id: 'redirect',
    title: 'Redirect while ringing',
    run(s) {
      const id = callId(s.op('call.make', { dn: '1000', number: '1001' }));
      s.op('call.redirect', { dn: '1001', callId: id, to: '1002' });
    },
  },
  {
    id: 'pickup',
    title: 'Pickup of a ringing call by another phone',
    run(s) {
      s.op('call.make', { dn: '1000', number: '1001' });
      s.op('call.pickup', { dn: '1002', ringDn: '1001' });
    },
  },
  {
    id: 'camp-on',
    title: 'Camp-on a busy phone',
    run(s) {
      s.setup('1001 calls 1002', (e) => e.makeCall('1001', '1002'));
      let id = 0;
      s.lab('1000 dials 1001 (busy)', (e) => {
        id = e.makeCall('1000', '1001').callId;
      });
      s.op('call.campOn', { dn: '1000', callId: id });
      s.lab('1001 hangs up', (e) => e.clear('1001'));
    },
  },
  {
    id: 'call-me-back',
    title: 'Call-me-back on busy',
    note: 'The callback matures when the busy phone becomes idle; answering it calls the phone again.',
    run(s) {
      s.setup('1001 calls 1002', (e) => e.makeCall('1001', '1002'));
      let id = 0;
      s.lab('1000 dials 1001 (busy)', (e) => {
        id = e.makeCall('1000', '1001').callId;
      });
      s.op('call.callMeBack', { dn: '1000', callId: id });
      s.lab('1001 hangs up', (e) => e.clear('1001'));
      s.lab('1000 answers the callback', (e) => e.answer('1000'));
    },
  },
  {
    id: 'callback-message',
    title: 'Call-me-back message (message waiting lamp)',
    run(s) {
      s.op('feature.callbackMessage', { dn: '1000', target: '1001', on: true });
      s.op('feature.callbackMessage', { dn: '1000', target: '1001', on: false });
    },
  },
  {
    id: 'hot-desk',
    title: 'Hot desk login, then a call to the user',
    note: "Events of the user's calls reach the monitors of the user (3000) and of the phone it is logged in at (1005); both carry dn 3000.",
    run(s) {
      s.op('hotdesk.login', { deviceDn: '1005', userDn: '3000', pin: '1234' });
      const id = callId(s.op('call.make', { dn: '1000', number: '3000' }));
      s.op('call.answer', { dn: '1005', callId: id });
      s.lab('3000 hangs up at 1005', (e) => e.clear('1005'));
      s.op('hotdesk.logout', { userDn: '3000' });
    },
  },
  {
    id: 'forward-always',
    title: 'Call forwarding always',
    run(s) {
      s.op('feature.forward', { dn: '1001', mode: 'always', on: true, to: '1002' });
      s.op('call.make', { dn: '1000', number: '1001' });
    },
  },
  {
    id: 'forward-busy',
    title: 'Call forwarding on busy (internal caller)',
    run(s) {
      s.setup('1001 calls 1003; 1001 forwards on busy (internal) to 1002', (e) => {
        e.makeCall('1001', '1003');
        e.setForward('1001', 'busyInternal', true, '1002');
      });
      s.op('call.make', { dn: '1000', number: '1001' });
    },
  },
  {
    id: 'forward-no-answer',
    title: 'Call forwarding on no answer (internal caller)',
    run(s) {
      s.setup('1001 forwards on no answer (internal) to 1002', (e) => e.setForward('1001', 'noAnswerInternal', true, '1002'));
      s.op('call.make', { dn: '1000', number: '1001' });
      s.lab('noAnswerMs (15 s) pass', (_e, clock) => clock.advance(15_000));
    },
  },
  {
    id: 'personal-ring-group',
    title: 'Call to a personal ring group; a member answers; presence',
    run(s) {
      const id = callId(s.op('call.make', { dn: '1003', number: '4000' }));
      s.op('call.answer', { dn: '1001', callId: id });
      s.op('feature.prgPresence', { dn: '1002', prgDn: '4000', present: false });
    },
  },
  {
    id: 'shared-line',
    title: 'Call to a line appearance on two phones (1501 on 1008 and 1009)',
    note: 'Only monitors of the line DN (1501) see it; the device entry names the button of the phone that answered.',
    run(s) {
      s.op('call.make', { dn: '1000', number: '1501' });
      s.lab('1009 answers on its button 3', (e) => e.answer('1009'));
    },
  },
  {
    id: 'across-controllers',
    title: 'A call across controllers (1000 on ICP-1 calls 2005 on ICP-2)',
    showControllers: true,
    run(s) {
      const id = callId(s.op('call.make', { dn: '1000', number: '2005' }));
      s.op('call.answer', { dn: '2005', callId: id });
      s.op('call.clear', { dn: '2005', callId: id });
    },
  },
  {
    id: 'outside-call',
    title: 'Outside call through prefix 9, digits, account code',
    note: '9-555-0100 answers by itself after 1 s. The outside party has no monitors.',
    run(s) {
      const id = callId(s.op('call.make', { dn: '1000', number: '95550100' }));
      s.lab('1 s passes: the outside number answers', (_e, clock) => clock.advance(1000));
      s.op('call.digits', { dn: '1000', callId: id, digits: '42#' });
      s.op('call.accountCode', { dn: '1000', callId: id, accountCode: '7788' });
      s.lab('the outside party hangs up', (e) => e.externalHangUp('5550100'));
    },
  },
  {
    id: 'inbound-outside-call',
    title: 'Inbound call from an outside number',
    run(s) {
      s.lab('6135550123 calls 1001 through the trunk', (e) => e.externalCall('6135550123', '1001'));
      s.lab('1001 answers', (e) => e.answer('1001'));
    },
  },
  {
    id: 'failover',
    title: 'Failover of a resilient device on restart (2000: primary ICP-2, secondary ICP-1)',
    note: 'The gateway keeps monitors on both controllers. Events for monitors on a controller that is down are lost with its links.',
    showControllers: true,
    run(s) {
      s.setup('1000 calls 2000, 2000 answers', (e) => {
        const { callId: id } = e.makeCall('1000', '2000');
        e.answer('2000', id);
      });
      s.lab('ICP-2 goes down (restart)', (e) => e.controllerDown('ICP-2'));
      s.lab('ICP-2 is up again', (e) => e.controllerUp('ICP-2'));
      s.lab('failbackMs (1 s) pass', (_e, clock) => clock.advance(1000));
    },
  },
];

/** Runs a scenario on a fresh default cluster and returns what each step emitted. */
export function runScenario(scenario: Scenario): ScenarioStep[] {
  const clock = new ManualClock();
  const emitted: Emission[] = [];
  const controllers: (string | null)[] = [];
  const engine: CallEngine = new CallEngine(buildDirectory(DEFAULT_MIVB_FIXTURE), clock, (e) => {
    emitted.push(e);
    const name = e.controller ?? engine.activeController(e.dn);
    // An event for a controller that is down goes nowhere: its links are closed.
    controllers.push(name === undefined ? null : engine.isControllerUp(name) ? name : `${name} (down: lost)`);
  });
  const steps: ScenarioStep[] = [];
  const collect = (label: string): void => {
    steps.push({
      label,
      events: emitted.map((e, i) => ({ dn: e.dn, controller: controllers[i] ?? null, text: eventText(e), event: e.event })),
    });
    emitted.length = 0;
    controllers.length = 0;
  };
  scenario.run({
    op(op, args) {
      const dn = String(args.dn ?? args.deviceDn ?? args.userDn);
      const name = engine.activeController(dn) as string;
      const controller = engine.config.controller(name) as { name: string; address: string };
      const response = runOperation({ engine, controller, connection: undefined as unknown as LinkConnection }, op, args) as {
        ok: boolean;
        result?: Record<string, unknown>;
        error?: { code: string; callId?: number };
      };
      const outcome = response.ok ? `→ ${JSON.stringify(response.result)}` : `→ ${response.error?.code}${response.error?.callId ? ` (callId ${response.error.callId})` : ''}`;
      collect(`${op} ${JSON.stringify(args)} ${outcome}`);
      return response.result ?? { callId: response.error?.callId };
    },
    lab(label, fn) {
      fn(engine, clock);
      collect(`(lab) ${label}`);
    },
    setup(label, fn) {
      fn(engine);
      emitted.length = 0;
      controllers.length = 0;
      steps.push({ label: `(setup, events not listed) ${label}`, events: [] });
    },
  });
  engine.dispose();
  return steps;
}

function eventText(e: Emission): string {
  const event = e.event;
  const id = event.class === 'call' && event.callId ? `c${event.callId} ` : '';
  return `${id}${describeEvent(event)}${e.group ? ' (prg monitors)' : ''}`;
}

export const SEQUENCES_BEGIN = '<!-- begin generated event sequences (npm run mivb:sequences -w @openoig/lab -- --write) -->';
export const SEQUENCES_END = '<!-- end generated event sequences -->';

/** The generated part of docs/pbx-link-protocol.md, between its markers. */
export function generatedPart(doc: string): string | undefined {
  const start = doc.indexOf(SEQUENCES_BEGIN);
  const end = doc.indexOf(SEQUENCES_END);
  return start < 0 || end < start ? undefined : doc.slice(start + SEQUENCES_BEGIN.length, end);
}

/** The Markdown of the "Event sequences" scenarios. */
export function renderEventSequences(): string {
  return SCENARIOS.map((scenario) => {
    const lines: string[] = [`### ${scenario.title}`, ''];
    if (scenario.note) lines.push(scenario.note, '');
    lines.push('```text');
    for (const step of runScenario(scenario)) {
      lines.push(step.label);
      for (const ev of step.events) {
        const who = scenario.showControllers ? `${ev.dn} @${ev.controller ?? '-'}` : ev.dn;
        lines.push(`  ${who.padEnd(scenario.showControllers ? 12 : 5)} ${ev.text}`);
      }
    }
    lines.push('```', '');
    return lines.join('\n');
  }).join('\n');
}

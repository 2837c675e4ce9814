import { Readable } from 'node:stream';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { LOG_DOWNLOAD_MAX_MIB, LOG_FILTER_MAX_LENGTH, LOG_LINES_DEFAULT, LOG_LINES_MAX, LOG_SOURCES, NetworkChange, NetworkToken, NTP_SERVERS_MAX } from '@openoig/helper/protocol';
import { checkNtpServers, checkTimezone, networkChangeProblems } from '@openoig/helper/settings';
import type { ApplianceControl, LogSource, PowerAction, TimeChange } from '../../../domain/system/ports';
import { InvalidFieldsError } from '../../../errors';
import { change, publicOperation, read } from '../admin-openapi';
import { ERROR_RESPONSES } from '../admin-schemas';

const NetworkView = Type.Object(
  {
    interface: Type.String({ description: 'The wired NIC, e.g. ens192' }),
    configured: NetworkChange,
    current: Type.Object({ addresses: Type.Array(Type.String({ description: 'address/prefix' })), gateway: Type.Union([Type.String(), Type.Null()]) }, { additionalProperties: false }),
    pending: Type.Union([Type.Object({ confirmBy: Type.String({ format: 'date-time' }) }, { additionalProperties: false }), Type.Null()], { description: 'A change that goes back unless confirmed by then' }),
    lastProblem: Type.Union([Type.Object({ at: Type.String({ format: 'date-time' }), message: Type.String() }, { additionalProperties: false }), Type.Null()], {
      description: 'Why the last change was taken back at once (it did not come up)',
    }),
  },
  { additionalProperties: false },
);
const NetworkChanged = Type.Object(
  {
    view: NetworkView,
    token: Type.String({ description: 'Confirms the change (POST /network/confirm), from the new address' }),
    confirmBy: Type.String({ format: 'date-time' }),
  },
  { additionalProperties: false },
);
const ConfirmBody = Type.Object({ token: NetworkToken }, { additionalProperties: false });

/**
 * Server Manager, Networks (issue #13): the appliance's IPv4 address. A change is applied and
 * checked by the helper, then goes back by itself unless the browser confirms it within 60 s with
 * the token it got: from the new address, which proves it is reachable. The confirmation needs no
 * login (the browser is on another origin then, without the login cookie): the token, random and
 * known only to the administrator who made the change, is the authority.
 */
export async function networkConfirmRoute(scope: FastifyInstance, { appliance }: SystemRouteDeps): Promise<void> {
  scope.post(
    '/network/confirm',
    { schema: { ...publicOperation('confirmNetwork', 'system', 'Keeps a network change (within 60 s of it, with its token)'), body: ConfirmBody, response: { 200: NetworkView, ...ERROR_RESPONSES } } },
    async (request) => appliance.confirmNetwork((request.body as { token: string }).token),
  );
}

/**
 * Server Manager, Reboot or Shut Down (issue #13): the appliance restarts or powers off through
 * the privileged helper. The body has to say `confirm: true`, so no stray request powers the
 * appliance off; the UI asks first. Every application session ends (OIG_SHUTDOWN) as the gateway
 * stops.
 */
export interface SystemRouteDeps {
  readonly appliance: ApplianceControl;
}

const PowerBody = Type.Object(
  {
    action: Type.Union([Type.Literal('reboot'), Type.Literal('poweroff')], { description: 'reboot, or poweroff (shut down)' }),
    confirm: Type.Literal(true, { description: 'Must be true: every application session ends' }),
  },
  { additionalProperties: false },
);
const PowerAnswer = Type.Object(
  { action: Type.Union([Type.Literal('reboot'), Type.Literal('poweroff')]), at: Type.String({ format: 'date-time', description: 'When the appliance starts to go down' }) },
  { additionalProperties: false },
);

/**
 * Server Manager, View log files (issue #13): a log is named by what it is (the helper knows where
 * each is), never by a path. The view answers the newest lines, a filter keeps those holding a
 * text; the download streams the whole log, or about its last N MiB, as text.
 */
const LogSourceParams = Type.Object(
  { source: Type.Unsafe<LogSource>({ type: 'string', enum: [...LOG_SOURCES], description: 'gateway, nginx-access, nginx-error, firstboot (first boot) or helper' }) },
  { additionalProperties: false },
);
const LogQuery = Type.Object(
  {
    filter: Type.Optional(Type.String({ maxLength: LOG_FILTER_MAX_LENGTH, description: 'Only the lines holding this text (case-insensitive); empty: every line' })),
    lines: Type.Optional(Type.Integer({ minimum: 1, maximum: LOG_LINES_MAX, description: `How many of the newest lines (${LOG_LINES_DEFAULT} when left out)` })),
  },
  { additionalProperties: false },
);
const LogLines = Type.Object(
  {
    source: LogSourceParams.properties.source,
    filter: Type.Union([Type.String(), Type.Null()]),
    lines: Type.Array(Type.String(), { description: 'Oldest first, newest last; a very long line is cut' }),
    complete: Type.Boolean({ description: 'False when the log has more (older) lines than these, or a filter stopped looking (it looks through the newest 32 MiB)' }),
  },
  { additionalProperties: false },
);
const LogDownloadQuery = Type.Object(
  { lastMiB: Type.Optional(Type.Integer({ minimum: 1, maximum: LOG_DOWNLOAD_MAX_MIB, description: `Only about the last N MiB, in whole lines (at most ${LOG_DOWNLOAD_MAX_MIB}); left out: the whole log` })) },
  { additionalProperties: false },
);

/**
 * Server Manager, Date and time (issue #13): the zone and NTP servers first boot set. The gateway
 * checks what it can (an NTP server is an IP address or a host name, at most four; a zone looks
 * like an IANA name), field by field; whether the appliance has the zone only the helper knows
 * (OIG_TIME_INVALID).
 */
const TimeBody = Type.Object(
  {
    timezone: Type.String({ minLength: 1, maxLength: 64, description: 'An IANA time zone the appliance has, e.g. Europe/London' }),
    ntpServers: Type.Array(Type.String({ minLength: 1, maxLength: 253 }), { maxItems: NTP_SERVERS_MAX, description: `Host names or IP addresses, at most ${NTP_SERVERS_MAX}; none: Debian's NTP pool` }),
  },
  { additionalProperties: false },
);
const TimeView = Type.Object(
  {
    timezone: Type.String(),
    now: Type.String({ format: 'date-time', description: "The appliance's clock" }),
    ntpEnabled: Type.Boolean({ description: 'systemd-timesyncd is on' }),
    synchronized: Type.Boolean({ description: 'The clock is synchronised by NTP' }),
    ntpServers: Type.Array(Type.String(), { description: "Those set here or at first boot; empty: Debian's pool" }),
    serverInUse: Type.Union([Type.String(), Type.Null()], { description: 'The NTP server timesyncd talks to now' }),
    zones: Type.Array(Type.String(), { description: 'The time zones the appliance has' }),
  },
  { additionalProperties: false },
);

export async function systemRoutes(secured: FastifyInstance, { appliance }: SystemRouteDeps): Promise<void> {
  secured.get('/system/time', { schema: { ...read('getTime', 'system', 'The time zone, the clock, NTP synchronisation and servers'), response: { 200: TimeView, ...ERROR_RESPONSES } } }, async () => appliance.time());

  secured.put(
    '/system/time',
    { schema: { ...change('setTime', 'system', 'Sets the time zone and the NTP servers'), body: TimeBody, response: { 200: TimeView, ...ERROR_RESPONSES } } },
    async (request) => {
      const body = request.body as TimeChange;
      const zone = checkTimezone(body.timezone, () => true);
      const servers = checkNtpServers(body.ntpServers.join(' '));
      const fields = { ...(zone.ok ? {} : { timezone: zone.message }), ...(servers.ok ? {} : { ntpServers: servers.message }) };
      if (!zone.ok || !servers.ok) throw new InvalidFieldsError(fields);
      const view = await appliance.setTime({ timezone: zone.value, ntpServers: servers.value });
      request.log.warn({ timezone: view.timezone, ntpServers: view.ntpServers }, 'the administrator changed the date and time settings');
      return view;
    },
  );

  secured.get(
    '/system/logs/:source',
    { schema: { ...read('readLog', 'system', 'The newest lines of a log, optionally only those holding a text'), params: LogSourceParams, querystring: LogQuery, response: { 200: LogLines, ...ERROR_RESPONSES } } },
    async (request) => {
      const { source } = request.params as { source: LogSource };
      const { filter, lines } = request.query as { filter?: string; lines?: number };
      return appliance.readLog(source, filter || undefined, lines ?? LOG_LINES_DEFAULT);
    },
  );

  secured.get(
    '/system/logs/:source/download',
    {
      schema: {
        ...read('downloadLog', 'system', 'A log as a text file: the whole log, or about its last N MiB'),
        params: LogSourceParams,
        querystring: LogDownloadQuery,
        response: { 200: { description: 'The log, oldest line first', content: { 'text/plain': { schema: { type: 'string' } } } }, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const { source } = request.params as { source: LogSource };
      const { lastMiB } = request.query as { lastMiB?: number };
      const { info, bytes } = await appliance.downloadLog(source, lastMiB);
      request.log.info({ source, lastMiB: lastMiB ?? null }, 'the administrator downloads a log');
      return reply
        .header('content-type', 'text/plain; charset=utf-8')
        .header('content-disposition', `attachment; filename="${info.fileName}"`)
        .header('cache-control', 'no-store')
        .send(Readable.from(bytes));
    },
  );

  secured.get('/network', { schema: { ...read('getNetwork', 'system', 'The IPv4 settings and what the NIC has now'), response: { 200: NetworkView, ...ERROR_RESPONSES } } }, async () => appliance.network());

  secured.put(
    '/network',
    { schema: { ...change('changeNetwork', 'system', 'Takes DHCP or a static address, made 1.5 s after this answer (which carries the token); it goes back unless confirmed within 60 s'), body: NetworkChange, response: { 200: NetworkChanged, ...ERROR_RESPONSES } } },
    async (request) => {
      const body = request.body as Parameters<typeof networkChangeProblems>[0];
      const problems = networkChangeProblems(body);
      if (Object.keys(problems).length > 0) throw new InvalidFieldsError(problems);
      const changed = await appliance.changeNetwork(body as never);
      request.log.warn({ mode: body.mode, confirmBy: changed.confirmBy }, 'the administrator changed the network');
      return changed;
    },
  );

  secured.post(
    '/system/power',
    { schema: { ...change('powerAction', 'system', 'Reboots or shuts down the appliance (refused while a backup or restore runs)'), body: PowerBody, response: { 202: PowerAnswer, ...ERROR_RESPONSES } } },
    async (request, reply) => {
      const { action } = request.body as { action: PowerAction };
      const outcome = await appliance.power(action);
      request.log.warn({ action }, action === 'reboot' ? 'the administrator reboots the appliance' : 'the administrator shuts the appliance down');
      return reply.code(202).send(outcome);
    },
  );
}

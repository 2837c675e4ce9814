import { Readable } from 'node:stream';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { Schedule, SftpTarget, TargetHost, TargetPort } from '@openoig/helper/protocol';
import type { BackupJobs } from '../../../domain/backups/backup-jobs';
import type { PrivilegedHelper } from '../../../domain/backups/ports';
import { oigError } from '../../../errors';
import { change, read } from '../admin-openapi';
import { ERROR_RESPONSES, NO_CONTENT } from '../admin-schemas';

/**
 * Server Manager, Backup (issue #12; installation guide, "Back up Mitel OIG Server and MSL
 * database"): backups made, listed, downloaded and deleted, and restores from a stored backup
 * or an upload, all done by the privileged helper. Long work answers a job (202) that
 * GET /jobs/{id} follows; a restore restarts the gateway, and the job still answers after.
 */
export interface BackupRouteDeps {
  readonly helper: PrivilegedHelper;
  readonly backups: BackupJobs;
}

const BackupName = Type.String({ pattern: '^openoig-backup-[A-Za-z0-9.-]{1,64}-[0-9]+\\.[0-9]+\\.[0-9]+-[0-9]{8}T[0-9]{6}Z\\.tar\\.gz(\\.age)?$', maxLength: 160, description: 'A backup file name, as the appliance makes them' });
const Passphrase = Type.String({ minLength: 8, maxLength: 1024, description: 'Encrypts the backup (age, scrypt); never stored. Without it the backup holds the TLS key and secrets in clear' });

const Backup = Type.Object(
  {
    name: Type.String(),
    size: Type.Integer({ description: 'Bytes' }),
    createdAt: Type.String({ format: 'date-time' }),
    encrypted: Type.Boolean(),
    holdsKeysInClear: Type.Boolean({ description: 'The TLS private key and the secrets are readable by whoever has the file' }),
  },
  { additionalProperties: false },
);
const RestoreOutcome = Type.Object(
  {
    restoredFrom: Type.String(),
    productVersion: Type.String(),
    guid: Type.Union([Type.String(), Type.Null()]),
    arid: Type.Union([Type.String(), Type.Null()]),
    migrated: Type.Array(Type.String(), { description: 'Migrations run on the restored database (a backup of an older release)' }),
  },
  { additionalProperties: false },
);
const Job = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    kind: Type.Union([Type.Literal('backup'), Type.Literal('restore')]),
    state: Type.Union([Type.Literal('running'), Type.Literal('succeeded'), Type.Literal('failed')]),
    step: Type.String({ description: 'What the helper is doing: dumping-database, writing-archive, verifying, loading-database, migrating, switching, starting, health-check, done' }),
    percent: Type.Integer({ minimum: 0, maximum: 100 }),
    startedAt: Type.String({ format: 'date-time' }),
    endedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    result: Type.Union([Backup, RestoreOutcome, Type.Null()]),
    error: Type.Union([Type.Object({ code: Type.String(), message: Type.String() }, { additionalProperties: false }), Type.Null()]),
  },
  { additionalProperties: false },
);
const RemoteBackup = Type.Object(
  { name: Type.String(), size: Type.Integer({ description: 'Bytes' }), createdAt: Type.String({ format: 'date-time' }), encrypted: Type.Boolean() },
  { additionalProperties: false },
);
const ErrorOf = Type.Object({ code: Type.String(), message: Type.String() }, { additionalProperties: false });
const ScheduleView = Type.Object(
  {
    schedule: Schedule,
    encrypted: Type.Boolean({ description: 'Scheduled backups are encrypted with a passphrase the helper keeps (root only)' }),
    nextRun: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    lastRun: Type.Union([
      Type.Object(
        { at: Type.String({ format: 'date-time' }), state: Type.Union([Type.Literal('succeeded'), Type.Literal('failed')]), backup: Type.Union([Type.String(), Type.Null()]), uploaded: Type.Boolean(), error: Type.Union([ErrorOf, Type.Null()]) },
        { additionalProperties: false },
      ),
      Type.Null(),
    ]),
    target: Type.Union([SftpTarget, Type.Null()]),
    publicKey: Type.String({ description: 'The appliance’s public key: add it to the SFTP account’s authorized_keys' }),
  },
  { additionalProperties: false },
);
const ScheduleBody = Type.Composite([Schedule, Type.Object({ passphrase: Type.Optional(Type.Union([Passphrase, Type.Null()], { description: 'Encrypts scheduled backups; absent keeps the kept one, null drops it' })) })], { additionalProperties: false });
const ScanBody = Type.Object({ host: TargetHost, port: TargetPort }, { additionalProperties: false });
const ScannedKeys = Type.Object(
  { keys: Type.Array(Type.Object({ hostKey: Type.String(), fingerprint: Type.String({ description: 'SHA256:…, to compare with the server’s own (ssh-keygen -lf)' }) }, { additionalProperties: false })) },
  { additionalProperties: false },
);
const scheduleAnswer = { 200: ScheduleView, ...ERROR_RESPONSES };
const NameParams = Type.Object({ name: BackupName }, { additionalProperties: false });
const PassphraseBody = Type.Object({ passphrase: Type.Optional(Passphrase) }, { additionalProperties: false });
/** An upload may be large; the helper checks what it is. */
const MAX_UPLOAD_BYTES = 4 * 1024 ** 3;

export async function backupRoutes(secured: FastifyInstance, { helper, backups }: BackupRouteDeps): Promise<void> {
  // An upload is handed to the helper as it arrives, never held in memory.
  secured.addContentTypeParser('application/octet-stream', { bodyLimit: MAX_UPLOAD_BYTES }, (_request, payload, done) => done(null, payload));

  secured.get(
    '/backups',
    { schema: { ...read('listBackups', 'backups', 'The backups kept on the appliance, newest first'), response: { 200: Type.Object({ backups: Type.Array(Backup) }, { additionalProperties: false }), ...ERROR_RESPONSES } } },
    async () => ({ backups: await helper.listBackups() }),
  );

  secured.post(
    '/backups',
    { schema: { ...change('createBackup', 'backups', 'Starts a backup (database, settings, TLS certificate and key, administrator password); follow its job'), body: PassphraseBody, response: { 202: Job, ...ERROR_RESPONSES } } },
    async (request, reply) => reply.code(202).send(backups.startBackup((request.body as { passphrase?: string }).passphrase)),
  );

  secured.get(
    '/backups/:name',
    {
      schema: {
        ...read('downloadBackup', 'backups', 'The backup file, to keep off the appliance'),
        params: NameParams,
        response: { 200: { description: 'The backup file', content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } } }, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const { info, bytes } = await helper.readBackup((request.params as { name: string }).name);
      return reply
        .header('content-type', 'application/octet-stream')
        .header('content-length', String(info.size))
        .header('content-disposition', `attachment; filename="${info.name}"`)
        .send(Readable.from(bytes));
    },
  );

  secured.delete(
    '/backups/:name',
    { schema: { ...change('deleteBackup', 'backups', 'Deletes a stored backup'), params: NameParams, response: { 204: NO_CONTENT, ...ERROR_RESPONSES } } },
    async (request, reply) => {
      await helper.deleteBackup((request.params as { name: string }).name);
      return reply.code(204).send();
    },
  );

  secured.post(
    '/backups/:name/restore',
    {
      schema: {
        ...change('restoreBackup', 'backups', 'Restores a stored backup: checked whole first; the gateway restarts on the restored state, or keeps the previous one if it is not healthy'),
        params: NameParams,
        body: PassphraseBody,
        response: { 202: Job, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => reply.code(202).send(backups.startRestore((request.params as { name: string }).name, (request.body as { passphrase?: string }).passphrase)),
  );

  secured.post(
    '/restore',
    {
      bodyLimit: MAX_UPLOAD_BYTES,
      schema: {
        ...change('restoreUpload', 'backups', 'Restores an uploaded backup file (the body, application/octet-stream; its passphrase in X-OIG-Backup-Passphrase); answers once the file is with the helper'),
        headers: Type.Object({ 'x-oig-backup-passphrase': Type.Optional(Passphrase) }),
        response: { 202: Job, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      if (!request.headers['content-type']?.startsWith('application/octet-stream')) throw oigError('OIG_HELPER_BAD_REQUEST', 'Send the backup file as the body, with Content-Type: application/octet-stream.');
      const size = Number(request.headers['content-length']);
      if (!Number.isInteger(size) || size <= 0) throw oigError('OIG_HELPER_BAD_REQUEST', 'The upload needs a Content-Length (the backup file’s size), and must not be empty.');
      const passphrase = request.headers['x-oig-backup-passphrase'] as string | undefined;
      return reply.code(202).send(await backups.startUploadRestore(size, request.body as AsyncIterable<Uint8Array>, passphrase));
    },
  );

  secured.get('/backups/schedule', { schema: { ...read('getBackupSchedule', 'backups', 'Scheduled backups, their last run and the SFTP target'), response: scheduleAnswer } }, async () => helper.schedule());

  secured.put(
    '/backups/schedule',
    { schema: { ...change('setBackupSchedule', 'backups', 'Sets scheduled backups: daily or weekly at an hour (UTC), kept here or sent to the SFTP target too, the newest N kept'), body: ScheduleBody, response: scheduleAnswer } },
    async (request) => {
      const { passphrase, ...schedule } = request.body as Schedule & { passphrase?: string | null };
      return helper.setSchedule(schedule, passphrase);
    },
  );

  secured.post(
    '/backups/target/scan',
    { schema: { ...change('scanBackupTarget', 'backups', 'The host keys an SSH server shows now, with fingerprints, to compare and pin one'), body: ScanBody, response: { 200: ScannedKeys, ...ERROR_RESPONSES } } },
    async (request) => {
      const { host, port } = request.body as { host: string; port: number };
      return { keys: await helper.scanTarget(host, port) };
    },
  );

  secured.put(
    '/backups/target',
    { schema: { ...change('setBackupTarget', 'backups', 'Sets the SFTP target with its pinned host key; kept only once the appliance logged in and wrote to the directory'), body: SftpTarget, response: scheduleAnswer } },
    async (request) => helper.setTarget(request.body as SftpTarget),
  );

  secured.delete('/backups/target', { schema: { ...change('deleteBackupTarget', 'backups', 'Removes the SFTP target (not while scheduled backups go there)'), response: scheduleAnswer } }, async () => helper.clearTarget());

  secured.get(
    '/backups/target/backups',
    { schema: { ...read('listTargetBackups', 'backups', 'The backups on the SFTP target, newest first'), response: { 200: Type.Object({ backups: Type.Array(RemoteBackup) }, { additionalProperties: false }), ...ERROR_RESPONSES } } },
    async () => ({ backups: await helper.listRemoteBackups() }),
  );

  secured.post(
    '/backups/target/backups/:name/restore',
    {
      schema: {
        ...change('restoreTargetBackup', 'backups', 'Restores a backup from the SFTP target: fetched, checked whole, then restored as a stored one'),
        params: NameParams,
        body: PassphraseBody,
        response: { 202: Job, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => reply.code(202).send(backups.startRemoteRestore((request.params as { name: string }).name, (request.body as { passphrase?: string }).passphrase)),
  );

  secured.get(
    '/jobs/:id',
    { schema: { ...read('getJob', 'backups', 'A backup or restore job: its step, progress and outcome'), params: Type.Object({ id: Type.String({ format: 'uuid' }) }, { additionalProperties: false }), response: { 200: Job, ...ERROR_RESPONSES } } },
    async (request) => backups.status((request.params as { id: string }).id),
  );
}

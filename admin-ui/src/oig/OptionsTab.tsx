import { ActionGroup, Alert, Button, Form, Label } from '@patternfly/react-core';
import { useEffect, useState, type FormEvent } from 'react';
import { Link } from 'react-router-dom';
import { api, unwrap, type Schemas } from '../api/client';
import { useLoad } from '../api/useLoad';
import { DataTable, type Column } from '../components/DataTable';
import { NotLoaded } from '../components/NotLoaded';
import { SelectField, TextField } from '../components/fields';
import { Panel } from '../components/Panel';
import { formatDateTime } from '../components/time';
import { useActionStatus } from '../components/useActionStatus';
import { useSubmit } from '../components/useSubmit';

type Level = Schemas['LoggingOption']['level'];
type Delivery = Schemas['Delivery'];

/** The seed's four levels, in its order and words. */
const LEVELS: readonly { value: Level; label: string }[] = [
  { value: 'ERROR', label: 'Error' },
  { value: 'WARNING', label: 'Warning' },
  { value: 'INFO', label: 'Info (default): for troubleshooting at customer sites' },
  { value: 'TRACE', label: 'Trace: for OIG support, every log' },
];
const levelName = (level: Level) => LEVELS.find((l) => l.value === level)?.label.split(/[ :]/)[0] ?? level;

/**
 * Options tab (installation guide "Options Tab"): General Options (the logging level, applied at
 * once) and Send Mitel OIG Usage Report (the recipient, and "Send Report To Email Now").
 */
export function OptionsTab() {
  return (
    <>
      <Panel id="general-options" title="General Options">
        <LoggingForm />
      </Panel>
      <Panel id="usage-report" title="Send Mitel OIG Usage Report">
        <UsageReportForm />
      </Panel>
    </>
  );
}

function LoggingForm() {
  const loaded = useLoad(() => unwrap(api.GET('/api/admin/options/logging')));
  const [level, setLevel] = useState<Level | null>(null);
  const { statusAlert, run } = useActionStatus();
  const { busy, submit } = useSubmit();
  const shown = level ?? loaded.data?.level ?? 'INFO';

  const apply = async (event: FormEvent) => {
    event.preventDefault();
    await submit(async () => {
      const answer = await run(
        () => unwrap(api.PUT('/api/admin/options/logging', { body: { level: shown } })),
        (result) => `The logging level is ${levelName(result.level)}, in force now.`,
        'The logging level was not changed.',
      );
      if (answer) {
        setLevel(null);
        await loaded.reload();
      }
    });
  };

  if (!loaded.data) return <NotLoaded loaded={loaded} what="the logging level" />;
  return (
    <>
      {statusAlert}
      <Form onSubmit={apply} noValidate maxWidth="40rem" aria-label="Logging level">
        <SelectField
          id="logging-level"
          label="Logging Level"
          hint={`In force now: ${levelName(loaded.data.level)}. A change applies at once, without a restart, and is kept across restarts.`}
          value={shown}
          onChange={(next) => setLevel(next as Level)}
          options={LEVELS}
        />
        <ActionGroup>
          <Button type="submit" variant="primary" isLoading={busy} isDisabled={busy || shown === loaded.data.level}>
            Apply
          </Button>
        </ActionGroup>
      </Form>
    </>
  );
}

const DELIVERY_STATES: Record<Delivery['status'], { text: string; color: 'blue' | 'green' | 'red' | 'grey' }> = {
  sending: { text: 'Sending', color: 'blue' },
  sent: { text: 'Sent', color: 'green' },
  failed: { text: 'Failed', color: 'red' },
  skipped: { text: 'Not sent', color: 'grey' },
};

const DELIVERY_COLUMNS: readonly Column<Delivery>[] = [
  { title: 'Created', cell: (d) => formatDateTime(d.createdAt), text: (d) => formatDateTime(d.createdAt), sortValue: (d) => Date.parse(d.createdAt), width: 20 },
  { title: 'Period', cell: (d) => `${d.periodFrom} to ${d.periodTo}`, text: (d) => `${d.periodFrom} ${d.periodTo}`, width: 20 },
  { title: 'Trigger', cell: (d) => (d.trigger === 'manual' ? 'Sent now' : 'Monthly'), text: (d) => d.trigger, width: 15 },
  { title: 'Recipient', cell: (d) => d.recipient ?? '—', text: (d) => d.recipient ?? '', width: 15 },
  {
    title: 'Result',
    cell: (d) => (
      <>
        <Label color={DELIVERY_STATES[d.status].color}>{DELIVERY_STATES[d.status].text}</Label> {d.error}
      </>
    ),
    text: (d) => `${DELIVERY_STATES[d.status].text} ${d.error ?? ''}`,
    width: 25,
  },
];

/** How often a report just sent is looked at again until it is sent or failed (it may retry). */
const DELIVERY_POLL_MS = 1_000;

function UsageReportForm() {
  const loaded = useLoad(() => unwrap(api.GET('/api/admin/usage-report')));
  const [recipient, setRecipient] = useState<string | null>(null);
  const [pending, setPending] = useState<string | null>(null);
  const { statusAlert, run, showSuccess, showError } = useActionStatus();
  const save = useSubmit();
  const send = useSubmit();
  const { data, reload } = loaded;
  const shown = recipient ?? data?.recipient ?? '';

  // A report sent now is watched until its delivery ends, and the result is shown.
  const watched = pending ? data?.deliveries.find((d) => d.id === pending) : undefined;
  useEffect(() => {
    if (!pending) return;
    if (watched && watched.status !== 'sending') {
      setPending(null);
      if (watched.status === 'sent') showSuccess(`The usage report (${watched.periodFrom} to ${watched.periodTo}) was sent to ${watched.recipient ?? 'the recipient'}.`);
      else showError(new Error(`The usage report was not sent: ${watched.error ?? 'no reason given'}`), 'See the deliveries below; the mail server settings are in Server Manager, E-mail Settings.');
      return;
    }
    const timer = setTimeout(() => void reload(), DELIVERY_POLL_MS);
    return () => clearTimeout(timer);
  }, [pending, watched, reload, showSuccess, showError]);

  const saveRecipient = async (event: FormEvent) => {
    event.preventDefault();
    await save.submit(async () => {
      const answer = await run(
        () => unwrap(api.PUT('/api/admin/usage-report/recipient', { body: { recipient: shown.trim() || null } })),
        (result) => (result.recipient ? `Usage reports go to ${result.recipient} on the first day of each month.` : 'No e-mail address: no usage reports are sent.'),
        'The e-mail address was not saved.',
      );
      if (answer) {
        setRecipient(null);
        await reload();
      }
    });
  };

  const sendNow = async () => {
    await send.submit(async () => {
      const started = await run(() => unwrap(api.POST('/api/admin/usage-report/send', { body: {} })), 'Sending the usage report (month to date)…', 'The usage report was not sent.');
      if (started) setPending(started.delivery.id);
      await reload();
    });
  };

  if (!data) return <NotLoaded loaded={loaded} what="the usage report settings" />;
  const unsaved = shown.trim() !== (data.recipient ?? '');
  return (
    <>
      {statusAlert}
      {data.smtp === null && (
        <Alert variant="warning" isInline title="No mail server is configured, so no report can be sent." className="oig-gap">
          Set it in <Link to="/server/email">Server Manager, E-mail Settings</Link>.
        </Alert>
      )}
      <Form onSubmit={saveRecipient} noValidate maxWidth="40rem" aria-label="Usage report recipient">
        <TextField
          id="report-recipient"
          label="E-mail address"
          type="email"
          hint="The monthly usage report goes here on the first day of each month. Empty: no reports are sent."
          value={shown}
          onChange={setRecipient}
          autoComplete="email"
        />
        <ActionGroup>
          <Button type="submit" variant="primary" isLoading={save.busy} isDisabled={save.busy || !unsaved}>
            Save
          </Button>
          <Button
            variant="secondary"
            onClick={() => void sendNow()}
            isLoading={send.busy || pending !== null}
            isDisabled={send.busy || pending !== null || unsaved}
          >
            Send Report To Email Now
          </Button>
        </ActionGroup>
      </Form>
      <h3 className="oig-subheading">Latest deliveries</h3>
      <DataTable
        id="deliveries"
        ariaLabel="Usage report deliveries"
        filterLabel="Filter deliveries"
        rows={data.deliveries}
        rowKey={(d) => d.id}
        columns={DELIVERY_COLUMNS}
        initialSort={{ index: 0, direction: 'desc' }}
        emptyMessage="No usage report has been sent yet."
      />
    </>
  );
}

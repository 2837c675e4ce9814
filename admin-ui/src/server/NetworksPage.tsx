import { ActionGroup, Alert, Button, Form, PageSection, Title } from '@patternfly/react-core';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { api, unwrap } from '../api/client';
import { useLoad } from '../api/useLoad';
import { ConfirmModal } from '../components/ConfirmModal';
import { ErrorAlert } from '../components/ErrorAlert';
import type { FieldErrors } from '../components/fieldErrors';
import { Facts } from '../components/Facts';
import { SelectField, TextField } from '../components/fields';
import { NotLoaded } from '../components/NotLoaded';
import { Panel } from '../components/Panel';
import { formatDateTime } from '../components/time';
import { usePageTitle } from '../components/usePageTitle';

type Change = { mode: 'dhcp' } | { mode: 'static'; address: string; prefix: number; gateway: string; dns: string[] };
interface Pending {
  token: string;
  confirmBy: string;
  /** Where the appliance answers now, when that is not this page's address. */
  newAddress: string | null;
}

const EMPTY = { mode: 'static', address: '', prefix: '24', gateway: '', dns: '' };

/** Seconds until `iso`, ticking. */
function useSecondsLeft(iso: string | undefined): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (!iso) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [iso]);
  return iso ? Math.max(0, Math.round((Date.parse(iso) - now) / 1000)) : 0;
}

/**
 * Server Manager, Networks (issue #13): the appliance's IPv4 address, DHCP or static. A change is
 * applied by the privileged helper and checked; it then goes back by itself after 60 seconds
 * unless it is confirmed, from the new address when the address changed (the link opens it),
 * so a wrong address never leaves the appliance out of reach.
 */
export function NetworksPage() {
  usePageTitle('Networks – Server Manager');
  const view = useLoad(() => unwrap(api.GET('/api/admin/network')));
  const [form, setForm] = useState(EMPTY);
  const [localErrors, setLocalErrors] = useState<FieldErrors>({});
  const [asking, setAsking] = useState<Change | undefined>();
  const [pending, setPending] = useState<Pending | undefined>();
  const [outcome, setOutcome] = useState<{ kind: 'success' | 'error'; text: string; error?: unknown } | undefined>();
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});
  const secondsLeft = useSecondsLeft(pending?.confirmBy);

  useEffect(() => {
    const c = view.data?.configured;
    if (c?.mode === 'static') setForm({ mode: 'static', address: c.address, prefix: String(c.prefix), gateway: c.gateway, dns: c.dns.join(', ') });
    else if (c?.mode === 'dhcp') setForm({ ...EMPTY, mode: 'dhcp' });
  }, [view.data]);

  // The page re-renders every second (the countdown); the effects below keep their timers across that.
  const reload = useRef(view.reload);
  reload.current = view.reload;

  useEffect(() => {
    if (pending && secondsLeft === 0) {
      setPending(undefined);
      setOutcome({
        kind: 'error',
        text: pending.newAddress
          ? 'The minute has passed: unless the settings were kept at the new address, the previous network settings are back.'
          : 'The change was not confirmed in time: the previous network settings are back.',
      });
      // The take-back runs on the appliance at the same moment: read again until it is done.
      void (async () => {
        for (let tries = 0; tries < 15; tries += 1) {
          const now = await reload.current();
          if (now && now.pending === null) return;
          await new Promise((r) => setTimeout(r, 1000));
        }
      })();
    }
  }, [pending, secondsLeft]);

  // The helper makes the change a moment after answering; one that does not come up is taken
  // back at once. Asked quietly: once the address has moved, this page gets no answer, and that
  // is not an error to show.
  useEffect(() => {
    if (!pending) return;
    const timer = setInterval(() => {
      void fetch('/api/admin/network', { credentials: 'same-origin', signal: AbortSignal.timeout(1500) })
        .then(async (res) => (res.ok ? ((await res.json()) as { pending: unknown; lastProblem: { message: string } | null }) : undefined))
        .then((now) => {
          if (now && now.pending === null && now.lastProblem) {
            setPending(undefined);
            setOutcome({ kind: 'error', text: now.lastProblem.message });
            void reload.current();
          }
        })
        .catch(() => undefined);
    }, 2000);
    return () => clearInterval(timer);
  }, [pending]);

  const apply = (event: FormEvent) => {
    event.preventDefault();
    if (form.mode === 'dhcp') return setAsking({ mode: 'dhcp' });
    const problems: Record<string, string> = {};
    if (!form.address.trim()) problems.address = 'Enter the IPv4 address';
    if (!/^\d{1,2}$/.test(form.prefix.trim())) problems.prefix = 'Enter the prefix length, 8 to 30';
    if (!form.gateway.trim()) problems.gateway = 'Enter the default gateway';
    const dns = form.dns.split(/[\s,]+/).filter(Boolean);
    if (dns.length === 0) problems.dns = 'Enter one to three DNS servers';
    setLocalErrors(problems);
    setFieldErrors({});
    if (Object.keys(problems).length === 0) setAsking({ mode: 'static', address: form.address.trim(), prefix: Number(form.prefix), gateway: form.gateway.trim(), dns });
  };

  const change = async () => {
    const body = asking as Change;
    try {
      const changed = await unwrap(api.PUT('/api/admin/network', { body }));
      const here = window.location.hostname;
      const newAddress = body.mode === 'static' && body.address !== here ? body.address : null;
      setPending({ token: changed.token, confirmBy: changed.confirmBy, newAddress });
      setOutcome(undefined);
    } catch (err) {
      // Field by field: the dialog closes and the form shows where.
      const fields = (err as { fields?: FieldErrors }).fields;
      if (!fields || Object.keys(fields).length === 0) throw err;
      setFieldErrors(fields);
    }
  };

  const keep = async () => {
    if (!pending) return;
    try {
      await unwrap(api.POST('/api/admin/network/confirm', { body: { token: pending.token } }));
      setPending(undefined);
      setOutcome({ kind: 'success', text: 'The network settings are kept.' });
      await view.reload();
    } catch (err) {
      setOutcome({ kind: 'error', text: 'The change could not be confirmed.', error: err });
    }
  };

  const errors = { ...fieldErrors, ...localErrors };
  const set = (key: keyof typeof EMPTY) => (value: string) => setForm({ ...form, [key]: value });
  const v = view.data;
  return (
    <PageSection>
      <Title headingLevel="h1" className="oig-gap">
        Networks
      </Title>
      {outcome && (
        <Alert variant={outcome.kind === 'success' ? 'success' : 'warning'} isInline title={outcome.text} className="oig-gap" id="network-outcome">
          {outcome.error !== undefined && <ErrorAlert error={outcome.error} />}
        </Alert>
      )}
      {pending && (
        <Alert variant="warning" isInline title={`Confirm the change within ${secondsLeft} s, or it goes back`} className="oig-gap" id="network-pending">
          {pending.newAddress ? (
            <p>
              The appliance now answers at {pending.newAddress}. Open{' '}
              <a id="network-confirm-link" href={`https://${pending.newAddress}/admin/network-confirm#${pending.token}`}>
                https://{pending.newAddress}/admin/network-confirm
              </a>{' '}
              and keep the settings there: that shows the new address can be reached.
            </p>
          ) : (
            <Button id="network-keep" variant="primary" onClick={() => void keep()}>
              Keep these settings
            </Button>
          )}
        </Alert>
      )}
      <Panel id="network-now" title="Now">
        {!v ? (
          <NotLoaded loaded={view} what="the network settings" />
        ) : (
          (
            <Facts
              ariaLabel="The network now"
              items={[
                ['Interface', v.interface],
                ['IPv4 from', v.configured.mode === 'dhcp' ? 'DHCP' : 'static settings'],
                ['Addresses', v.current.addresses.join(', ') || 'none'],
                ['Default gateway', v.current.gateway ?? 'none'],
                ['Waiting for a confirmation', v.pending ? `until ${formatDateTime(v.pending.confirmBy)}` : 'no'],
              ]}
            />
          )
        )}
      </Panel>
      <Panel id="network-change" title="Change the IPv4 settings">
        <Form onSubmit={apply} noValidate maxWidth="30rem" aria-label="Change the IPv4 settings">
          <SelectField
            id="network-mode"
            label="IPv4 address from"
            value={form.mode}
            onChange={set('mode')}
            options={[
              { value: 'static', label: 'Static settings' },
              { value: 'dhcp', label: 'DHCP' },
            ]}
          />
          {form.mode === 'static' && (
            <>
              <TextField id="network-address" label="IPv4 address" value={form.address} onChange={set('address')} error={errors.address} isRequired />
              <TextField id="network-prefix" label="Prefix length" hint="24 for 255.255.255.0" value={form.prefix} onChange={set('prefix')} error={errors.prefix} isRequired />
              <TextField id="network-gateway" label="Default gateway" value={form.gateway} onChange={set('gateway')} error={errors.gateway} isRequired />
              <TextField id="network-dns" label="DNS servers" hint="One to three, separated by commas" value={form.dns} onChange={set('dns')} error={errors.dns} isRequired />
            </>
          )}
          <ActionGroup>
            <Button type="submit" variant="primary" isDisabled={pending !== undefined}>
              Apply
            </Button>
          </ActionGroup>
        </Form>
      </Panel>
      <ConfirmModal
        id="confirm-network"
        title="Change the network settings?"
        isOpen={asking !== undefined}
        confirmLabel="Apply"
        onClose={() => setAsking(undefined)}
        onConfirm={change}
        onDone={() => setAsking(undefined)}
      >
        <p>The appliance&apos;s address may change. The change goes back by itself after 60 seconds unless you confirm it, from the new address if it changed.</p>
      </ConfirmModal>
    </PageSection>
  );
}

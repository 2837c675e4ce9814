import { ActionGroup, Button, Form, PageSection, Title } from '@patternfly/react-core';
import { useState, type FormEvent } from 'react';
import { api, unwrap } from '../api/client';
import { useLoad } from '../api/useLoad';
import { ErrorAlert } from '../components/ErrorAlert';
import { Facts, yesNo } from '../components/Facts';
import { SelectField, TextField } from '../components/fields';
import { NotLoaded } from '../components/NotLoaded';
import { Panel } from '../components/Panel';
import { useActionStatus } from '../components/useActionStatus';
import { usePageTitle } from '../components/usePageTitle';
import { useSubmit } from '../components/useSubmit';

/** The appliance's clock in the appliance's zone (not the browser's: this page is about the appliance). */
function inZone(iso: string, zone: string): string {
  try {
    return new Intl.DateTimeFormat(undefined, { dateStyle: 'full', timeStyle: 'long', timeZone: zone }).format(new Date(iso));
  } catch {
    return `${iso} (UTC)`;
  }
}

/**
 * Server Manager, Date and time (issue #13): the time zone, the appliance's clock, whether NTP
 * keeps it right and with which servers; the zone and the servers changed through the helper.
 * The zones offered are the appliance's own; the gateway and the helper check what is sent.
 */
export function DateTimePage() {
  usePageTitle('Date and time – Server Manager');
  const loaded = useLoad(() => unwrap(api.GET('/api/admin/system/time')));
  const [draft, setDraft] = useState<{ timezone: string; ntpServers: string } | null>(null);
  const { statusAlert, showSuccess } = useActionStatus();
  const save = useSubmit();
  const v = loaded.data;
  const current = draft ?? (v ? { timezone: v.timezone, ntpServers: v.ntpServers.join(', ') } : null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!current) return;
    const ntpServers = current.ntpServers.split(/[\s,]+/).filter(Boolean);
    const saved = await save.submit(async () => {
      const answer = await unwrap(api.PUT('/api/admin/system/time', { body: { timezone: current.timezone, ntpServers } }));
      showSuccess(`The time zone is ${answer.timezone}; NTP servers: ${answer.ntpServers.length ? answer.ntpServers.join(', ') : 'Debian’s pool'}.`);
    });
    if (saved) {
      setDraft(null);
      await loaded.reload();
    }
  };

  return (
    <PageSection>
      <Title headingLevel="h1" className="oig-gap">
        Date and time
      </Title>
      {statusAlert}
      <Panel id="time-now" title="Now" actions={<Button variant="secondary" onClick={() => void loaded.reload()}>Refresh</Button>}>
        {!v ? (
          <NotLoaded loaded={loaded} what="the date and time" />
        ) : (
          <Facts
            ariaLabel="The date and time now"
            items={[
              ['Time zone', v.timezone],
              ['Appliance time', inZone(v.now, v.timezone)],
              ['NTP', v.ntpEnabled ? 'On' : 'Off'],
              ['Synchronised by NTP', yesNo(v.synchronized)],
              ['NTP servers set', v.ntpServers.length ? v.ntpServers.join(', ') : 'None: Debian’s pool (0-3.debian.pool.ntp.org)'],
              ['Server in use', v.serverInUse ?? 'None yet'],
            ]}
          />
        )}
      </Panel>
      {v && current && (
        <Panel id="time-change" title="Change the time zone and NTP servers">
          <Form onSubmit={submit} noValidate maxWidth="36rem" aria-label="Change the time zone and NTP servers">
            {save.error !== undefined && Object.keys(save.fieldErrors).length === 0 && <ErrorAlert error={save.error} context="The settings were not changed." />}
            <SelectField
              id="time-zone"
              label="Time zone"
              value={current.timezone}
              onChange={(timezone) => setDraft({ ...current, timezone })}
              options={(v.zones.includes(current.timezone) ? v.zones : [current.timezone, ...v.zones]).map((zone) => ({ value: zone, label: zone }))}
              error={save.fieldErrors.timezone}
              isRequired
            />
            <TextField
              id="time-ntp"
              label="NTP servers"
              hint="Host names or IPv4 addresses, at most four, separated by commas; empty: Debian’s pool"
              value={current.ntpServers}
              onChange={(ntpServers) => setDraft({ ...current, ntpServers })}
              error={save.fieldErrors.ntpServers}
            />
            <ActionGroup>
              <Button type="submit" variant="primary" isLoading={save.busy} isDisabled={save.busy}>
                Save
              </Button>
            </ActionGroup>
          </Form>
        </Panel>
      )}
    </PageSection>
  );
}

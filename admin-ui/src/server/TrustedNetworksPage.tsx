import { ActionGroup, Alert, Button, Checkbox, Form, HelperText, HelperTextItem, PageSection, TextInput, Title } from '@patternfly/react-core';
import { Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table';
import { useState, type FormEvent } from 'react';
import { api, unwrap } from '../api/client';
import type { paths } from '../api/schema';
import { useLoad } from '../api/useLoad';
import { ErrorAlert } from '../components/ErrorAlert';
import { Facts, yesNo } from '../components/Facts';
import { NotLoaded } from '../components/NotLoaded';
import { Panel } from '../components/Panel';
import { useActionStatus } from '../components/useActionStatus';
import { usePageTitle } from '../components/usePageTitle';
import { useSubmit } from '../components/useSubmit';

type TrustedNetwork = paths['/api/admin/trusted-networks']['put']['requestBody']['content']['application/json']['networks'][number];

const blank = (): TrustedNetwork => ({ network: '', description: '', admin: false, api: true });

/**
 * Server Manager, Trusted networks (issue #13; MSL's Trusted Networks): the networks whose hosts
 * may reach the server manager (this UI, its API and SSH) and those that may reach the
 * applications' APIs. The whole list is saved at once; the gateway and the helper check it, and
 * the helper refuses a list that would shut out the address this browser comes from.
 */
export function TrustedNetworksPage() {
  usePageTitle('Trusted networks – Server Manager');
  const loaded = useLoad(() => unwrap(api.GET('/api/admin/trusted-networks')));
  const [draft, setDraft] = useState<TrustedNetwork[] | null>(null);
  const { statusAlert, showSuccess } = useActionStatus();
  const save = useSubmit();
  const v = loaded.data;
  const rows = draft ?? (v ? v.networks.map((n) => ({ ...n })) : []);
  const edit = (i: number, change: Partial<TrustedNetwork>) => setDraft(rows.map((row, j) => (j === i ? { ...row, ...change } : row)));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const saved = await save.submit(async () => {
      const answer = await unwrap(api.PUT('/api/admin/trusted-networks', { body: { networks: rows.map((r) => ({ ...r, network: r.network.trim() })) } }));
      showSuccess(`${answer.networks.length} trusted networks saved; the firewall and the web server use them now.`);
    });
    if (saved) {
      setDraft(null);
      await loaded.reload();
    }
  };

  return (
    <PageSection>
      <Title headingLevel="h1" className="oig-gap">
        Trusted networks
      </Title>
      {statusAlert}
      <Panel id="trusted-state" title="Now" actions={<Button variant="secondary" onClick={() => void loaded.reload()}>Refresh</Button>}>
        {!v ? (
          <NotLoaded loaded={loaded} what="the trusted networks" />
        ) : (
          <>
            {!v.configured && (
              <Alert id="trusted-unrestricted" variant="warning" isInline isPlain title="Not restricted yet: every address may reach the server manager and the APIs." className="oig-gap" />
            )}
            <Facts
              ariaLabel="The trusted networks now"
              items={[
                ['Your address', v.yourAddress],
                ['Firewall loaded', yesNo(v.enforced)],
                ['Connections refused', v.refusedConnections === null ? '—' : String(v.refusedConnections)],
                ['Always allowed', v.alwaysAllowed.join(', ')],
              ]}
            />
          </>
        )}
      </Panel>
      {v && (
        <Panel id="trusted-list" title="Networks">
          <Form onSubmit={submit} noValidate aria-label="Trusted networks">
            {save.error !== undefined && <ErrorAlert error={save.error} context="The trusted networks were not changed." />}
            <Table aria-label="Trusted networks" variant="compact">
              <Thead>
                <Tr>
                  <Th>Network</Th>
                  <Th>Description</Th>
                  <Th>Server manager</Th>
                  <Th>APIs</Th>
                  <Th screenReaderText="Remove" />
                </Tr>
              </Thead>
              <Tbody>
                {rows.map((row, i) => {
                  const error = save.fieldErrors[`network.${i}`] ?? save.fieldErrors[`description.${i}`];
                  return (
                    <Tr key={i}>
                      <Td dataLabel="Network">
                        <TextInput
                          id={`trusted-network-${i}`}
                          aria-label={`Network ${i + 1}`}
                          value={row.network}
                          placeholder="192.0.2.0/24"
                          onChange={(_e, network) => edit(i, { network })}
                          validated={error ? 'error' : 'default'}
                          aria-invalid={error ? true : undefined}
                          aria-describedby={error ? `trusted-network-${i}-error` : undefined}
                        />
                        {error && (
                          <HelperText id={`trusted-network-${i}-error`}>
                            <HelperTextItem variant="error">{error}</HelperTextItem>
                          </HelperText>
                        )}
                      </Td>
                      <Td dataLabel="Description">
                        <TextInput id={`trusted-description-${i}`} aria-label={`Description ${i + 1}`} value={row.description} onChange={(_e, description) => edit(i, { description })} />
                      </Td>
                      <Td dataLabel="Server manager">
                        <Checkbox id={`trusted-admin-${i}`} aria-label={`Server manager from network ${i + 1}`} isChecked={row.admin} onChange={(_e, admin) => edit(i, { admin })} />
                      </Td>
                      <Td dataLabel="APIs">
                        <Checkbox id={`trusted-api-${i}`} aria-label={`APIs from network ${i + 1}`} isChecked={row.api} onChange={(_e, apiAccess) => edit(i, { api: apiAccess })} />
                      </Td>
                      <Td dataLabel="Remove">
                        <Button variant="link" isDanger aria-label={`Remove network ${i + 1}`} onClick={() => setDraft(rows.filter((_, j) => j !== i))}>
                          Remove
                        </Button>
                      </Td>
                    </Tr>
                  );
                })}
              </Tbody>
            </Table>
            <HelperText>
              <HelperTextItem>
                A network is an IPv4 or IPv6 address with its prefix (192.0.2.0/24, 2001:db8::/32), or one address. Server manager: this UI, its API and SSH. APIs: the applications’ SOAP and REST services and the WSDL documents.
              </HelperTextItem>
            </HelperText>
            <ActionGroup>
              <Button variant="secondary" onClick={() => setDraft([...rows, blank()])}>
                Add a network
              </Button>
              <Button type="submit" variant="primary" isLoading={save.busy} isDisabled={save.busy}>
                Save
              </Button>
              {draft && (
                <Button variant="link" onClick={() => setDraft(null)}>
                  Undo changes
                </Button>
              )}
            </ActionGroup>
          </Form>
        </Panel>
      )}
    </PageSection>
  );
}

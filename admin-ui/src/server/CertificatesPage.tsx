import { ActionGroup, Alert, Button, ClipboardCopy, Form, PageSection, Title } from '@patternfly/react-core';
import { useState, type FormEvent } from 'react';
import { api, unwrap } from '../api/client';
import { useLoad } from '../api/useLoad';
import { ErrorAlert } from '../components/ErrorAlert';
import { Facts } from '../components/Facts';
import { TextAreaField, TextField } from '../components/fields';
import { NotLoaded } from '../components/NotLoaded';
import { Panel } from '../components/Panel';
import { formatDateTime } from '../components/time';
import { useActionStatus } from '../components/useActionStatus';
import { usePageTitle } from '../components/usePageTitle';
import { useSubmit } from '../components/useSubmit';

const loadCertificate = () => unwrap(api.GET('/api/admin/certificate'));
type View = Awaited<ReturnType<typeof loadCertificate>>;

const list = (names: readonly string[]) => names.join(', ') || 'none';

function validity(c: View['certificate']): string {
  const ends = formatDateTime(c.validTo);
  if (c.daysLeft < 0) return `expired on ${ends}`;
  return `until ${ends} (${c.daysLeft} days left)`;
}

/**
 * Server Manager, Certificates (issue #13; the installation guide's certificate notes for
 * MiVoice Integrations): the certificate the appliance presents on HTTPS, a CA-signed one
 * installed with its chain and key, or a key made here with a signing request for the CA and its
 * certificate installed later without a key. nginx takes the new one without dropping sessions.
 */
export function CertificatesPage() {
  usePageTitle('Certificates – Server Manager');
  const view = useLoad(loadCertificate);
  const { statusAlert, showSuccess } = useActionStatus();
  const install = useSubmit();
  const csr = useSubmit();
  const [pem, setPem] = useState({ certificate: '', chain: '', key: '' });
  const [fields, setFields] = useState({ commonName: '', altNames: '', organization: '', country: '' });

  const data = view.data;
  if (!data) return <NotLoaded loaded={view} what="the certificate" />;
  const c = data.certificate;

  const onInstall = async (event: FormEvent) => {
    event.preventDefault();
    const ok = await install.submit(async () => {
      const body = { certificate: pem.certificate, ...(pem.chain.trim() ? { chain: pem.chain } : {}), ...(pem.key.trim() ? { key: pem.key } : {}) };
      const next = await unwrap(api.PUT('/api/admin/certificate', { body }));
      showSuccess(`The certificate for ${next.certificate.subject} is installed and presented now (issued by ${next.certificate.issuer}).`);
    });
    if (ok) {
      setPem({ certificate: '', chain: '', key: '' });
      await view.reload();
    }
  };

  const onRequest = async (event: FormEvent) => {
    event.preventDefault();
    const ok = await csr.submit(async () => {
      const altNames = fields.altNames
        .split(/[\s,]+/)
        .map((n) => n.trim())
        .filter(Boolean);
      await unwrap(
        api.POST('/api/admin/certificate/request', {
          body: { commonName: fields.commonName.trim(), altNames, ...(fields.organization.trim() ? { organization: fields.organization.trim() } : {}), ...(fields.country.trim() ? { country: fields.country.trim() } : {}) },
        }),
      );
      showSuccess('A new key and its signing request are made: give the request to your certificate authority, then install the certificate it signs (no key needed).');
    });
    if (ok) await view.reload();
  };

  return (
    <PageSection>
      <Title headingLevel="h1" className="oig-gap">
        Certificates
      </Title>
      {statusAlert}
      <Panel id="certificate-now" title="The certificate presented now">
        {c.expiring && (
          <Alert variant="warning" isInline className="oig-gap" title={c.daysLeft < 0 ? 'The certificate has expired' : `The certificate expires in ${c.daysLeft} days`}>
            Applications that check it refuse to connect once it has expired: install a new one.
          </Alert>
        )}
        <Facts
          ariaLabel="The certificate presented now"
          items={[
            ['Subject', c.subject],
            ['Issuer', c.selfSigned ? `${c.issuer} (self-signed)` : c.issuer],
            ['Other names', list(c.altNames)],
            ['Valid', validity(c)],
            ['Chain', data.chain.length === 0 ? 'none' : data.chain.map((x) => x.subject).join(' → ')],
            ['SHA-256 fingerprint', c.fingerprintSha256],
          ]}
        />
      </Panel>

      <Panel id="certificate-install" title="Install a CA-signed certificate">
        <Form onSubmit={onInstall}>
          {install.error !== undefined && <ErrorAlert error={install.error} context="The certificate was not installed" />}
          <TextAreaField id="certificate-pem" label="Certificate (PEM)" isRequired value={pem.certificate} onChange={(v) => setPem({ ...pem, certificate: v })} rows={6} error={install.fieldErrors.certificate} />
          <TextAreaField
            id="certificate-chain"
            label="Chain (PEM)"
            hint="The intermediate certificates, the one that issued this certificate first."
            value={pem.chain}
            onChange={(v) => setPem({ ...pem, chain: v })}
            rows={6}
            error={install.fieldErrors.chain}
          />
          <TextAreaField
            id="certificate-key"
            label="Private key (PEM, without a passphrase)"
            hint={data.request ? 'Leave it empty to use the key of the signing request made here.' : undefined}
            value={pem.key}
            onChange={(v) => setPem({ ...pem, key: v })}
            rows={6}
            error={install.fieldErrors.key}
          />
          <ActionGroup>
            <Button type="submit" variant="primary" isDisabled={install.busy || pem.certificate.trim() === ''} isLoading={install.busy}>
              Install
            </Button>
          </ActionGroup>
        </Form>
      </Panel>

      <Panel id="certificate-request" title="Certificate signing request">
        {data.request ? (
          <>
            <p className="oig-gap">
              Made {formatDateTime(data.request.createdAt)} for {list(data.request.altNames)}. Its key stays on the appliance; install the certificate the authority signs above, without a key.
            </p>
            <ClipboardCopy isCode isReadOnly variant="expansion" hoverTip="Copy" clickTip="Copied" id="certificate-request-pem" textAriaLabel="The signing request (PEM)">
              {data.request.pem}
            </ClipboardCopy>
          </>
        ) : (
          <p className="oig-gap">Makes a new key on the appliance and a request for your certificate authority to sign.</p>
        )}
        <Form onSubmit={onRequest}>
          {csr.error !== undefined && <ErrorAlert error={csr.error} context="The request was not made" />}
          <TextField id="csr-common-name" label="Common name" hint="The host name applications use, such as oig.example.com." isRequired value={fields.commonName} onChange={(v) => setFields({ ...fields, commonName: v })} error={csr.fieldErrors.commonName} />
          <TextField id="csr-alt-names" label="Other names" hint="Host names or IPv4 addresses, separated by commas." value={fields.altNames} onChange={(v) => setFields({ ...fields, altNames: v })} error={csr.fieldErrors.altNames} />
          <TextField id="csr-organization" label="Organization" value={fields.organization} onChange={(v) => setFields({ ...fields, organization: v })} error={csr.fieldErrors.organization} />
          <TextField id="csr-country" label="Country" hint="Two letters, such as CA." value={fields.country} onChange={(v) => setFields({ ...fields, country: v })} error={csr.fieldErrors.country} />
          <ActionGroup>
            <Button type="submit" variant="secondary" isDisabled={csr.busy} isLoading={csr.busy}>
              {data.request ? 'Make a new request' : 'Make a request'}
            </Button>
          </ActionGroup>
        </Form>
      </Panel>
    </PageSection>
  );
}

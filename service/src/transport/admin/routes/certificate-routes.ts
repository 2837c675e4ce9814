import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { requestProblems } from '@openoig/helper/certificate-request';
import { CertificateInstall, CertificateRequestFields } from '@openoig/helper/protocol';
import type { ApplianceControl } from '../../../domain/system/ports';
import { InvalidFieldsError } from '../../../errors';
import { change, read } from '../admin-openapi';
import { ERROR_RESPONSES } from '../admin-schemas';

const Facts = Type.Object(
  {
    subject: Type.String({ description: 'Its common name (or the whole subject when it has none)' }),
    issuer: Type.String(),
    altNames: Type.Array(Type.String({ description: 'e.g. DNS:oig.example.com, IP Address:10.0.0.5' })),
    validFrom: Type.String({ format: 'date-time' }),
    validTo: Type.String({ format: 'date-time' }),
    daysLeft: Type.Integer({ description: 'Whole days until validTo (negative: expired)' }),
    expiring: Type.Boolean({ description: 'Ends within 30 days, or has ended' }),
    selfSigned: Type.Boolean(),
    fingerprintSha256: Type.String(),
  },
  { additionalProperties: false },
);
const CertificateView = Type.Object(
  {
    certificate: Facts,
    chain: Type.Array(Facts, { description: 'The intermediate certificates presented after it, in order' }),
    request: Type.Union(
      [
        Type.Object(
          { pem: Type.String({ description: 'The PKCS#10 request, for the certificate authority' }), commonName: Type.String(), altNames: Type.Array(Type.String()), createdAt: Type.String({ format: 'date-time' }) },
          { additionalProperties: false },
        ),
        Type.Null(),
      ],
      { description: 'A signing request made on the appliance whose certificate is not installed yet' },
    ),
  },
  { additionalProperties: false },
);

export interface CertificateRouteDeps {
  readonly appliance: ApplianceControl;
}

/**
 * Server Manager, Certificates (issue #13; the seed's certificate notes for MiVoice Integrations
 * need a CA-signed one): the certificate nginx presents, a CA-signed one installed with its chain
 * and key (or for the key of a request made here), and a signing request made on the appliance.
 * The helper checks everything again and reloads nginx gracefully.
 */
export async function certificateRoutes(secured: FastifyInstance, { appliance }: CertificateRouteDeps): Promise<void> {
  secured.get('/certificate', { schema: { ...read('getCertificate', 'system', 'The TLS certificate the appliance presents, its chain, and a signing request waiting for its certificate'), response: { 200: CertificateView, ...ERROR_RESPONSES } } }, async () =>
    appliance.certificate(),
  );

  secured.put(
    '/certificate',
    {
      schema: {
        ...change('installCertificate', 'system', 'Installs a CA-signed certificate with its chain, and its key (left out: the key of the signing request made here)'),
        body: CertificateInstall,
        response: { 200: CertificateView, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const view = await appliance.installCertificate(request.body as CertificateInstall);
      request.log.warn({ subject: view.certificate.subject, issuer: view.certificate.issuer, validTo: view.certificate.validTo }, 'the administrator installed a TLS certificate');
      return view;
    },
  );

  secured.post(
    '/certificate/request',
    { schema: { ...change('requestCertificate', 'system', 'Makes a new key on the appliance and its certificate signing request (replaces one made before)'), body: CertificateRequestFields, response: { 200: CertificateView, ...ERROR_RESPONSES } } },
    async (request) => {
      const fields = request.body as CertificateRequestFields;
      const problems = requestProblems(fields);
      if (Object.keys(problems).length > 0) throw new InvalidFieldsError(problems);
      return appliance.requestCertificate(fields);
    },
  );
}

import type { FastifyInstance } from 'fastify';
import type { AclRegistry } from '../../../domain/acl/acl-registry';
import { change, read } from '../admin-openapi';
import { ERROR_RESPONSES, ref } from '../admin-schemas';

/**
 * Application Accounts tab: the ACL's status and "get latest applications list" from the
 * certificate server.
 */
export interface AclRouteDeps {
  readonly acl: AclRegistry;
}

export async function aclRoutes(secured: FastifyInstance, { acl }: AclRouteDeps): Promise<void> {
  const aclAnswer = { 200: ref('AclStatus'), ...ERROR_RESPONSES };
  secured.get('/acl', { schema: { ...read('getAcl', 'applications', 'ACL status'), response: aclAnswer } }, async () => acl.status());
  secured.post(
    '/acl/refresh',
    { schema: { ...change('refreshAcl', 'applications', 'Gets the latest applications list from the certificate server'), response: aclAnswer } },
    async () => acl.refresh(),
  );
}

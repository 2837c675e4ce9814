import type { SessionManager } from '../../domain/sessions/session-manager';
import { parseSessionId } from '../../domain/sessions/session';
import type { Decoded } from './codec';
import { sessionService } from './catalogue/session-service';
import type { SoapBinding, SoapContext, SoapHandler } from './soap-routes';

/** The SessionService operations, bound to the domain's SessionManager. */
type Login = Decoded & {
  applicationName?: string;
  companyName?: string;
  applicationPassword?: string;
  localPassword?: string;
  version?: string;
  certificate?: string;
};

export function sessionServiceBinding(sessions: SessionManager, serviceVersions: () => string): SoapBinding {
  // login, loginEx and loginApp differ only in which elements the contract makes optional.
  const login: SoapHandler = async (input: Decoded, ctx: SoapContext) => {
    const req = (input.req ?? {}) as Login;
    const { session, authenticationData } = await sessions.login({
      companyName: req.companyName,
      applicationName: req.applicationName,
      applicationPassword: req.applicationPassword,
      localPassword: req.localPassword,
      version: req.version,
      certificate: req.certificate,
      protocol: 'soap',
      clientAddress: ctx.request.ip,
    });
    return { return: { result: true, sessionId: session.id, authenticationData } };
  };

  return {
    service: sessionService,
    handlers: {
      login,
      loginEx: login,
      loginApp: login,
      authenticate: async (input) => {
        const req = (input.req ?? {}) as { sessionId?: string; signedAuthenticationData?: string };
        const id = parseSessionId(req.sessionId);
        await sessions.authenticate(id, req.signedAuthenticationData ?? '');
        return { return: { result: true, sessionId: id } };
      },
      serviceVersions: async (input) => {
        const id = parseSessionId(input.sessionId);
        sessions.get(id);
        return { return: { result: true, sessionId: id, serviceVersions: serviceVersions() } };
      },
      resetSessionTimer: async (input) => {
        sessions.keepAlive(parseSessionId(input.sessionId));
        return { return: { result: true } };
      },
      logout: async (input) => {
        await sessions.logout(parseSessionId(input.sessionId));
        return { return: { result: true } };
      },
      registerHAClientCallback: async (input) => {
        await sessions.registerHaCallback(parseSessionId(input.sessionId), input.callbackUri as string | undefined);
        return { return: { result: true } };
      },
    },
  };
}

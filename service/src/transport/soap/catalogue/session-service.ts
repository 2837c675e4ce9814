import { XS, attr, complexType, el, opt, wrapper } from '../schema';
import { operation, type ServiceDef } from './types';

/**
 * SessionService of OIG 4.0: login, advanced authentication, keep-alive, logout, HA callback
 * registration. Names, namespaces, order and occurrence follow the published contract.
 */
const TNS = 'http://mitel.com/oig/session/SessionService';
const NS = 'http://mitel.com/oig/session';

const s = XS.string;

const loginRequest = complexType(NS, 'loginRequest', [
  el('applicationName', s),
  el('companyName', s),
  el('localPassword', s),
  opt('applicationPassword', s),
  opt('certificate', s),
]);
const loginResponse = complexType(
  NS,
  'loginResponse',
  [opt('errorDesc', s), opt('authenticationData', s)],
  [attr('result', XS.boolean, true), attr('sessionId', XS.long, true)],
);
const loginExRequest = complexType(NS, 'loginExRequest', [
  el('applicationName', s),
  el('companyName', s),
  el('applicationPassword', s),
  el('localPassword', s),
  el('version', s),
  opt('certificate', s),
]);
const loginExResponse = complexType(
  NS,
  'loginExResponse',
  [opt('errorDesc', s), opt('authenticationData', s)],
  [attr('result', XS.boolean, true), attr('sessionId', XS.long, true)],
);
const loginAppReq = complexType(NS, 'loginAppReq', [
  opt('applicationName', s),
  opt('companyName', s),
  opt('applicationPassword', s),
  opt('localPassword', s),
  opt('certificate', s),
  opt('version', s),
  opt('userId', s),
]);
const loginAppResp = complexType(
  NS,
  'loginAppResp',
  [opt('errorDesc', s), opt('authenticationData', s)],
  [attr('result', XS.boolean, true), attr('sessionId', XS.long, true)],
);
const authenticateSessionRequest = complexType(
  NS,
  'authenticateSessionRequest',
  [el('signedAuthenticationData', s)],
  [attr('sessionId', XS.long, true)],
);
const authenticateSessionResponse = complexType(
  NS,
  'authenticateSessionResponse',
  [opt('errorDescription', s)],
  [attr('sessionId', XS.long, true), attr('result', XS.boolean, true)],
);
const versionResponse = complexType(
  NS,
  'versionResponse',
  [opt('errorDesc', s), opt('serviceVersions', s)],
  [attr('result', XS.boolean, true), attr('sessionId', XS.long, true)],
);
const resetSessionTimerResponse = complexType(NS, 'resetSessionTimerResponse', [opt('errorDesc', s)], [attr('result', XS.boolean, true)]);
const logoutResponse = complexType(NS, 'logoutResponse', [opt('errorDesc', s)], [attr('result', XS.boolean, true)]);
const result = complexType(NS, 'result', [opt('errorDescription', s)], [attr('result', XS.boolean, true)]);
const loginUser = complexType(NS, 'loginUser', [
  opt('applicationName', s),
  opt('applicationPassword', s),
  opt('certificate', s),
  opt('companyName', s),
  opt('localPassword', s),
  opt('userEmail', s),
  opt('userPassword', s),
]);
const tokenResultAttributes = [attr('result', XS.boolean, true), attr('sessionId', XS.long, true), attr('userId', XS.int, true)];
const loginUserResult = complexType(NS, 'loginUserResult', [opt('errorDescription', s), opt('token', s)], tokenResultAttributes);
const validateTokenResult = complexType(NS, 'validateTokenResult', [opt('errorDescription', s), opt('token', s)], tokenResultAttributes);

/** An operation whose request is `<name><req/></name>` and response `<nameResponse><return/></nameResponse>`. */
function op(name: string, reqField: ReturnType<typeof el>[], ret: ReturnType<typeof complexType>, doc: string) {
  return operation(TNS, name, 'standard', wrapper(TNS, name, reqField), wrapper(TNS, `${name}Response`, [opt('return', ret)]), doc);
}

export const sessionService: ServiceDef = {
  name: 'SessionService',
  namespace: TNS,
  typesSchemas: [{ namespace: NS, file: 'session.xsd' }],
  paths: ['/axis2/services/SessionService', '/mitel/oig/session/SessionService'],
  doc: 'Opens, keeps alive and closes an application communication session.',
  operations: [
    op('login', [opt('req', loginRequest)], loginResponse, 'Logs in (OIG 1.x form, no version). With a certificate, answers authenticationData to sign.'),
    op('loginEx', [opt('req', loginExRequest)], loginExResponse, 'Logs in with company, application, application password, local password and version. With a certificate, answers authenticationData to sign for an Advanced session.'),
    op('loginApp', [opt('req', loginAppReq)], loginAppResp, 'Logs in like loginEx; every element optional on the wire, the same ones required in fact.'),
    op('authenticate', [opt('req', authenticateSessionRequest)], authenticateSessionResponse, 'Completes an Advanced login: signedAuthenticationData is the MD5withRSA (or SHA256withRSA) signature of authenticationData.'),
    op('serviceVersions', [el('sessionId', XS.long)], versionResponse, 'Lists the services this gateway offers and their versions.'),
    op('resetSessionTimer', [el('sessionId', XS.long)], resetSessionTimerResponse, 'Keep-alive: must be called within the session timeout (10 s by default).'),
    op('logout', [el('sessionId', XS.long)], logoutResponse, 'Ends the session and frees everything it held.'),
    op('registerHAClientCallback', [el('sessionId', XS.long), opt('callbackUri', s)], result, 'Stores the URI where the application receives high-availability notices.'),
    op('loginUser', [opt('request', loginUser)], loginUserResult, 'MiVoice Integrations user login (not available in this release).'),
    op('validateToken', [opt('token', s)], validateTokenResult, 'MiVoice Integrations token check (not available in this release).'),
  ],
};

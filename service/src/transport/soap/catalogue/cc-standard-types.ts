import { XS, attr, complexType, el, enumType, many, opt } from '../schema';
import { callState, connectionState } from './cc-enums';

/**
 * The named types of the Standard call-control namespace (served as standard.xsd): the
 * request types some operations take as one `request` element, and their results.
 * standard.xsd also declares global elements (setAccountCodeRequest, pickupCallRequest, …)
 * that no operation of the WSDL uses; they are not part of the wire contract and are left out.
 */
export const STANDARD_NS = 'http://mitel.com/oig/cc/standard';

const s = XS.string;

export const networkElementType = enumType(STANDARD_NS, 'networkElementType', ['MI_VB', 'MI_400', 'MI_CC', 'MX_ONE']);

// Requests.
export const getIcpIdRequest = complexType(STANDARD_NS, 'getIcpIdRequest', [el('icpIpAddress', s)], [attr('sessionId', XS.long, true)]);
export const getPhoneNumberIdRequest = complexType(
  STANDARD_NS,
  'getPhoneNumberIdRequest',
  [el('primeDn', s)],
  [attr('sessionId', XS.long, true), attr('icpId', XS.long, true)],
);
export const getLineAppearanceIdRequest = complexType(
  STANDARD_NS,
  'getLineAppearanceIdRequest',
  [el('primeDn', s)],
  [attr('sessionId', XS.long, true), attr('icpId', XS.long, true), attr('buttonNum', XS.int, true)],
);
export const getDeviceConfigurationRequest = complexType(
  STANDARD_NS,
  'getDeviceConfigurationRequest',
  [el('primeDn', s)],
  [attr('sessionId', XS.long, true), attr('icpId', XS.long, true)],
);
export const getDeviceMembersRequest = complexType(
  STANDARD_NS,
  'getDeviceMembersRequest',
  [el('primeDn', s)],
  [attr('sessionId', XS.long, true), attr('icpId', XS.long, true)],
);
export const loginHotDeskUserRequest = complexType(
  STANDARD_NS,
  'loginHotDeskUserRequest',
  [el('pin', s), el('hotDeskUserDn', s)],
  [attr('sessionId', XS.long, true), attr('objectId', XS.long, true)],
);
export const loginExtHotDeskUserRequest = complexType(
  STANDARD_NS,
  'loginExtHotDeskUserRequest',
  [el('pin', s)],
  [attr('sessionId', XS.long, true), attr('objectId', XS.long, true)],
);
export const setCFRequest = complexType(
  STANDARD_NS,
  'setCFRequest',
  [el('dn', s)],
  [attr('sessionId', XS.long, true), attr('objectId', XS.long, true), attr('cfOn', XS.boolean, true)],
);

// Results.
export const monitorResult = complexType(
  STANDARD_NS,
  'monitorResult',
  [opt('errorDescription', s)],
  [attr('result', XS.boolean, true), attr('objectId', XS.long, true), attr('icpId', XS.long, true)],
);
export const lineConfig = complexType(
  STANDARD_NS,
  'lineConfig',
  [opt('extNumber', s)],
  [attr('objectId', XS.long, true), attr('buttonNumber', XS.int, true)],
);
export const deviceConfigResult = complexType(
  STANDARD_NS,
  'deviceConfigResult',
  [
    opt('errorDescription', s),
    many('line', lineConfig),
    opt('primaryIcp', s),
    opt('secondaryIcp', s),
  ],
  [attr('result', XS.boolean, true), attr('isResilient', XS.boolean, true)],
);
export const deviceConfigExResult = complexType(
  STANDARD_NS,
  'deviceConfigExResult',
  [
    opt('errorDescription', s),
    many('line', lineConfig),
    opt('primaryIcpAddress', s),
    opt('secondaryIcpAddress', s),
  ],
  [
    attr('result', XS.boolean, true),
    attr('isResilient', XS.boolean, true),
    attr('primaryIcpId', XS.long, true),
    attr('secondaryIcpId', XS.long, true),
  ],
);
export const memberConfig = complexType(
  STANDARD_NS,
  'memberConfig',
  [opt('primeDn', s)],
  [attr('buttonNum', XS.int, true), attr('objectId', XS.long, true)],
);
export const deviceMembersResult = complexType(
  STANDARD_NS,
  'deviceMembersResult',
  [opt('errorDescription', s), many('member', memberConfig)],
  [attr('result', XS.boolean, true)],
);
export const icpConfigResult = complexType(
  STANDARD_NS,
  'icpConfigResult',
  [
    opt('errorDescription', s),
    opt('maxExtLength', s),
    opt('trunkPrefix', s),
    opt('longDistancePrefix', s),
    opt('internationalPrefix', s),
    opt('localAreaCodes', s),
    opt('outsidePrefix', s),
    opt('localCountryCode', s),
    opt('neType', networkElementType),
    opt('ipAddr', s),
  ],
  [attr('result', XS.boolean, true)],
);
export const dialNumberResult = complexType(
  STANDARD_NS,
  'dialNumberResult',
  [opt('errorDescription', s), opt('dialableNumber', s)],
  [attr('result', XS.boolean, true)],
);
export const incomingPhoneNumberResult = complexType(
  STANDARD_NS,
  'incomingPhoneNumberResult',
  [opt('errorDescription', s), many('incomingNumber', s)],
  [attr('result', XS.boolean, true)],
);
export const resilientStatusResult = complexType(
  STANDARD_NS,
  'resilientStatusResult',
  [
    opt('errorDescription', s),
    opt('primaryIcpAddress', s),
    opt('primaryConnectionState', connectionState),
    opt('secondaryIcpAddress', s),
    opt('secondaryConnectionState', connectionState),
    opt('callStatePrimary', callState),
    opt('callStateSecondary', callState),
  ],
  [
    attr('result', XS.boolean, true),
    attr('isResilient', XS.boolean, true),
    attr('primaryIcpId', XS.long, true),
    attr('secondaryIcpId', XS.long, true),
    attr('activeIcpId', XS.long, true),
  ],
);
export const hotDeskUserLoginResult = complexType(
  STANDARD_NS,
  'hotDeskUserLoginResult',
  [opt('errorDescription', s), opt('userDn', s)],
  [attr('result', XS.boolean, true), attr('hotDeskDeviceObjectId', XS.long, true)],
);
export const hotDeskUserLoginDeviceResult = complexType(
  STANDARD_NS,
  'hotDeskUserLoginDeviceResult',
  [opt('errorDescription', s), opt('hotDeskDeviceDn', s)],
  [attr('result', XS.boolean, true), attr('hotDeskUserObjectId', XS.long, true)],
);

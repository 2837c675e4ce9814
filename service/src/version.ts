import pkg from '../package.json';

/** The gateway's own release. */
export const GATEWAY_VERSION: string = pkg.version;

/** The OIG service contract level the SOAP services implement (the reference WSDL is OIG 4.0). */
export const OIG_CONTRACT_VERSION = '4.0';

import type { CertificateRequestFields } from '../protocol';

/**
 * The checks of a certificate signing request's fields, shared by the admin API (field by field,
 * before the helper is asked) and the helper (which trusts nobody): the subject goes to openssl
 * as `/C=…/O=…/CN=…`, so no value may hold a character that would start another field.
 */
const SUBJECT_VALUE = /^[A-Za-z0-9 .'()_:@-]{1,64}$/;
const DNS_NAME = /^(?=.{1,253}$)(\*\.)?([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
export const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;

/** Field → what is wrong with it; empty when the request can be made. */
export function requestProblems(fields: CertificateRequestFields): Record<string, string> {
  const problems: Record<string, string> = {};
  if (!DNS_NAME.test(fields.commonName)) problems.commonName = 'The common name has to be the host name clients use, such as oig.example.com.';
  if (fields.organization !== undefined && !SUBJECT_VALUE.test(fields.organization)) problems.organization = "The organization may have letters, digits, spaces and . ' ( ) _ : @ - (up to 64).";
  if (fields.country !== undefined && !/^[A-Z]{2}$/.test(fields.country)) problems.country = 'The country is two capital letters (ISO 3166), such as CA.';
  // Digits and dots only is meant as an address (10.0.2.300 is not a host name either).
  const bad = fields.altNames.filter((n) => !(/^[\d.]+$/.test(n) ? IPV4.test(n) : DNS_NAME.test(n)));
  if (bad.length > 0) problems.altNames = `Not a host name or IPv4 address: ${bad.join(', ')}`;
  if (fields.altNames.length > 20) problems.altNames = 'At most 20 other names.';
  return problems;
}


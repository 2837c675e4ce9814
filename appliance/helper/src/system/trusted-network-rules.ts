import ipaddr from 'ipaddr.js';
import { TRUSTED_NETWORKS_MAX, type TrustedNetwork } from '../protocol';

/**
 * The checks of the Trusted networks list, shared by the admin API (field by field, before the
 * helper is asked) and the helper (which trusts nobody, and writes the list into nftables' and
 * nginx's files). Written strictly: IPv4 only as four decimal parts (ipaddr.js alone would take
 * 010.1 or 0x0a.0.0.1), no IPv6 zone, and no address with host bits under its prefix (192.0.2.7/24
 * is refused with the network it probably meant, rather than silently widened or narrowed).
 */
export type ParsedNetwork = { readonly ok: true; readonly cidr: string; readonly family: 4 | 6 } | { readonly ok: false; readonly message: string };

export function parseNetwork(text: string): ParsedNetwork {
  const [address = '', prefixText, ...rest] = text.trim().split('/');
  const family = ipaddr.IPv4.isValidFourPartDecimal(address) ? 4 : !address.includes('%') && ipaddr.IPv6.isValid(address) ? 6 : 0;
  if (family === 0 || rest.length > 0) return { ok: false, message: `${text} is not an IPv4 or IPv6 network such as 192.0.2.0/24, 2001:db8::/32 or one address.` };
  const width = family === 4 ? 32 : 128;
  const prefix = prefixText === undefined ? width : /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : NaN;
  if (!(prefix >= 0 && prefix <= width)) return { ok: false, message: `The prefix of ${text} has to be 0 to ${width}.` };
  const cidr = `${ipaddr.parse(address).toString()}/${prefix}`;
  const network = (family === 4 ? ipaddr.IPv4.networkAddressFromCIDR(cidr) : ipaddr.IPv6.networkAddressFromCIDR(cidr)).toString();
  if (network !== ipaddr.parse(address).toString()) return { ok: false, message: `${text} has host bits set under its prefix: the network is ${network}/${prefix}.` };
  if (family === 6 && (ipaddr.parse(address) as ipaddr.IPv6).isIPv4MappedAddress()) return { ok: false, message: `${text} is an IPv4-mapped address: give the IPv4 network itself.` };
  return { ok: true, cidr, family };
}

/** Field → what is wrong with it (`network.N`, `description.N`, `networks`); empty when the list can be kept. */
export function trustedNetworkProblems(networks: readonly TrustedNetwork[]): Record<string, string> {
  const problems: Record<string, string> = {};
  if (networks.length > TRUSTED_NETWORKS_MAX) problems.networks = `At most ${TRUSTED_NETWORKS_MAX} trusted networks.`;
  const seen = new Map<string, number>();
  networks.forEach((entry, i) => {
    const parsed = parseNetwork(entry.network);
    if (!parsed.ok) problems[`network.${i}`] = parsed.message;
    else if (seen.has(parsed.cidr)) problems[`network.${i}`] = `${parsed.cidr} is listed twice (also as row ${(seen.get(parsed.cidr) ?? 0) + 1}).`;
    else seen.set(parsed.cidr, i);
    if (!entry.admin && !entry.api) problems[`network.${i}`] ??= `${entry.network} is trusted with nothing: tick the server manager, the APIs, or both (or remove the row).`;
    if (/[\u0000-\u001f\u007f-\u009f]/.test(entry.description)) problems[`description.${i}`] = 'The description is one line of text.';
  });
  return problems;
}

/** The network an interface's address is in (10.0.2.15, 24: 10.0.2.0/24); null for what is not an address. */
export function networkOf(address: string, prefix: number): string | null {
  const parsed = parseNetwork(address);
  if (!parsed.ok) return null;
  const cidr = `${address}/${prefix}`;
  const network = parsed.family === 4 ? ipaddr.IPv4.networkAddressFromCIDR(cidr) : ipaddr.IPv6.networkAddressFromCIDR(cidr);
  const checked = parseNetwork(`${network.toString()}/${prefix}`);
  return checked.ok ? checked.cidr : null;
}

/** The address as one family: an IPv4-mapped IPv6 address (::ffff:192.0.2.7, as a dual-stack socket reports it) is that IPv4 address. */
function plain(address: string): ipaddr.IPv4 | ipaddr.IPv6 | null {
  return ipaddr.isValid(address) ? ipaddr.process(address) : null;
}

/** Whether a host at `address` may reach what `scope` names, under this (checked) list. */
export function allows(networks: readonly TrustedNetwork[], address: string, scope: 'admin' | 'api'): boolean {
  const host = plain(address);
  if (!host) return false;
  if (host.range() === 'loopback') return true;
  return networks.some((entry) => {
    if (!entry[scope]) return false;
    const parsed = parseNetwork(entry.network);
    if (!parsed.ok) return false;
    const range = ipaddr.parseCIDR(parsed.cidr);
    return range[0].kind() === host.kind() && host.match(range);
  });
}

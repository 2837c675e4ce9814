import net from 'node:net';

/**
 * Controllers are named by IP address (getIcpId works by address, and a TLS controller's
 * certificate names its IP). One spelling per address, so that `::1` and `0:0::1` are one link:
 * IPv4 as given (node accepts only dotted-decimal without leading zeros), IPv6 compressed and
 * lower-case. Anything else, hostnames included, is refused (undefined). This is the manager's
 * key only: it reports an address as its caller first spelled it.
 */
export function controllerAddress(address: string): string | undefined {
  const family = net.isIP(address);
  if (family === 4) return address;
  if (family !== 6) return undefined;
  try {
    const host = new URL(`http://[${address}]/`).hostname;
    return host.slice(1, -1);
  } catch {
    // A zone index (fe80::1%eth0) is valid for node but not in a URL: keep it, lower-cased.
    return address.toLowerCase();
  }
}

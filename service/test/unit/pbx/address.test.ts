import { expect, it } from 'vitest';
import { controllerAddress } from '../../../src/pbx/address';

it('accepts IPv4 and IPv6 literals, one spelling per address', () => {
  expect(controllerAddress('10.1.2.3')).toBe('10.1.2.3');
  expect(controllerAddress('::1')).toBe('::1');
  expect(controllerAddress('0:0:0:0:0:0:0:1')).toBe('::1');
  expect(controllerAddress('2001:DB8::0:1')).toBe('2001:db8::1');
  expect(controllerAddress('fe80::1%eth0')).toBe('fe80::1%eth0');
});

it('refuses hostnames and anything else that is not an IP literal', () => {
  for (const address of ['icp1.example.com', 'localhost', '', ' 10.1.2.3', '10.1.2', '010.1.2.3', '256.1.1.1', '[::1]', '10.1.2.3:7001']) {
    expect(controllerAddress(address), address).toBeUndefined();
  }
});

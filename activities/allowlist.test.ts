import { expandIPv6, isPublicAddress, matchAllowlist, parseAllowlist } from './allowlist';

describe('allowlist entries', () => {
  const list = parseAllowlist([
    'api.shop.example',
    '*.example.com',
    '127.0.0.1:8081',
    'LOCALHOST',
    '[::1]:9000',
    '10.0.0.5',
  ]);

  it('matches exact hosts, wildcard subdomains and ports', () => {
    const m = (host: string, port: number): string | undefined => matchAllowlist(list, host, port)?.kind;
    expect(m('api.shop.example', 443)).toBe('exact');
    expect(m('API.Shop.Example.', 80)).toBe('exact');
    expect(m('a.example.com', 443)).toBe('suffix');
    expect(m('a.b.example.com', 443)).toBe('suffix');
    expect(m('example.com', 443)).toBeUndefined();
    expect(m('evilexample.com', 443)).toBeUndefined();
    expect(m('127.0.0.1', 8081)).toBe('exact');
    expect(m('127.0.0.1', 8082)).toBeUndefined();
    expect(m('localhost', 1234)).toBe('exact');
    expect(m('::1', 9000)).toBe('exact');
    expect(m('0:0::1', 9000)).toBe('exact');
    expect(m('10.0.0.5', 1)).toBe('exact');
    expect(m('shop.example', 443)).toBeUndefined();
  });

  it('lets * match any host, and rejects malformed entries', () => {
    expect(matchAllowlist(parseAllowlist(['*']), 'anything.example', 443)?.kind).toBe('any');
    expect(matchAllowlist(parseAllowlist(['*:8443']), 'x.example', 443)).toBeUndefined();
    for (const bad of [
      '',
      'http://x.example',
      'a b',
      'x.example:0',
      'x.example:99999',
      'a*.example.com',
      'user@host',
    ]) {
      expect(() => parseAllowlist([bad])).toThrow(/invalid httpAllow entry/);
    }
  });
});

describe('address policy', () => {
  it.each([
    '127.0.0.1',
    '127.1.2.3',
    '10.1.2.3',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '255.255.255.255',
    '224.0.0.1',
    '::',
    '::1',
    'fe80::1',
    'fd00::1',
    'ff02::1',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '::ffff:10.0.0.1',
    '64:ff9b::a00:1',
    // RFC 8215 local-use NAT64 and SIIT (issue 12): judged by the IPv4 address they carry.
    '64:ff9b:1::7f00:1',
    '64:ff9b:1::a9fe:a9fe',
    '64:ff9b:1:ffff::10.0.0.1',
    '64:ff9b:1::192.168.1.1',
    '::ffff:0:7f00:1',
    '::ffff:0:169.254.169.254',
    '::ffff:0:a00:1',
    '2002:a00:1::',
    'not-an-ip',
  ])('%s is not public', (address) => {
    expect(isPublicAddress(address)).toBe(false);
  });

  it.each([
    '93.184.216.34',
    '8.8.8.8',
    '172.32.0.1',
    '2606:4700:4700::1111',
    '::ffff:8.8.8.8',
    '64:ff9b:1::808:808',
    '::ffff:0:808:808',
  ])('%s is public', (address) => {
    expect(isPublicAddress(address)).toBe(true);
  });

  it('expands IPv6 forms', () => {
    expect(expandIPv6('::1')).toEqual([0, 0, 0, 0, 0, 0, 0, 1]);
    expect(expandIPv6('::ffff:1.2.3.4')).toEqual([0, 0, 0, 0, 0, 0xffff, 0x102, 0x304]);
    expect(expandIPv6('1:2:3:4:5:6:7:8')).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(expandIPv6('1::2::3')).toBeUndefined();
    expect(expandIPv6('1:2:3')).toBeUndefined();
  });
});

describe('international names', () => {
  it('compares the ASCII form', () => {
    const list = parseAllowlist(['bücher.example']);
    expect(matchAllowlist(list, new URL('https://BÜCHER.example/').hostname, 443)?.kind).toBe('exact');
  });
});

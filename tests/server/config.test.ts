import { describe, expect, it } from 'vitest';
import { isLoopbackHost, readConfig } from '../../src/server/config.ts';

describe('isLoopbackHost', () => {
  it.each([
    '127.0.0.1',
    '127.1.2.3',
    '127.255.255.254',
    '::1',
    '[::1]',
    '0:0:0:0:0:0:0:1',
    '::ffff:127.0.0.1',
    'localhost',
    'LOCALHOST',
  ])('counts %s as loopback', (host) => {
    expect(isLoopbackHost(host)).toBe(true);
  });

  it.each([
    '0.0.0.0',
    '::',
    '',
    '192.168.1.10',
    '10.0.0.1',
    '128.0.0.1',
    '127.0.0.1.example.com',
    '::ffff:10.0.0.1',
    'sotay.example.vn',
    'localhost.example.com',
  ])('does not count %j as loopback', (host) => {
    expect(isLoopbackHost(host)).toBe(false);
  });
});

describe('readConfig: the demo commune', () => {
  it.each([
    [{}, true],
    [{ HOST: '127.0.0.1' }, true],
    [{ HOST: '::1' }, true],
    [{ HOST: 'localhost', SOTAY_DEMO: '' }, true],
    [{ HOST: '0.0.0.0' }, false],
    [{ HOST: '192.168.1.10' }, false],
    [{ HOST: '' }, false],
    [{ HOST: '0.0.0.0', SOTAY_DEMO: '1' }, true],
    [{ HOST: '0.0.0.0', SOTAY_DEMO: 'on' }, true],
    [{ HOST: '127.0.0.1', SOTAY_DEMO: '0' }, false],
    [{ SOTAY_DEMO: 'off' }, false],
    [{ HOST: '0.0.0.0', SOTAY_DEMO: 'false' }, false],
  ])('%j → demo %s', (env, demo) => {
    expect(readConfig(env).demo).toBe(demo);
  });

  it('refuses a SOTAY_DEMO it does not understand', () => {
    expect(() => readConfig({ SOTAY_DEMO: 'maybe' })).toThrow(/SOTAY_DEMO/);
  });

  it('trusts X-Forwarded-For only when told it sits behind a proxy', () => {
    expect(readConfig({}).trustProxy).toBe(false);
    expect(readConfig({ SOTAY_TRUST_PROXY: '1' }).trustProxy).toBe(true);
    expect(readConfig({ SOTAY_TRUST_PROXY: 'off' }).trustProxy).toBe(false);
    expect(() => readConfig({ SOTAY_TRUST_PROXY: 'sometimes' })).toThrow(/SOTAY_TRUST_PROXY/);
  });
});

import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { cutResponse, faultsFromSpec, parseFaultSpec } from '../../../src/server/fault.ts';

describe('SOTAY_FAULT', () => {
  it('is inert when unset or empty', () => {
    expect(faultsFromSpec(undefined)).toBeUndefined();
    expect(faultsFromSpec('')).toBeUndefined();
    expect(faultsFromSpec(' , ')).toBeUndefined();
  });

  it('parses the n-th hit and a probability, several points at once', () => {
    expect(parseFaultSpec('before_tx:3, mid_response:0.25')).toEqual([
      { point: 'before_tx', nth: 3 },
      { point: 'mid_response', probability: 0.25 },
    ]);
    expect(parseFaultSpec('after_commit_before_response:.5')).toEqual([
      { point: 'after_commit_before_response', probability: 0.5 },
    ]);
  });

  it.each([
    'before_txn:1',
    'before_tx',
    'before_tx:0',
    'before_tx:1.5',
    'before_tx:-1',
    'before_tx:1:2',
    'before_tx:0.0',
  ])('refuses %j (a typo must not run a crash test without crashes)', (spec) => {
    expect(() => parseFaultSpec(spec)).toThrow(/SOTAY_FAULT/);
  });

  it('dies at exactly the n-th hit of its point, and only there', () => {
    const deaths: string[] = [];
    const f = faultsFromSpec('after_write_before_commit:3', { kill: () => deaths.push('x') })!;
    for (let i = 1; i <= 5; i++) {
      void f.at('before_tx');
      void f.at('after_write_before_commit');
      deaths.push(`hit ${i}`);
    }
    expect(deaths).toEqual(['hit 1', 'hit 2', 'x', 'hit 3', 'hit 4', 'hit 5']);
    expect(f.cutsResponse()).toBe(false);
  });

  it('dies with the given probability', () => {
    let deaths = 0;
    const rolls = [0.9, 0.1, 0.5, 0.29];
    const f = faultsFromSpec('before_tx:0.3', {
      random: () => rolls.shift()!,
      kill: () => deaths++,
    })!;
    for (let i = 0; i < 4; i++) void f.at('before_tx');
    expect(deaths).toBe(2);
  });

  it('cuts the n-th response', () => {
    const f = faultsFromSpec('mid_response:2', { kill: () => {} })!;
    expect([f.cutsResponse(), f.cutsResponse(), f.cutsResponse()]).toEqual([false, true, false]);
  });
});

describe('cutResponse', () => {
  let server: Server | undefined;
  afterEach(() => {
    server?.close();
    server?.closeAllConnections();
  });

  it('sends the headers and half the body, then the process would die', async () => {
    const body = JSON.stringify({ results: 'x'.repeat(10_000) });
    let killed = false;
    server = createServer((_req, res) => {
      // Here the "death" closes the socket, as the kernel does for a killed process.
      void cutResponse(res, 200, body, () => {
        killed = true;
        res.socket?.destroy();
      });
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;

    const got = await new Promise<{
      status: number;
      length: string;
      received: number;
      complete: boolean;
    }>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path: '/', agent: false }, (res) => {
        let received = 0;
        res.on('data', (c: Buffer) => (received += c.length));
        res.on('error', () => {});
        res.on('close', () =>
          resolve({
            status: res.statusCode ?? 0,
            length: String(res.headers['content-length']),
            received,
            complete: res.complete,
          }),
        );
      });
      req.on('error', reject);
      req.end();
    });

    expect(killed).toBe(true);
    expect(got).toEqual({
      status: 200,
      length: String(body.length),
      received: Math.floor(body.length / 2),
      complete: false,
    });
  });
});

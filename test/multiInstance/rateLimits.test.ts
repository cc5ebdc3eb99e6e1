// Rate limits held in total across two instances (their buckets in Redis), and what an
// instance does while Redis is away: it charges its own buckets, says so once, and goes
// back to the shared ones by itself when Redis answers again.
import { Redis } from 'ioredis';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LogLevel, silentLogger } from '../../src/observability/logger.js';
import { RedisRateLimiter } from '../../src/runtime/redisRateLimiter.js';
import { api, apiClient } from '../exchange/exchangeFlow.js';
import type { TestServer } from '../helpers/server.js';
import { type TcpRelay, tcpRelay } from '../helpers/tcpRelay.js';
import {
  type InstancePair,
  redisReachable,
  startInstancePair,
  TEST_REDIS_URL,
  via,
  within,
} from './instances.js';

const withRedis = await redisReachable();
const RATE = { perSecond: 10, burst: 10 };
// Bucket keys of this run only (other runs may share the Redis).
const prefix = `wa-test-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}:`;

let pair: InstancePair;
let relay: TcpRelay;
beforeAll(async () => {
  if (!withRedis) return;
  const target = new URL(TEST_REDIS_URL);
  relay = await tcpRelay(target.hostname, Number(target.port || 6379));
  // b reaches Redis through a relay the outage test cuts.
  // A generous timeout: two instances and the test share one busy event loop here, and a
  // charge timed out would be counted locally (the outage tests below use their own).
  pair = await startInstancePair(
    { REDIS_URL: TEST_REDIS_URL, REDIS_KEY_PREFIX: prefix, REDIS_TIMEOUT_MS: '5000' },
    { bEnv: { REDIS_URL: via(TEST_REDIS_URL, relay.port) } },
  );
});
afterAll(async () => {
  await pair?.close();
  await relay?.close();
});

const unboundAccount = () => `eip155:1:${privateKeyToAccount(generatePrivateKey()).address}`;

/** `count` lookups at once, spread over `servers` in turn; their statuses. */
function lookups(servers: TestServer[], key: string, count: number): Promise<number[]> {
  const account = unboundAccount();
  return Promise.all(
    Array.from({ length: count }, (_, i) =>
      api(servers[i % servers.length]!, key)
        .get(`/v1/attestations/${account}`)
        .then((response) => response.status),
    ),
  );
}

/** Stops both instances' clocks at one instant, so no token refills while a burst is sent. */
function freezeClocks(): () => void {
  pair.a.clock.freeze();
  pair.b.clock.freeze();
  pair.b.clock.offsetMs += pair.a.clock.now().getTime() - pair.b.clock.now().getTime();
  return () => {
    pair.a.clock.thaw();
    pair.b.clock.thaw();
    pair.a.clock.offsetMs = 0;
    pair.b.clock.offsetMs = 0;
  };
}

const granted = (statuses: number[]) => statuses.filter((status) => status === 200).length;
const limiterOf = (server: TestServer) => server.assembled.services.limiter as RedisRateLimiter;

describe.skipIf(!withRedis)('rate limits across instances', () => {
  it('allow the burst once in total across both instances, then the rate', async () => {
    const client = await apiClient(pair.a, ['attestations:read'], RATE);
    const thaw = freezeClocks();
    const emptiedAt = pair.a.clock.now().getTime();
    try {
      const burst = await lookups([pair.a, pair.b], client.key, 30);
      expect(burst.filter((status) => status !== 200 && status !== 429)).toEqual([]);
      expect(granted(burst)).toBe(RATE.burst);
    } finally {
      thaw();
    }

    // Two seconds of requests spread over both: the rate in total since the bucket was
    // emptied, not once per instance.
    const started = performance.now();
    let total = 0;
    while (performance.now() - started < 2000) {
      total += granted(await lookups([pair.a, pair.b], client.key, 4));
      await new Promise((resolve) => setTimeout(resolve, 40));
    }
    const seconds = (Date.now() - emptiedAt) / 1000;
    expect(total).toBeLessThanOrEqual(Math.ceil(RATE.perSecond * seconds) + 1);
    expect(total).toBeGreaterThanOrEqual(Math.floor(RATE.perSecond * 1.5));
  });

  it('charge the instance’s own buckets while Redis is away, and the shared ones again after', async () => {
    const client = await apiClient(pair.a, ['attestations:read'], RATE);
    const thaw = freezeClocks();
    expect(granted(await lookups([pair.b], client.key, 1))).toBe(1);
    expect(limiterOf(pair.b).sharing).toBe(true);
    await relay.shut();
    try {
      // Every request is answered, none with a 5xx, and b still limits on its own.
      const during = await lookups([pair.b], client.key, 30);
      expect(during.filter((status) => status !== 200 && status !== 429)).toEqual([]);
      expect(granted(during)).toBe(RATE.burst);
      expect(limiterOf(pair.b).sharing).toBe(false);
      // The shared bucket did not see them: one token gone, the one before the outage.
      const shared = new Redis(TEST_REDIS_URL);
      try {
        expect(Number(await shared.hget(`${prefix}api:${client.id}`, 't'))).toBe(RATE.burst - 1);
      } finally {
        shared.disconnect();
      }
    } finally {
      await relay.open();
      thaw();
    }
    // ioredis reconnects by itself (at most a second apart); the next charge after that
    // goes to the shared bucket, which a emptied.
    await within(5000, async () => {
      await lookups([pair.b], client.key, 1);
      return limiterOf(pair.b).sharing;
    });
    expect(granted(await lookups([pair.a, pair.b], client.key, 10))).toBeLessThanOrEqual(RATE.perSecond * 6);
  });

  it('keep answering while Redis hangs: a charge in a while tries it, waiting its timeout at most', async () => {
    const target = new URL(TEST_REDIS_URL);
    const ownRelay = await tcpRelay(target.hostname, Number(target.port || 6379));
    const limiter = new RedisRateLimiter({
      url: via(TEST_REDIS_URL, ownRelay.port),
      keyPrefix: prefix,
      logger: silentLogger,
      commandTimeoutMs: 500,
    });
    const rule = { perSecond: 1000, burst: 1000 };
    try {
      await limiter.connected();
      expect((await limiter.take('hang', rule, 1, new Date())).allowed).toBe(true);
      expect(limiter.sharing).toBe(true);
      await ownRelay.stall();
      const started = performance.now();
      // Forty rounds of five at once, 50 ms apart (about two seconds).
      for (let round = 0; round < 40; round++) {
        const taken = await Promise.all(
          Array.from({ length: 5 }, () => limiter.take('hang', rule, 1, new Date())),
        );
        expect(taken.every((result) => result.allowed)).toBe(true);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(limiter.sharing).toBe(false);
      // Not a timeout per round: a try at most once a second, the other charges local at once.
      expect(performance.now() - started).toBeLessThan(2000 + 3 * 500 + 1000);
      await ownRelay.open();
      await within(5000, async () => {
        await limiter.take('hang', rule, 1, new Date());
        return limiter.sharing;
      });
    } finally {
      await limiter.close();
      await ownRelay.close();
    }
  });

  it('log the outage once when it starts and once when it ends', async () => {
    const lines: { level: LogLevel; message: string }[] = [];
    const target = new URL(TEST_REDIS_URL);
    const ownRelay = await tcpRelay(target.hostname, Number(target.port || 6379));
    const limiter = new RedisRateLimiter({
      url: via(TEST_REDIS_URL, ownRelay.port),
      keyPrefix: prefix,
      logger: { log: (level, message) => lines.push({ level, message }) },
    });
    try {
      const take = () => limiter.take('outage-log', RATE, 1, new Date());
      await limiter.connected();
      await take();
      expect(limiter.sharing).toBe(true);
      await ownRelay.shut();
      for (let i = 0; i < 20; i++) await take();
      await ownRelay.open();
      await within(5000, async () => {
        await take();
        return limiter.sharing;
      });
      for (let i = 0; i < 5; i++) await take();
      expect(lines).toEqual([
        { level: 'error', message: 'shared rate limits unreachable; this instance charges its own buckets' },
        { level: 'info', message: 'shared rate limits reachable again' },
      ]);
    } finally {
      await limiter.close();
      await ownRelay.close();
    }
  });
});

import type { ArgumentsHost } from '@nestjs/common';
import { ProblemFilter } from './problem.filter';

/** What the filter wrote to a fake Fastify reply. */
function answer(exception: unknown): { status: number; headers: Record<string, string>; body: unknown } {
  const sent = { status: 0, headers: {} as Record<string, string>, body: undefined as unknown };
  const reply = {
    status(code: number) {
      sent.status = code;
      return reply;
    },
    header(name: string, value: string) {
      sent.headers[name] = value;
      return reply;
    },
    send(payload: string) {
      sent.body = JSON.parse(payload);
      return reply;
    },
  };
  const host = { switchToHttp: () => ({ getResponse: () => reply }) } as unknown as ArgumentsHost;
  const filter = new ProblemFilter();
  // Keep the test output clean: the filter logs what it maps.
  Object.assign(filter, { logger: { warn: () => undefined, error: () => undefined } });
  filter.catch(exception, host);
  return sent;
}

describe('ProblemFilter', () => {
  it('answers 503 database-unavailable while PostgreSQL is down or restarting', () => {
    for (const err of [
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
      Object.assign(new Error('the database system is starting up'), { code: '57P03' }),
      new Error('Connection terminated unexpectedly'),
    ]) {
      const sent = answer(err);
      expect(sent.status).toBe(503);
      expect(sent.headers['content-type']).toBe('application/problem+json');
      expect(sent.headers['retry-after']).toBe('1');
      expect(sent.body).toMatchObject({
        type: 'https://opsflow.dev/problems/database-unavailable',
        status: 503,
      });
    }
  });

  it('still answers 500 for other errors', () => {
    const sent = answer(new Error('boom'));
    expect(sent.status).toBe(500);
    expect(sent.headers['retry-after']).toBeUndefined();
    expect(sent.body).toMatchObject({ type: 'https://opsflow.dev/problems/internal' });
  });
});

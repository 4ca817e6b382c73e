import { onShutdownSignals } from './shutdown';

describe('onShutdownSignals', () => {
  it('stops gracefully on the first signal and exits at once on the second', async () => {
    const lines: string[] = [];
    const exits: number[] = [];
    let finishStop = (): void => undefined;
    const stops: string[] = [];
    const dispose = onShutdownSignals(
      (signal) => {
        stops.push(signal);
        return new Promise<void>((resolve) => {
          finishStop = resolve;
        });
      },
      (line) => lines.push(line),
      (code) => exits.push(code),
    );
    try {
      process.emit('SIGTERM', 'SIGTERM');
      expect(stops).toEqual(['SIGTERM']);
      expect(exits).toEqual([]);
      process.emit('SIGINT', 'SIGINT');
      expect(stops).toEqual(['SIGTERM']);
      expect(exits).toEqual([130]);
      expect(lines).toEqual([
        'SIGTERM: stopping gracefully (send it again to exit at once)',
        'SIGINT again: exiting now',
      ]);
      finishStop();
    } finally {
      dispose();
    }
    expect(process.listenerCount('SIGTERM')).toBe(0);
  });
});

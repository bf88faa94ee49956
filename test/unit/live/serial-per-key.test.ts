import { describe, expect, it } from 'vitest';
import { SerialPerKey } from '../../../src/live/serial-per-key.js';

function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}

describe('SerialPerKey', () => {
  it('runs work for one key one after the other, and for different keys at once', async () => {
    const serial = new SerialPerKey();
    const order: string[] = [];
    const first = gate();
    const a1 = serial.run('a', async () => {
      order.push('a1 start');
      await first.opened;
      order.push('a1 end');
    });
    const a2 = serial.run('a', async () => {
      order.push('a2');
    });
    const b = serial.run('b', async () => {
      order.push('b');
    });
    await b;
    expect(order).toEqual(['a1 start', 'b']);
    first.open();
    await Promise.all([a1, a2]);
    expect(order).toEqual(['a1 start', 'b', 'a1 end', 'a2']);
  });

  it('runs the next task after a failed one, and forgets idle keys', async () => {
    const serial = new SerialPerKey();
    await expect(serial.run('a', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await serial.run('a', async () => 'next')).toBe('next');
    await new Promise((resolve) => setImmediate(resolve));
    expect(serial.activeKeys).toBe(0);
  });
});

import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { createExecProcessor, type ExecProcessorOptions } from '../../../src/processors/exec.js';
import { ProcessorError } from '../../../src/processors/processor-error.js';
import { STDERR_TAIL_BYTES } from '../../../src/processors/run-command.js';
import { type FakeObject, fakeObject } from './fake-object.js';

/** A process has ended when it is gone or a zombie (`Z`: dead, waiting for its parent to reap it). */
function hasEnded(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.startsWith('Z') ?? true;
  } catch {
    return true;
  }
}

describe('the exec processor', () => {
  let fake: FakeObject;
  afterEach(() => fake.dispose());

  /** Runs an exec processor with `options` on an object holding `content`. */
  function execOn(content: string, options: ExecProcessorOptions) {
    fake = fakeObject(content);
    return createExecProcessor(options).process(fake.input, fake.context);
  }

  it('pipes the object through the program and writes its stdout, with the output suffix', async () => {
    await execOn('hello world\n', {
      command: 'tr',
      args: ['a-z', 'A-Z'],
      timeoutMs: 10_000,
      outputSuffix: '.up',
    });
    expect(fake.outputs).toHaveLength(1);
    expect(fake.outputs[0]!.key).toBe('out/in/data.txt.up');
    expect(fake.outputs[0]!.body.toString()).toBe('HELLO WORLD\n');
  });

  it('fails the object with the exit code and the tail of stderr when the program exits non-zero', async () => {
    const failure = execOn('data', {
      command: 'sh',
      args: ['-c', 'cat >/dev/null; echo "first line" >&2; echo "bad input at byte 4" >&2; exit 3'],
      timeoutMs: 10_000,
    });
    await expect(failure).rejects.toBeInstanceOf(ProcessorError);
    await expect(failure).rejects.toThrow(
      'exec: sh exited with code 3; stderr: first line\nbad input at byte 4',
    );
  });

  it('keeps only the last part of a long stderr', async () => {
    const error = (await execOn('', {
      command: 'sh',
      args: ['-c', `head -c 10000 /dev/zero | tr '\\0' x >&2; echo END >&2; exit 1`],
      timeoutMs: 10_000,
    }).catch((e: unknown) => e)) as Error;
    expect(error.message.endsWith('xxxxEND')).toBe(true);
    expect(error.message.length).toBeLessThan(STDERR_TAIL_BYTES + 100);
  });

  it('kills a program that outlives its timeout and says so', async () => {
    await expect(execOn('data', { command: 'sleep', args: ['30'], timeoutMs: 200 })).rejects.toThrow(
      'exec: sleep was killed: timed out after 200ms',
    );
  });

  it('kills what the program started too, so a grandchild holding its output cannot keep the object waiting', async () => {
    const error = (await execOn('data', {
      command: 'sh',
      // The background sleep inherits stdout; it prints its PID so the test can look for it.
      args: ['-c', 'sleep 600 & echo "grandchild $!" >&2; wait'],
      timeoutMs: 300,
    }).catch((e: unknown) => e)) as Error;
    expect(error.message).toMatch(/^exec: sh was killed: timed out after 300ms; stderr: grandchild \d+$/);
    const pid = Number(/grandchild (\d+)/.exec(error.message)?.[1]);
    expect(hasEnded(pid)).toBe(true);
  });

  it('does not report success for a program that fails after writing output', async () => {
    await expect(
      execOn('abc', { command: 'sh', args: ['-c', 'cat; exit 7'], timeoutMs: 10_000 }),
    ).rejects.toThrow('exec: sh exited with code 7');
  });

  it('accepts a program that exits 0 without reading all of its input', async () => {
    await execOn('x'.repeat(1_000_000), { command: 'head', args: ['-c', '5'], timeoutMs: 10_000 });
    expect(fake.outputs[0]!.body.toString()).toBe('xxxxx');
  });

  it('names a missing program', async () => {
    await expect(execOn('data', { command: '/nonexistent/tool', args: [], timeoutMs: 1000 })).rejects.toThrow(
      'exec: could not run /nonexistent/tool: not found (check the path or install it)',
    );
  });
});

import { describe, expect, it } from 'vitest';
import { MotoServerError, startMotoServer } from '../src/startMotoServer.ts';

describe('startMotoServer', () => {
  it('says how to install moto_server when it is missing', async () => {
    const attempt = startMotoServer({ command: 'moto_server_that_is_not_installed' });
    await expect(attempt).rejects.toThrow(MotoServerError);
    await expect(attempt).rejects.toThrow('pip install "moto[server]"');
  });

  it('reports a command that exits before listening', async () => {
    await expect(startMotoServer({ command: 'false' })).rejects.toThrow(
      /exited \(code 1\) before it was ready/,
    );
  });
});

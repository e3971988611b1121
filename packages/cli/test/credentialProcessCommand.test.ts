import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { credentialProcessCommand } from '../src/credentialProcessCommand.ts';

describe('credentialProcessCommand', () => {
  it('runs this CLI by absolute paths, with every argument intact through a shell', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'stscreds cmd '));
    try {
      const script = join(dir, 'echo args.mjs');
      await writeFile(script, 'console.log(JSON.stringify(process.argv.slice(2)));');
      const args = [
        'get',
        'prod',
        '--session-name',
        'a b"c$d`e\\f',
        '--policy-arn',
        'arn:aws:iam::aws:policy/ReadOnlyAccess',
      ];
      const command = credentialProcessCommand(args, script);
      expect(command.startsWith(process.execPath)).toBe(true);
      const printed = execFileSync('/bin/sh', ['-c', command], {
        cwd: '/',
        env: { PATH: '/nonexistent' },
        encoding: 'utf8',
      });
      expect(JSON.parse(printed)).toEqual(args);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

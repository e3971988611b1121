import type { CredentialResponse } from '@stscreds/contract';
import { describe, expect, it } from 'vitest';
import { formatCredentials } from '../src/formatCredentials.ts';

const c: CredentialResponse = {
  Version: 1,
  AccessKeyId: 'ASIAEXAMPLE000000001',
  SecretAccessKey: "se'cret/+=",
  SessionToken: 'token$with`odd"chars',
  Expiration: '2026-11-28T13:00:00.000Z',
  AccountId: '222222222222',
  AssumedRoleArn: 'arn:aws:sts::222222222222:assumed-role/lambda_sts/alice',
};

describe('formatCredentials', () => {
  it('prints a credential_process document with exactly its fields', () => {
    expect(JSON.parse(formatCredentials(c, 'process', undefined))).toEqual({
      Version: 1,
      AccessKeyId: c.AccessKeyId,
      SecretAccessKey: c.SecretAccessKey,
      SessionToken: c.SessionToken,
      Expiration: c.Expiration,
    });
  });

  it('prints the whole contract answer as json', () => {
    expect(JSON.parse(formatCredentials(c, 'json', undefined))).toEqual(c);
  });

  it('prints export lines whose values survive the shell unchanged', async () => {
    const text = formatCredentials(c, 'env', '/bin/bash');
    expect(text.split('\n').map((line) => line.split('=')[0])).toEqual([
      'export AWS_ACCESS_KEY_ID',
      'export AWS_SECRET_ACCESS_KEY',
      'export AWS_SESSION_TOKEN',
      'export AWS_CREDENTIAL_EXPIRATION',
    ]);
    const { execFileSync } = await import('node:child_process');
    const echoed = execFileSync(
      'sh',
      ['-c', `${text}\nprintf '%s\\n' "$AWS_SECRET_ACCESS_KEY" "$AWS_SESSION_TOKEN"`],
      {
        encoding: 'utf8',
      },
    );
    expect(echoed).toBe(`${c.SecretAccessKey}\n${c.SessionToken}\n`);
  });

  it("speaks the user's shell", () => {
    expect(formatCredentials(c, 'shell', '/usr/bin/fish')).toMatch(
      /^set -gx AWS_ACCESS_KEY_ID 'ASIAEXAMPLE000000001';$/m,
    );
    expect(formatCredentials(c, 'shell', '/usr/bin/pwsh')).toMatch(
      /^\$env:AWS_SECRET_ACCESS_KEY = 'se''cret\/\+='$/m,
    );
    expect(formatCredentials(c, 'shell', '/bin/zsh')).toBe(formatCredentials(c, 'env', undefined));
  });
});

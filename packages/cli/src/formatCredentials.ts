import type { CredentialResponse } from '@stscreds/contract';

/** The forms `get` prints credentials in. */
export const FORMATS = ['json', 'process', 'env', 'shell'] as const;
export type Format = (typeof FORMATS)[number];

const single = (value: string): string => `'${value.replace(/'/g, `'\\''`)}'`;

const variables = (c: CredentialResponse): [string, string][] => [
  ['AWS_ACCESS_KEY_ID', c.AccessKeyId],
  ['AWS_SECRET_ACCESS_KEY', c.SecretAccessKey],
  ['AWS_SESSION_TOKEN', c.SessionToken],
  ['AWS_CREDENTIAL_EXPIRATION', c.Expiration],
];

/**
 * Renders credentials in one of the forms callers consume: the contract's JSON, a
 * credential_process document, `export` lines, or lines for the user's own shell.
 *
 * @example
 * formatCredentials(credentials, 'env', process.env.SHELL); // "export AWS_ACCESS_KEY_ID='ASIA…'\n…"
 */
export function formatCredentials(c: CredentialResponse, format: Format, shell: string | undefined): string {
  switch (format) {
    case 'json':
      return JSON.stringify(c, null, 2);
    case 'process':
      return JSON.stringify({
        Version: 1,
        AccessKeyId: c.AccessKeyId,
        SecretAccessKey: c.SecretAccessKey,
        SessionToken: c.SessionToken,
        Expiration: c.Expiration,
      });
    case 'env':
      return variables(c)
        .map(([name, value]) => `export ${name}=${single(value)}`)
        .join('\n');
    case 'shell': {
      const name = (shell ?? '').split('/').pop() ?? '';
      if (name === 'fish')
        return variables(c)
          .map(([n, v]) => `set -gx ${n} ${single(v)};`)
          .join('\n');
      if (name === 'pwsh' || name === 'powershell') {
        return variables(c)
          .map(([n, v]) => `$env:${n} = '${v.replace(/'/g, "''")}'`)
          .join('\n');
      }
      return formatCredentials(c, 'env', shell);
    }
  }
}

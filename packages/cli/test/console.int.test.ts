import type { CredentialResponse } from '@stscreds/contract';
import { DEV_ORG, type DevOrg, serveFederationEndpoint } from '@stscreds/devorg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runConsole } from '../src/commands/console.ts';
import { requestSigninToken } from '../src/console/requestSigninToken.ts';
import { type DevOrgCli, startDevOrgCli } from './support/devOrgCli.ts';

let dev: DevOrgCli;
let org: DevOrg;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  dev = await startDevOrgCli('console');
  ({ org, env } = dev);
});
afterAll(async () => {
  await dev?.stop();
});

const cli = (...args: string[]) => dev.cli(...args);

describe('stscreds console against the local federation endpoint', () => {
  it('prints a sign-in URL that carries a token and none of the keys, and it signs alice in', async () => {
    const { code, stdout, stderr } = await cli('console', 'prod', '--profile', 'alice');
    expect(code).toBe(0);
    const url = new URL(stdout.trim());
    expect(`${url.origin}${url.pathname}`).toBe(org.federation.url);
    expect([...url.searchParams.keys()]).toEqual(['Action', 'Issuer', 'Destination', 'SigninToken']);
    expect(url.searchParams.get('Action')).toBe('login');
    expect(url.searchParams.get('Destination')).toBe(
      'https://us-west-2.console.aws.amazon.com/console/home?region=us-west-2',
    );
    // The same credentials, from the same on-disk cache: none of them is in what console printed.
    const issued = JSON.parse((await cli('get', 'prod', '--profile', 'alice')).stdout) as CredentialResponse;
    for (const secret of [issued.AccessKeyId, issued.SecretAccessKey, issued.SessionToken]) {
      expect(stdout).not.toContain(secret);
      expect(stdout).not.toContain(encodeURIComponent(secret));
      expect(stderr).not.toContain(secret);
    }
    expect(stderr).toContain('valid for 15 minutes');
    expect(stderr).toMatch(/role chaining, which AWS caps at one hour/);
    const signedIn = await fetch(url, { redirect: 'manual' });
    expect(signedIn.status).toBe(302);
    expect(signedIn.headers.get('location')).toBe(url.searchParams.get('Destination'));
    expect(org.federation.logins.at(-1)?.arn).toBe(issued.AssumedRoleArn);
    expect(issued.AccountId).toBe('222222222222');
  });

  it('lands on a service page in the region asked for', async () => {
    const { stdout } = await cli(
      'console',
      'staging',
      '--profile',
      'bob',
      '--destination',
      's3',
      '--console-region',
      'eu-west-1',
    );
    expect(new URL(stdout.trim()).searchParams.get('Destination')).toBe(
      'https://eu-west-1.console.aws.amazon.com/s3/home?region=eu-west-1',
    );
  });

  it('refuses a destination outside the console, before asking the broker anything', async () => {
    const { code, stdout, stderr } = await cli(
      'console',
      'prod',
      '--profile',
      'alice',
      '--destination',
      'https://console.aws.amazon.com.evil.example/',
    );
    expect(stdout).toBe('');
    expect(stderr).toContain('--destination must be a page of console.aws.amazon.com');
    expect(code).toBe(1);
  });

  it('says that role chaining caps the session at one hour when asked for more', async () => {
    const { code, stderr } = await cli('console', 'prod', '--profile', 'alice', '--duration', '7200');
    expect(stderr).toContain('role chaining caps it at one hour');
    expect(code).toBe(2);
  });

  it('gets nothing for a caller the access policy denies', async () => {
    const { code, stdout, stderr } = await cli('console', 'prod', '--profile', 'bob');
    expect(stdout).toBe('');
    expect(stderr).toMatch(/AccessDenied/);
    expect(code).toBe(3);
  });

  it('never sends the keys to a federation endpoint in the clear, except on this machine', async () => {
    const { code, stderr } = await cli(
      'console',
      'prod',
      '--profile',
      'alice',
      '--federation-endpoint',
      'http://signin.example.com/federation',
    );
    expect(stderr).toContain('must be https');
    expect(code).toBe(1);
  });
});

describe('stscreds console --open', () => {
  const inProcess = async (openUrl: (url: string) => Promise<void>) => {
    const saved = { ...process.env };
    Object.assign(process.env, env);
    const printed: string[] = [];
    const notes: string[] = [];
    try {
      const code = await runConsole(
        {
          account: 'staging',
          issuer: 'stscreds',
          open: true,
          cache: false,
          federationEndpoint: org.federation.url,
        },
        {
          functionName: DEV_ORG.functionName,
          region: DEV_ORG.region,
          endpoint: org.lambda.endpoint,
          profile: 'bob',
          audience: DEV_ORG.audience,
          verbose: false,
        },
        { print: (l) => printed.push(l), note: (l) => notes.push(l), openUrl, now: Date.now },
      );
      return { code, printed, notes };
    } finally {
      process.env = saved;
    }
  };

  it('hands the URL to the browser and prints nothing', async () => {
    const opened: string[] = [];
    const { code, printed } = await inProcess(async (url) => {
      opened.push(url);
    });
    expect(code).toBe(0);
    expect(printed).toEqual([]);
    expect(new URL(opened[0] ?? '').searchParams.get('Action')).toBe('login');
  });

  it('prints the URL when no browser can be opened', async () => {
    const { code, printed, notes } = await inProcess(async () => {
      throw new Error('spawn xdg-open ENOENT');
    });
    expect(code).toBe(0);
    expect(notes).toContain('stscreds: could not open a browser; open this URL yourself:');
    expect(new URL(printed[0] ?? '').searchParams.get('SigninToken')).toBeTruthy();
  });
});

describe('the federation stand-in holds requests to what AWS documents', () => {
  const credentialsOf = async (): Promise<CredentialResponse> =>
    JSON.parse((await cli('get', 'prod', '--profile', 'alice')).stdout) as CredentialResponse;
  const getSigninToken = (params: Record<string, string>) =>
    fetch(`${org.federation.url}?${new URLSearchParams({ Action: 'getSigninToken', ...params })}`);

  it('refuses SessionDuration for the role-chained sessions of the broker', async () => {
    const c = await credentialsOf();
    const session = JSON.stringify({
      sessionId: c.AccessKeyId,
      sessionKey: c.SecretAccessKey,
      sessionToken: c.SessionToken,
    });
    expect((await getSigninToken({ Session: session })).status).toBe(200);
    const refused = await getSigninToken({ Session: session, SessionDuration: '3600' });
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain('role chaining');
  });

  it('refuses a session with other fields, or credentials STS does not know', async () => {
    const c = await credentialsOf();
    const extra = JSON.stringify({
      sessionId: c.AccessKeyId,
      sessionKey: c.SecretAccessKey,
      sessionToken: c.SessionToken,
      x: '1',
    });
    expect((await getSigninToken({ Session: extra })).status).toBe(400);
    const forged = JSON.stringify({
      sessionId: c.AccessKeyId,
      sessionKey: 'not-the-secret',
      sessionToken: c.SessionToken,
    });
    expect((await getSigninToken({ Session: forged })).status).toBe(400);
  });

  it('accepts a sign-in token for 15 minutes, and not a moment more', async () => {
    let now = Date.parse('2026-11-28T10:00:00Z');
    const federation = await serveFederationEndpoint({
      stsEndpoint: org.moto.endpoint,
      region: DEV_ORG.region,
      now: () => now,
    });
    try {
      const token = await requestSigninToken(await credentialsOf(), { federationEndpoint: federation.url });
      const login = () =>
        fetch(
          `${federation.url}?${new URLSearchParams({ Action: 'login', Issuer: 'stscreds', Destination: 'https://console.aws.amazon.com/', SigninToken: token })}`,
          { redirect: 'manual' },
        );
      now += 15 * 60_000;
      expect((await login()).status).toBe(302);
      now += 1;
      expect((await login()).status).toBe(400);
    } finally {
      await federation.close();
    }
  });

  it('keeps the keys out of the error when the endpoint cannot be reached', async () => {
    const c = await credentialsOf();
    const failing = (async (input: Parameters<typeof fetch>[0]) => {
      throw new TypeError(`fetch failed for ${String(input)}`);
    }) as typeof fetch;
    const attempt = requestSigninToken(c, {
      federationEndpoint: 'https://signin.aws.amazon.com/federation',
      fetch: failing,
    });
    await expect(attempt).rejects.toThrow('could not be reached');
    const message = await attempt.catch((error: Error) => error.message);
    expect(message).not.toContain(c.SecretAccessKey);
    expect(message).not.toContain(encodeURIComponent(c.SecretAccessKey));
  });
});

import { describe, expect, it } from 'vitest';
import { buildLoginUrl } from '../src/console/buildLoginUrl.ts';
import { consoleDestination } from '../src/console/consoleDestination.ts';
import { consoleEndpoints } from '../src/console/consoleEndpoints.ts';

describe('consoleEndpoints', () => {
  it('gives each partition its own sign-in endpoint', () => {
    expect(consoleEndpoints('us-west-2').federation).toBe('https://signin.aws.amazon.com/federation');
    expect(consoleEndpoints('cn-north-1').federation).toBe('https://signin.amazonaws.cn/federation');
    expect(consoleEndpoints('us-gov-west-1').federation).toBe(
      'https://signin.amazonaws-us-gov.com/federation',
    );
  });
});

describe('consoleDestination', () => {
  const aws = consoleEndpoints('us-west-2');
  it('defaults to the region console home, and reads a service name as its home page', () => {
    expect(consoleDestination(undefined, 'us-west-2', aws)).toBe(
      'https://us-west-2.console.aws.amazon.com/console/home?region=us-west-2',
    );
    expect(consoleDestination('cloudwatch', 'eu-west-1', aws)).toBe(
      'https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1',
    );
  });

  it('keeps a console URL, and refuses hosts that only look like the console', () => {
    expect(consoleDestination('https://console.aws.amazon.com/iam/', 'us-west-2', aws)).toBe(
      'https://console.aws.amazon.com/iam/',
    );
    for (const url of [
      'https://console.aws.amazon.com.evil.example/',
      'https://evilconsole.aws.amazon.com/',
      'https://example.com/?console.aws.amazon.com',
    ]) {
      expect(() => consoleDestination(url, 'us-west-2', aws)).toThrow('--destination must be a page of');
    }
    for (const path of ['http://console.aws.amazon.com/', '../../etc', 's3?x=1', '//evil.example']) {
      expect(() => consoleDestination(path, 'us-west-2', aws)).toThrow('--destination must be');
    }
  });
});

describe('buildLoginUrl', () => {
  it('form-encodes every parameter, so a token cannot add parameters of its own', () => {
    const url = new URL(
      buildLoginUrl('https://signin.aws.amazon.com/federation', {
        issuer: 'stscreds',
        destination: 'https://console.aws.amazon.com/?a=1&b=2',
        signinToken: 'tok&Destination=https://evil.example',
      }),
    );
    expect(url.searchParams.getAll('Destination')).toEqual(['https://console.aws.amazon.com/?a=1&b=2']);
    expect(url.searchParams.get('SigninToken')).toBe('tok&Destination=https://evil.example');
  });
});

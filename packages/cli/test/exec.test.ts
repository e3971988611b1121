import { describe, expect, it } from 'vitest';
import { childEnvironment } from '../src/commands/exec.ts';

describe('childEnvironment', () => {
  it('drops every stale way to find credentials and sets the new ones', () => {
    const parent = {
      PATH: '/usr/bin',
      AWS_PROFILE: 'alice',
      AWS_DEFAULT_PROFILE: 'alice',
      AWS_ACCESS_KEY_ID: 'AKIAOLD',
      AWS_SECRET_ACCESS_KEY: 'old',
      AWS_CONTAINER_CREDENTIALS_FULL_URI: 'http://old',
      AWS_WEB_IDENTITY_TOKEN_FILE: '/t',
      AWS_REGION: 'us-west-2',
    };
    expect(childEnvironment(parent, { AWS_ACCESS_KEY_ID: 'ASIANEW' })).toEqual({
      PATH: '/usr/bin',
      AWS_REGION: 'us-west-2',
      AWS_ACCESS_KEY_ID: 'ASIANEW',
    });
    expect(parent.AWS_PROFILE).toBe('alice');
  });
});

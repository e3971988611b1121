import { describe, expect, it } from 'vitest';
import { BrokerConfigError, readBrokerConfig } from '../src/readBrokerConfig.ts';

describe('readBrokerConfig', () => {
  it('reads the region and derives the partition', () => {
    expect(readBrokerConfig({ AWS_REGION: 'us-west-2' })).toEqual({
      region: 'us-west-2',
      partition: 'aws',
      defaultRoleName: 'lambda_sts',
    });
    expect(readBrokerConfig({ AWS_REGION: 'cn-north-1' }).partition).toBe('aws-cn');
    expect(readBrokerConfig({ AWS_REGION: 'us-gov-west-1' }).partition).toBe('aws-us-gov');
  });

  it('takes a configured default role', () => {
    expect(
      readBrokerConfig({ AWS_REGION: 'eu-west-1', STSCREDS_DEFAULT_ROLE_NAME: 'broker_target' })
        .defaultRoleName,
    ).toBe('broker_target');
  });

  it('fails fast, naming the variable, when the environment cannot run the broker', () => {
    expect(() => readBrokerConfig({})).toThrow(BrokerConfigError);
    expect(() => readBrokerConfig({})).toThrow(/AWS_REGION/);
    expect(() => readBrokerConfig({ AWS_REGION: 'us-west-2', STSCREDS_DEFAULT_ROLE_NAME: 'a/b' })).toThrow(
      /STSCREDS_DEFAULT_ROLE_NAME/,
    );
  });
});

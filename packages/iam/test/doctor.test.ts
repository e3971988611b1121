import { compareTrustPolicy, formatDoctorTable, mapWithConcurrency } from '@stscreds/iam/doctor';
import { targetRoleTrustPolicy } from '@stscreds/iam/policies';
import { describe, expect, it } from 'vitest';

const BROKER = 'arn:aws:iam::111111111111:role/stscreds-broker';

describe('compareTrustPolicy', () => {
  const built = targetRoleTrustPolicy({ brokerRoleArn: BROKER });

  it('finds nothing between the built policy and the same one spelled otherwise', () => {
    const respelled = {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'SomeOtherSid',
          Effect: 'Allow',
          Principal: { AWS: [BROKER] },
          Action: ['sts:TagSession', 'STS:AssumeRole', 'sts:SetSourceIdentity'],
        },
      ],
    };
    expect(compareTrustPolicy(respelled, built)).toEqual([]);
  });

  it('names every principal beyond the broker, "*" included', () => {
    const widened = {
      ...built,
      Statement: [...built.Statement, { Effect: 'Allow', Principal: '*', Action: 'sts:AssumeRole' }],
    };
    expect(compareTrustPolicy(widened, built)).toEqual(['also trusts AWS *']);
  });

  it("says so when the principal is a deleted role's unique id", () => {
    const orphaned = {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: { AWS: 'AROAEXAMPLEID1234567' }, Action: ['sts:AssumeRole'] },
      ],
    };
    const differences = compareTrustPolicy(orphaned, built);
    expect(differences[0]).toContain('a principal that was deleted');
    expect(differences).toContain(`does not allow ${BROKER} to call sts:assumerole`);
  });

  it('catches a condition that differs, and one that is missing', () => {
    const withOrg = targetRoleTrustPolicy({ brokerRoleArn: BROKER, organizationId: 'o-a1b2c3d4e5' });
    const otherOrg = targetRoleTrustPolicy({ brokerRoleArn: BROKER, organizationId: 'o-zzzzzzzzzz' });
    expect(compareTrustPolicy(otherOrg, withOrg).join()).toContain('o-a1b2c3d4e5');
    expect(compareTrustPolicy(built, withOrg).join()).toContain("lacks the builder's statement");
    expect(compareTrustPolicy(withOrg, withOrg)).toEqual([]);
  });

  it('catches a deny, which grants nothing but changes the policy', () => {
    const denying = {
      ...built,
      Statement: [
        ...built.Statement,
        { Effect: 'Deny', Principal: { AWS: BROKER }, Action: 'sts:TagSession' },
      ],
    };
    expect(compareTrustPolicy(denying, built).join()).toContain('has a statement the builder does not make');
  });
});

describe('mapWithConcurrency', () => {
  it('keeps at most the limit in flight, and the answers in input order', async () => {
    let inFlight = 0;
    let most = 0;
    const release: (() => void)[] = [];
    const answers = mapWithConcurrency([1, 2, 3, 4, 5, 6, 7], 3, async (n) => {
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise<void>((resolve) => release.push(resolve));
      inFlight--;
      return n * 10;
    });
    while (release.length > 0 || inFlight > 0) {
      await new Promise((resolve) => setImmediate(resolve));
      // Release the latest first, so that completion order differs from input order.
      release.pop()?.();
    }
    expect(await answers).toEqual([10, 20, 30, 40, 50, 60, 70]);
    expect(most).toBe(3);
  });

  it('takes an empty list', async () => {
    expect(await mapWithConcurrency([], 4, async () => 1)).toEqual([]);
  });
});

describe('formatDoctorTable', () => {
  it('lists every drift and error below the table, and counts the accounts that drifted', () => {
    const ok = { state: 'ok', detail: '' } as const;
    const lines = formatDoctorTable({
      healthy: false,
      accounts: [
        {
          accountId: '222222222222',
          name: 'prod',
          status: 'ACTIVE',
          healthy: false,
          checks: {
            role: ok,
            trust: { state: 'drift', detail: 'also trusts AWS *' },
            policies: ok,
            assume: { state: 'error', detail: 'AccessDenied: no' },
            revocations: ok,
          },
        },
      ],
    });
    expect(lines[1]).toMatch(/^222222222222\s+prod\s+ok\s+DRIFT\s+ok\s+ERROR\s+ok$/);
    expect(lines).toContain('222222222222 prod: trust: also trusts AWS *');
    expect(lines).toContain('222222222222 prod: assume: AccessDenied: no');
    expect(lines.at(-1)).toBe('1 of 1 accounts drifted.');
  });
});

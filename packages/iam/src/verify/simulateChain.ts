import type { ChainCase, ChainResult } from './ChainModel.ts';
import type { Simulator } from './loadSimulator.ts';

type Analysis = Parameters<Simulator['getDenialReasons']>[0];

const resourcePolicyName = (c: ChainCase): string =>
  c.resourceType === 'function' ? 'resource policy' : 'trust policy';

const describeGrant = (simulator: Simulator, analysis: Analysis, c: ChainCase): string =>
  simulator
    .getGrantReasons(analysis)
    .map((grant) => {
      const statement = grant.statementId ?? `statement ${grant.statementIndex}`;
      return `${'policyIdentifier' in grant ? grant.policyIdentifier : resourcePolicyName(c)} ${statement}`;
    })
    .join(' + ');

const describeDenial = (simulator: Simulator, analysis: Analysis, c: ChainCase, action: string): string => {
  const parts = simulator.getDenialReasons(analysis).map((denial) => {
    const whose =
      denial.policyType === 'resource'
        ? `the ${resourcePolicyName(c)} of ${c.role}`
        : `the ${c.caller}'s ${denial.policyType} policies`;
    if (denial.denialType === 'Explicit') {
      return `${whose} deny ${action} (${denial.statementId ?? `statement ${denial.statementIndex}`})`;
    }
    if (denial.policyType === 'resource' && c.resourceType === 'function') {
      return `${whose} does not allow ${action} to the ${c.caller}${c.context['lambda:InvokedViaFunctionUrl'] ? '' : ' outside the Function URL'}`;
    }
    return denial.policyType === 'resource'
      ? `${whose} does not trust the ${c.caller} for ${action}`
      : `${whose} allow no ${action} on ${c.roleArn}`;
  });
  return parts.join('; ') || `${action} denied`;
};

/**
 * Asks the IAM simulator each case of a chain: identity policies and the target's trust
 * policy (as the resource policy) together, for every action the broker needs. A case is
 * Allowed only when all its actions are; the reason names the statements that decided.
 *
 * @example
 * const results = await simulateChain(chainCases(model), await loadSimulator());
 * const failed = results.filter((r) => r.unexpected);
 */
export async function simulateChain(
  cases: readonly ChainCase[],
  simulator: Simulator,
): Promise<ChainResult[]> {
  const results: ChainResult[] = [];
  for (const c of cases) {
    if (!c.trustPolicy) {
      results.push({
        ...c,
        actual: 'Denied',
        reason:
          c.resourceType === 'function'
            ? `${c.role} has no resource policy`
            : `${c.role} does not exist in ${c.account}`,
        unexpected: c.expected !== 'Denied',
      });
      continue;
    }
    let denied: string | undefined;
    const grants: string[] = [];
    for (const action of c.actions) {
      const answer = await simulator.runSimulation(
        {
          request: {
            principal: c.callerArn,
            action,
            resource: { resource: c.roleArn, accountId: c.account },
            contextVariables: { ...c.context },
          },
          identityPolicies: c.identityPolicies.map((p) => ({ name: p.name, policy: p.policy })),
          serviceControlPolicies: [],
          resourceControlPolicies: [],
          resourcePolicy: c.trustPolicy,
        },
        {},
      );
      if (answer.resultType === 'error') {
        throw new Error(`The simulator refused the case "${c.why}": ${answer.errors.message}`);
      }
      const analysis = answer.resultType === 'single' ? answer.result.analysis : answer.results[0]?.analysis;
      if (answer.overallResult === 'Allowed') {
        if (analysis) grants.push(describeGrant(simulator, analysis, c));
        continue;
      }
      denied = analysis
        ? describeDenial(simulator, analysis, c, action)
        : `${action} ${answer.overallResult}`;
      break;
    }
    const actual = denied === undefined ? 'Allowed' : 'Denied';
    results.push({
      ...c,
      actual,
      reason: denied ?? [...new Set(grants)].join('; '),
      unexpected: actual !== c.expected,
    });
  }
  return results;
}

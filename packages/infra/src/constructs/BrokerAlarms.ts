import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';

export interface BrokerAlarmsProps {
  readonly function: lambda.IFunction;
  /** The function of the Function URL entry, whose errors and throttles are watched too. @default - none */
  readonly urlFunction?: lambda.IFunction | undefined;
  /** Used to name the alarms. @default 'getSTScreds' */
  readonly functionName?: string;
  /** Denied requests within five minutes that count as a spike. @default 25 */
  readonly deniedSpikeThreshold?: number;
  /** An SNS topic the alarms notify. @default - no action */
  readonly alarmTopicArn?: string | undefined;
}

const PERIOD = Duration.minutes(5);

/**
 * The broker's alarms. Refusals are answers, not function errors, so `Errors` counts only
 * crashes and timeouts: one is worth a look. `Throttles` means callers went without
 * credentials. A spike of `RequestsDenied` (the broker's own metric, namespace `stscreds`)
 * means someone is probing the access policy, or a policy change locked people out.
 *
 * @example
 * new BrokerAlarms(this, 'Alarms', { function: broker.function, deniedSpikeThreshold: 50 });
 */
export class BrokerAlarms extends Construct {
  readonly errors: cloudwatch.Alarm;
  readonly throttles: cloudwatch.Alarm;
  /** The URL function's, with `urlFunction`. */
  readonly urlErrors: cloudwatch.Alarm | undefined;
  readonly urlThrottles: cloudwatch.Alarm | undefined;
  readonly deniedSpike: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: BrokerAlarmsProps) {
    super(scope, id);
    const name = props.functionName ?? 'getSTScreds';
    const alarm = (alarmId: string, metric: cloudwatch.IMetric, threshold: number, description: string) =>
      new cloudwatch.Alarm(this, alarmId, {
        alarmName: `${name}-${alarmId}`,
        alarmDescription: description,
        metric,
        threshold,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
    const health = (fn: lambda.IFunction, prefix: string, what: string) => ({
      errors: alarm(
        `${prefix}errors`,
        fn.metricErrors({ period: PERIOD, statistic: 'Sum' }),
        1,
        `${what} crashed or timed out: callers got no answer`,
      ),
      throttles: alarm(
        `${prefix}throttles`,
        fn.metricThrottles({ period: PERIOD, statistic: 'Sum' }),
        1,
        `${what} was throttled: its concurrency is exhausted`,
      ),
    });
    ({ errors: this.errors, throttles: this.throttles } = health(props.function, '', 'getSTScreds'));
    const url = props.urlFunction && health(props.urlFunction, 'url-', 'getSTScreds on its Function URL');
    this.urlErrors = url?.errors;
    this.urlThrottles = url?.throttles;
    // Both functions report as the one service, so one spike alarm covers both entries.
    this.deniedSpike = alarm(
      'denied-spike',
      new cloudwatch.Metric({
        namespace: 'stscreds',
        metricName: 'RequestsDenied',
        dimensionsMap: { service: 'getSTScreds' },
        statistic: 'Sum',
        period: PERIOD,
      }),
      props.deniedSpikeThreshold ?? 25,
      'Many requests denied by the access policy: probing, or a policy change that locked people out',
    );
    if (props.alarmTopicArn) {
      const topic = sns.Topic.fromTopicArn(this, 'Topic', props.alarmTopicArn);
      for (const each of [this.errors, this.throttles, this.urlErrors, this.urlThrottles, this.deniedSpike]) {
        each?.addAlarmAction(new actions.SnsAction(topic));
      }
    }
  }
}

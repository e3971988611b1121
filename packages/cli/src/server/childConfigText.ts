import type { ParsedIniData } from '@smithy/types';

// Settings a child keeps from the profile it would have used: where and how to call AWS, never
// where credentials come from (keys, role_arn, source_profile, credential_source,
// credential_process, sso_*, web_identity_token_file…), so that no SDK finds any before the
// container provider.
const KEPT = [
  'region',
  'output',
  'endpoint_url',
  'ignore_configured_endpoint_urls',
  'use_fips_endpoint',
  'use_dualstack_endpoint',
  'sts_regional_endpoints',
  'retry_mode',
  'max_attempts',
  'defaults_mode',
  'ca_bundle',
];

// A setting is one line: a value with a line break could open a section or a setting.
const ONE_LINE = /^[^\r\n]*$/;
const NAME = /^[\w\-@+.%:/]+$/;

const line = (key: string, value: string): string[] => (ONE_LINE.test(value) ? [`${key} = ${value}`] : []);

/** Nested settings (`s3 =` then indented `addressing_style = path`), from the loader's `s3.addressing_style` keys. */
const nested = (
  settings: Record<string, string | undefined>,
  keep: (parent: string) => boolean,
): string[] => {
  const groups = new Map<string, string[]>();
  for (const [key, value] of Object.entries(settings)) {
    const dot = key.indexOf('.');
    if (dot < 1 || value === undefined) continue;
    const parent = key.slice(0, dot);
    const child = key.slice(dot + 1);
    if (!keep(parent) || !NAME.test(parent) || !NAME.test(child)) continue;
    groups.set(parent, [...(groups.get(parent) ?? []), ...line(`  ${child}`, value)]);
  }
  return [...groups].flatMap(([parent, children]) => [`${parent} =`, ...children]);
};

/**
 * The text of an AWS config file for a child that must act as the session a container
 * endpoint serves: one `[default]` profile that carries the region and endpoints of the
 * profile the child would have used (with its `[services …]` section), and no way to find
 * credentials, so that every SDK falls through to the container provider.
 *
 * @example
 * childConfigText(configFile, 'default'); // "[default]\nregion = us-west-2\n"
 */
export function childConfigText(configFile: ParsedIniData, profile: string): string {
  const settings = configFile[profile] ?? {};
  const lines = ['[default]'];
  for (const key of KEPT) {
    const value = settings[key];
    if (value !== undefined) lines.push(...line(key, value));
  }
  lines.push(...nested(settings, (parent) => parent === 's3'));
  const services = settings.services;
  if (services !== undefined && NAME.test(services)) {
    lines.push(`services = ${services}`, '', `[services ${services}]`);
    lines.push(...nested(configFile[`services.${services}`] ?? {}, () => true));
  }
  return `${lines.join('\n')}\n`;
}

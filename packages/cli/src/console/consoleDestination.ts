import type { ConsoleEndpoints } from './consoleEndpoints.ts';

const SERVICE_PATH = /^[a-z0-9][a-z0-9-]*(?:\/[\w.~%-]*)*$/;

/**
 * The console page to land on: the region's console home, a service's page (`s3`,
 * `cloudwatch/home`), or a full https URL of the partition's console, which is kept as it is.
 *
 * @throws {Error} for a URL outside the console, or a path that is not one.
 * @example
 * consoleDestination('s3', 'us-west-2', endpoints); // 'https://us-west-2.console.aws.amazon.com/s3/home?region=us-west-2'
 */
export function consoleDestination(
  destination: string | undefined,
  region: string,
  endpoints: ConsoleEndpoints,
): string {
  const base = `https://${region}.${endpoints.consoleDomain}`;
  if (destination === undefined) return `${base}/console/home?region=${region}`;
  if (destination.startsWith('https://')) {
    const host = new URL(destination).hostname;
    if (host !== endpoints.consoleDomain && !host.endsWith(`.${endpoints.consoleDomain}`)) {
      throw new Error(`--destination must be a page of ${endpoints.consoleDomain}, not ${host}`);
    }
    return destination;
  }
  if (!SERVICE_PATH.test(destination)) {
    throw new Error(
      '--destination must be a console path such as s3 or cloudwatch/home, or an https URL of the console',
    );
  }
  const path = destination.includes('/') ? destination : `${destination}/home`;
  return `${base}/${path}?region=${region}`;
}

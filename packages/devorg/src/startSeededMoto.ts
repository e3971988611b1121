import { type SeededOrganization, seedOrganization } from './seedOrganization.ts';
import { type MotoServer, type StartMotoServerOptions, startMotoServer } from './startMotoServer.ts';

/** moto_server with the local organization in it, answering only signed, authorized requests. */
export interface SeededMoto {
  readonly moto: MotoServer;
  readonly org: SeededOrganization;
}

/**
 * Starts moto_server, seeds the local organization (accounts, roles, callers) and then turns
 * authentication on, so that every later request is checked against the seeded IAM: what a
 * test of the broker's or a client's signed calls starts from. moto is stopped again if
 * seeding fails.
 *
 * @example
 * const { moto, org } = await startSeededMoto();
 * try { … } finally { await moto.stop(); }
 */
export async function startSeededMoto(options: StartMotoServerOptions = {}): Promise<SeededMoto> {
  const moto = await startMotoServer(options);
  try {
    const org = await seedOrganization(moto.endpoint);
    await moto.enforceAuth();
    return { moto, org };
  } catch (error) {
    await moto.stop();
    throw error;
  }
}

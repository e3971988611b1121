/** A revocation the AWS side cannot express: a caller pattern, or a role rather than its sessions. */
export class RevocationNotDeliverableError extends Error {
  override readonly name = 'RevocationNotDeliverableError';
  readonly code = 'RevocationNotDeliverable';
}

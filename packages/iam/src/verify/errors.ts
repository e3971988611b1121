/** The optional IAM simulator, `@cloud-copilot/iam-simulate`, is not installed. */
export class SimulatorMissingError extends Error {
  override readonly name = 'SimulatorMissingError';
  constructor(options?: ErrorOptions) {
    super(
      'The IAM simulator is not installed. It is optional (AGPL-3.0), so install it yourself: npm install --save-dev @cloud-copilot/iam-simulate',
      options,
    );
  }
}

/** What verify was pointed at holds no credential chain it can read. */
export class ChainInputError extends Error {
  override readonly name = 'ChainInputError';
}

// Kept for the apps that import it from here; it lives in @stscreds/iam, which needs no CDK.
export * from '@stscreds/iam/verify';

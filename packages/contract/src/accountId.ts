/** A 12-digit AWS account id. */
export const ACCOUNT_ID = /^[0-9]{12}$/;

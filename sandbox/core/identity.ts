/** Who signed a request, as the sandbox's credential store resolved the access key. */
export interface CallerIdentity {
  /** The account the principal belongs to. */
  accountId: string;
  /**
   * The principal's ARN as AWS reports it: `arn:aws:iam::ACCOUNT:root` for an account's root user,
   * `arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION` for an assumed-role session, and the service
   * principal's name (`s3.amazonaws.com`) for a service acting on its own behalf.
   */
  arn: string;
  /**
   * `service`: an AWS service principal (S3 publishing an event, SNS delivering to a queue). It has
   * no identity policies, so only the resource's policy can let it act; `accountId` is the account
   * on whose behalf it acts (`aws:SourceAccount`).
   */
  kind: 'root' | 'assumed-role' | 'service';
  /** For service principals: the principal's name, e.g. `s3.amazonaws.com`, `sns.amazonaws.com`. */
  servicePrincipal?: string;
  /**
   * AWS's unique ID of the principal (GetCallerIdentity's `UserId`, `aws:userid`): the account ID
   * for a root user, `ROLEID:SESSION` (`AROA…:name`) for a role session.
   */
  userId?: string;
  /** The access key ID that signed the request. */
  accessKeyId: string;
  /** For assumed-role sessions: the role's ARN (`arn:aws:iam::ACCOUNT:role/NAME`). */
  roleArn?: string;
  roleName?: string;
  sessionName?: string;
  /** For assumed-role sessions: when the session stops being accepted (ExpiredToken after). */
  expiresAt?: Date;
  /**
   * For sessions created with a session policy (AssumeRole's `Policy`): its JSON text. The session
   * may then do only what both its role's policies and this policy allow.
   */
  sessionPolicy?: string;
  /** True when this session was obtained with another assumed-role session (role chaining). */
  chained?: boolean;
}

/** A service principal (`s3.amazonaws.com`) acting for a source account, as the authorizer expects it. */
export function serviceCaller(servicePrincipal: string, sourceAccount: string): CallerIdentity {
  return {
    kind: 'service',
    servicePrincipal,
    arn: servicePrincipal,
    accountId: sourceAccount,
    accessKeyId: '',
  };
}

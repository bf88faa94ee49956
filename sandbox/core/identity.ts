/** Who signed a request, as the sandbox's credential store resolved the access key. */
export interface CallerIdentity {
  /** The account the principal belongs to. */
  accountId: string;
  /**
   * The principal's ARN as AWS reports it: `arn:aws:iam::ACCOUNT:root` for an account's root user,
   * `arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION` for an assumed-role session.
   */
  arn: string;
  kind: 'root' | 'assumed-role';
  /** The access key ID that signed the request. */
  accessKeyId: string;
  /** For assumed-role sessions: the role's ARN (`arn:aws:iam::ACCOUNT:role/NAME`). */
  roleArn?: string;
  roleName?: string;
  sessionName?: string;
  /** For assumed-role sessions: when the session stops being accepted (ExpiredToken after). */
  expiresAt?: Date;
  /** True when this session was obtained with another assumed-role session (role chaining). */
  chained?: boolean;
}

/**
 * What the sandbox does not implement (docs/sandbox-limits.md) is answered as AWS answers a request
 * it does not serve, witnessed by boto3: S3's 501 NotImplemented, 405 MethodNotAllowed for a known
 * sub-resource with a method it has no route for, and InvalidAction from the query and JSON services.
 */
import { describe, expect, it } from 'vitest';
import { boto3Outcome } from '../../fixtures/boto3-outcome.js';
import { uniqueName } from '../../helpers/sandbox.js';
import { useTestSandbox } from '../../helpers/sandbox-suite.js';
import { runBoto3 } from '../../helpers/witnesses.js';

const sandbox = useTestSandbox();

describe('operations the sandbox does not implement', () => {
  it('get each service’s documented answer', async () => {
    const result = await runBoto3(
      `
cfn = boto3.client("cloudformation", config=_cfg)
b = ${JSON.stringify(uniqueName('limits'))}
s3.create_bucket(Bucket=b)
s3.put_object(Bucket=b, Key="k", Body=b"x")
${boto3Outcome('answer', '[code, status]')}
print(json.dumps({
  "lifecycle": answer(lambda: s3.get_bucket_lifecycle_configuration(Bucket=b)),
  "cors": answer(lambda: s3.put_bucket_cors(Bucket=b, CORSConfiguration={"CORSRules": [{"AllowedMethods": ["GET"], "AllowedOrigins": ["*"]}]})),
  "publicAccessBlock": answer(lambda: s3.get_public_access_block(Bucket=b)),
  "restore": answer(lambda: s3.restore_object(Bucket=b, Key="k", RestoreRequest={"Days": 1})),
  "iam": answer(lambda: iam.create_user(UserName="someone")),
  "sts": answer(lambda: sts.get_session_token()),
  "sns": answer(lambda: sns.create_platform_application(Name="app", Platform="GCM", Attributes={})),
  "sqs": answer(lambda: sqs.list_message_move_tasks(SourceArn="arn:aws:sqs:us-east-1:222222222222:q")),
  "cloudformation": answer(lambda: cfn.create_stack_set(StackSetName="set", TemplateBody="{}")),
}))
`,
      sandbox,
    );
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toEqual({
      lifecycle: ['NotImplemented', 501],
      cors: ['NotImplemented', 501],
      publicAccessBlock: ['NotImplemented', 501],
      restore: ['NotImplemented', 501],
      iam: ['InvalidAction', 400],
      sts: ['InvalidAction', 400],
      sns: ['InvalidAction', 400],
      sqs: ['InvalidAction', 400],
      cloudformation: ['InvalidAction', 400],
    });
  });

  it('a known S3 sub-resource with a method it has no route for is MethodNotAllowed, never the plain operation', async () => {
    // DELETE ?acl has no S3 operation; it must not fall through to DeleteBucket.
    const result = await runBoto3(
      `
import urllib.request
from botocore.auth import S3SigV4Auth
from botocore.awsrequest import AWSRequest
b = ${JSON.stringify(uniqueName('limits'))}
s3.create_bucket(Bucket=b)
request = AWSRequest(method="DELETE", url=f"{s3.meta.endpoint_url}/{b}?acl")
S3SigV4Auth(boto3.Session().get_credentials(), "s3", s3.meta.region_name).add_auth(request)
try:
    urllib.request.urlopen(urllib.request.Request(request.url, method="DELETE", headers=dict(request.headers)))
    status = 200
except urllib.error.HTTPError as e:
    status = [e.code, e.read().decode().split("<Code>")[1].split("</Code>")[0]]
print(json.dumps({"status": status, "bucketStillThere": s3.head_bucket(Bucket=b)["ResponseMetadata"]["HTTPStatusCode"]}))
`,
      sandbox,
    );
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toEqual({ status: [405, 'MethodNotAllowed'], bucketStillThere: 200 });
  });
});

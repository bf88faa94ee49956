/** Renders an AwsError in the wire protocol the request arrived in. */
import type { AwsError } from '../core/errors.js';
import type { ServiceName, ServiceResponse, WireProtocol } from '../core/types.js';
import { jsonError } from './json.js';
import { queryError } from './query.js';
import { s3Error } from './s3-xml.js';

export type { WireProtocol };

export function renderError(
  protocol: WireProtocol,
  service: ServiceName,
  error: AwsError,
  requestId: string,
  method: string,
): ServiceResponse {
  if (protocol === 'rest-xml' || service === 's3') return s3Error(error, requestId, method);
  if (protocol === 'json') return jsonError(error, requestId, `com.amazonaws.${service}`);
  return queryError(service, error, requestId);
}

import type { StatementRule } from '../lint-types.js';
import { isAllow } from '../statement-view.js';

/** Deletes a live workflow needs: removing a processed message from its queue. */
export const NEEDED_DELETES = ['sqs:DeleteMessage', 'sqs:DeleteMessageBatch'];

/** verify's probe folder: deleting objects there (and only there) is how verify cleans up. */
const PROBE_OBJECTS = /\/\.bucketbridge-verify\/\*$/;

/** Delete permissions (objects, buckets, topics, queues, policies) the workflow never needs. */
export const deletePermission: StatementRule = {
  id: 'delete-permission',
  check(view) {
    if (!isAllow(view)) return undefined;
    const needed = new Set(NEEDED_DELETES.map((a) => a.toLowerCase()));
    const onlyProbes = view.resources.length > 0 && view.resources.every((r) => PROBE_OBJECTS.test(r));
    if (onlyProbes) needed.add('s3:deleteobject');
    const deletes = view.actions.filter((a) => /^[\w-]+:Delete/i.test(a) && !needed.has(a.toLowerCase()));
    if (deletes.length === 0) return undefined;
    return {
      level: 'error',
      message: `allows ${deletes.join(', ')}`,
      why: 'reading sources and writing results never needs a delete; a leaked or misused credential could destroy data or infrastructure that cannot be recovered',
      fix: `remove ${deletes.join(', ')}`,
    };
  },
};

/**
 * `HOST:PORT` (port 0 picks a free one); an IPv6 host in brackets. Kept apart from the schema so
 * that `bucketbridge run --help` checks `--listen` without loading zod.
 */
export const LISTEN_ADDRESS = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]*):(\d{1,5})$/;

/**
 * The small XML toolkit of the S3 service: rendering REST-XML responses and parsing request bodies
 * (CreateBucketConfiguration, Delete, CompleteMultipartUpload, NotificationConfiguration...).
 */
import { XMLParser } from 'fast-xml-parser';
import { AwsError } from '../core/errors.js';
import { S3_XMLNS } from '../protocols/s3-xml.js';

export { S3_XMLNS };

const DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n';

/** A value to render: text, a number, a boolean, a nested element list, or nothing (element omitted). */
export type XmlValue = string | number | boolean | XmlNode[] | undefined;
/** One element: `[name, value]`; `name` may include attributes. Repeated elements are repeated entries. */
export type XmlNode = [string, XmlValue];

/** Escapes element text as S3 does: `&`, `<`, `>`, `"` (ETags read `&quot;…&quot;`) and carriage returns. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"\r]/g, (c) => {
    switch (c) {
      case '&':
        return '&amp;';
      case '<':
        return '&lt;';
      case '>':
        return '&gt;';
      case '"':
        return '&quot;';
      default:
        return '&#13;';
    }
  });
}

function renderNodes(nodes: XmlNode[]): string {
  let out = '';
  for (const [name, value] of nodes) {
    if (value === undefined) continue;
    // A name may carry attributes (`Grantee xsi:type="Group"`); the closing tag takes the bare name.
    const close = name.split(' ')[0];
    if (Array.isArray(value)) out += `<${name}>${renderNodes(value)}</${close}>`;
    else out += `<${name}>${escapeXml(String(value))}</${close}>`;
  }
  return out;
}

/** A whole XML document with the S3 namespace on its root element. */
export function xmlDocument(root: string, children: XmlNode[], namespace = true): string {
  const ns = namespace ? ` xmlns="${S3_XMLNS}"` : '';
  return `${DECLARATION}<${root}${ns}>${renderNodes(children)}</${root}>`;
}

const parser = new XMLParser({
  ignoreAttributes: true,
  removeNSPrefix: true,
  // Keys and values are opaque strings: never trim them or turn "007" into 7.
  parseTagValue: false,
  trimValues: false,
  // Go's encoder (rclone) writes numeric character references such as &#34; and &#xA;.
  htmlEntities: true,
  isArray: (name) =>
    [
      'Object',
      'Part',
      'QueueConfiguration',
      'TopicConfiguration',
      'CloudFunctionConfiguration',
      'LambdaFunctionConfiguration',
      'Event',
      'FilterRule',
      'Tag',
      'Rule',
    ].includes(name),
});

/** Parsed XML: elements become properties; repeated elements in the list above are always arrays. */
export type ParsedXml = Record<string, unknown>;

/** Parses a request body; malformed XML is S3's `MalformedXML`. */
export function parseXml(body: Buffer | string): ParsedXml {
  const text = body.toString();
  if (text.trim() === '') throw malformedXml();
  let parsed: unknown;
  try {
    parsed = parser.parse(text, true);
  } catch {
    throw malformedXml();
  }
  if (typeof parsed !== 'object' || parsed === null) throw malformedXml();
  return parsed as ParsedXml;
}

export function malformedXml(): AwsError {
  return new AwsError(
    'MalformedXML',
    'The XML you provided was not well-formed or did not validate against our published schema',
  );
}

/** The child element `name` of a parsed element, as an object, or undefined. */
export function child(node: unknown, name: string): ParsedXml | undefined {
  if (typeof node !== 'object' || node === null) return undefined;
  const value = (node as ParsedXml)[name];
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as ParsedXml;
  if (value === '') return {};
  return undefined;
}

/** The child elements `name` of a parsed element (listed in the parser's array names). */
export function children(node: unknown, name: string): ParsedXml[] {
  if (typeof node !== 'object' || node === null) return [];
  const value = (node as ParsedXml)[name];
  if (!Array.isArray(value)) return [];
  return value.map((item) => (typeof item === 'object' && item !== null ? (item as ParsedXml) : {}));
}

/** The text of the child element `name`, or undefined when absent. */
export function text(node: unknown, name: string): string | undefined {
  if (typeof node !== 'object' || node === null) return undefined;
  const value = (node as ParsedXml)[name];
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length === 0)
    return '';
  return undefined;
}

/** The texts of repeated child elements `name`. */
export function texts(node: unknown, name: string): string[] {
  if (typeof node !== 'object' || node === null) return [];
  const value = (node as ParsedXml)[name];
  const list = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return list.map((item) => (typeof item === 'string' ? item : ''));
}

/** S3's timestamps in XML: ISO 8601 with milliseconds. */
export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}

/** S3's timestamps in headers (Last-Modified): RFC 7231 IMF-fixdate. */
export function httpTime(ms: number): string {
  return new Date(ms).toUTCString();
}

/** A 200 (or `status`) response with an XML document. */
export function xmlResponse(
  root: string,
  nodes: XmlNode[],
  headers: Record<string, string> = {},
  status = 200,
): { status: number; headers: Record<string, string>; body: string } {
  return {
    status,
    headers: { 'content-type': 'application/xml', ...headers },
    body: xmlDocument(root, nodes),
  };
}

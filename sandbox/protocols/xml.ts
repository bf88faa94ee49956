/**
 * Small XML helpers every XML-speaking service renders its answers with. Values are escaped once
 * here so no handler builds markup by string concatenation of unescaped input.
 */
import { XMLBuilder, XMLParser } from 'fast-xml-parser';

const XML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
  '\r': '&#13;',
};

/** Escapes text for an XML element or attribute (AWS escapes `\r` too, so keys keep it). */
export function xmlEscape(value: string | number | boolean): string {
  return String(value).replace(/[&<>"'\r]/g, (c) => XML_ESCAPES[c]!);
}

/** A value an element may hold: text, a nested object, a list (repeated elements) or nothing. */
export type XmlValue = string | number | boolean | null | undefined | XmlObject | XmlValue[];
export interface XmlObject {
  [element: string]: XmlValue;
}

/**
 * Renders a JS object as XML elements, in key order: arrays repeat the element, `undefined` and
 * `null` are omitted, everything else is escaped text.
 *
 * @example xmlElements({ Name: 'a&b', Item: [{ Id: 1 }, { Id: 2 }] })
 *   // '<Name>a&amp;b</Name><Item><Id>1</Id></Item><Item><Id>2</Id></Item>'
 */
export function xmlElements(value: XmlObject): string {
  let out = '';
  for (const [name, v] of Object.entries(value)) out += renderElement(name, v);
  return out;
}

function renderElement(name: string, value: XmlValue): string {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value)) return value.map((item) => renderElement(name, item)).join('');
  if (typeof value === 'object') return `<${name}>${xmlElements(value)}</${name}>`;
  return `<${name}>${xmlEscape(value)}</${name}>`;
}

/** A whole document: the XML declaration, then a root element with an optional namespace. */
export function xmlDocument(root: string, content: XmlObject | string, xmlns?: string): string {
  const body = typeof content === 'string' ? content : xmlElements(content);
  const ns = xmlns ? ` xmlns="${xmlEscape(xmlns)}"` : '';
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${root}${ns}>${body}</${root}>`;
}

const parser = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  trimValues: false,
  ignoreDeclaration: true,
  processEntities: true,
  // Lists in S3 request bodies (Delete/Object, CompleteMultipartUpload/Part...) must stay arrays
  // even with one element; callers normalise with `asArray`.
});

/** Parses an XML request body into plain objects (text values stay strings). */
export function parseXml(xml: string): Record<string, unknown> {
  return parser.parse(xml) as Record<string, unknown>;
}

/** One element or a list of them, always as a list (the parser collapses single elements). */
export function asArray<T>(value: T | T[] | undefined): T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** fast-xml-parser's builder, for callers that prefer to render a whole object tree. */
export const xmlBuilder = new XMLBuilder({ ignoreAttributes: true, format: false, suppressEmptyNode: false });

// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${...} here is CloudFormation or Terraform syntax.
/**
 * Small evaluators for the generated templates, so tests can check that deploying them with their
 * defaults yields exactly the policies written as JSON files. They implement only what the
 * templates use (Ref, Fn::Sub, Fn::GetAtt, Fn::If/Not/Equals; Terraform `${...}` references and
 * `jsonencode`), and fail loudly on anything else.
 */
import YAML from 'yaml';

type Json = unknown;
const NO_VALUE = Symbol('AWS::NoValue');

export interface CfnEnvironment {
  partition: string;
  accountId: string;
  region: string;
  /** Values of resource Refs and GetAtts, e.g. { EventTopic: 'arn:...', 'AccessRole.Arn': 'arn:...' }. */
  resources: Record<string, string>;
}

export interface ResolvedStack {
  resources: Record<string, { Type: string; Properties: Record<string, Json> }>;
  outputs: Record<string, Json>;
}

/** Parses a template and resolves it with every parameter at its default. */
export function resolveCloudFormation(text: string, env: CfnEnvironment): ResolvedStack {
  const template = YAML.parse(text) as {
    Parameters: Record<string, { Type: string; Default: string | number }>;
    Conditions?: Record<string, Json>;
    Resources: Record<string, { Type: string; Properties: Json }>;
    Outputs: Record<string, { Value: Json }>;
  };
  const ref = (name: string): Json => {
    if (name === 'AWS::Partition') return env.partition;
    if (name === 'AWS::AccountId') return env.accountId;
    if (name === 'AWS::Region') return env.region;
    if (name === 'AWS::NoValue') return NO_VALUE;
    const parameter = template.Parameters[name];
    if (parameter !== undefined) {
      if (parameter.Type === 'CommaDelimitedList') return String(parameter.Default).split(',');
      return parameter.Default;
    }
    const resource = env.resources[name];
    if (resource === undefined) throw new Error(`unresolvable Ref ${name}`);
    return resource;
  };
  const condition = (name: string): boolean => {
    const definition = template.Conditions?.[name];
    if (definition === undefined) throw new Error(`unknown condition ${name}`);
    return Boolean(resolve(definition));
  };
  const resolve = (value: Json): Json => {
    if (Array.isArray(value)) return value.map(resolve).filter((v) => v !== NO_VALUE);
    if (value === null || typeof value !== 'object') return value;
    const entries = Object.entries(value as Record<string, Json>);
    if (entries.length === 1) {
      const [key, argument] = entries[0]!;
      if (key === 'Ref') return ref(argument as string);
      if (key === 'Fn::GetAtt') {
        const [resource, attribute] = argument as [string, string];
        const found = env.resources[`${resource}.${attribute}`];
        if (found === undefined) throw new Error(`unresolvable GetAtt ${resource}.${attribute}`);
        return found;
      }
      if (key === 'Fn::Sub') {
        return (argument as string).replace(/\$\{(!?)([\w:.]+)\}/g, (_, bang: string, name: string) => {
          if (bang === '!') return `\${${name}}`;
          const [resource, attribute] =
            name.includes('.') && !name.startsWith('AWS::') ? name.split('.') : [name];
          return String(attribute ? env.resources[`${resource}.${attribute}`] : ref(name));
        });
      }
      if (key === 'Fn::If') {
        const [name, then, otherwise] = argument as [string, Json, Json];
        return resolve(condition(name) ? then : otherwise);
      }
      if (key === 'Fn::Not') return !(resolve((argument as Json[])[0]) as boolean);
      if (key === 'Fn::Equals') {
        const [a, b] = (argument as Json[]).map(resolve);
        return a === b;
      }
      if (key.startsWith('Fn::')) throw new Error(`unsupported intrinsic ${key}`);
    }
    const out: Record<string, Json> = {};
    for (const [k, v] of entries) {
      const resolved = resolve(v);
      if (resolved !== NO_VALUE) out[k] = resolved;
    }
    return out;
  };
  const resources: ResolvedStack['resources'] = {};
  for (const [id, resource] of Object.entries(template.Resources)) {
    resources[id] = { Type: resource.Type, Properties: resolve(resource.Properties) as Record<string, Json> };
  }
  const outputs: Record<string, Json> = {};
  for (const [id, output] of Object.entries(template.Outputs)) outputs[id] = resolve(output.Value);
  return { resources, outputs };
}

export interface TerraformFile {
  variable: Record<string, { type: string; default: Json; validation?: { condition: string } }>;
  resource: Record<string, Record<string, Record<string, Json>>>;
  output: Record<string, { value: string }>;
  data: Record<string, Record<string, Json>>;
}

/** Every `var.NAME` and `TYPE.NAME.attr` reference in a Terraform JSON document. */
export function terraformReferences(text: string): {
  variables: Set<string>;
  resources: Set<string>;
  data: Set<string>;
} {
  const variables = new Set([...text.matchAll(/\bvar\.(\w+)/g)].map((m) => m[1]!));
  const resources = new Set([...text.matchAll(/\b(aws_\w+)\.(\w+)\.\w+/g)].map((m) => `${m[1]}.${m[2]}`));
  const data = new Set([...text.matchAll(/\bdata\.(aws_\w+)\.(\w+)\.\w+/g)].map((m) => `${m[1]}.${m[2]}`));
  for (const d of data) resources.delete(d);
  return { variables, resources, data };
}

/**
 * Evaluates a `${jsonencode(OBJECT)}` attribute with the variables at their defaults and the
 * references given, and returns the decoded document.
 */
export function evaluateJsonencode(
  expression: string,
  file: TerraformFile,
  references: Record<string, string>,
): Json {
  const match = /^\$\{jsonencode\((.*)\)\}$/s.exec(expression);
  if (!match) throw new Error(`not a jsonencode expression: ${expression.slice(0, 60)}`);
  let body = match[1]!;
  // A bare list reference stands where a JSON array would.
  body = body.replace(/(?<=[:[,])var\.(\w+)(?=[\],}])/g, (_, name: string) =>
    JSON.stringify(file.variable[name]!.default),
  );
  body = body.replace(/\$\{([\w.]+)\}/g, (_, name: string) => {
    const value = name.startsWith('var.') ? file.variable[name.slice(4)]?.default : references[name];
    if (value === undefined) throw new Error(`unresolvable reference ${name}`);
    return JSON.stringify(String(value)).slice(1, -1);
  });
  return JSON.parse(body);
}

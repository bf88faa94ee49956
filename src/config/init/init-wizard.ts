/**
 * The interactive `init`: asks for what `--set` would give, with the same validation as
 * `config validate` on every answer; a bad answer is explained and asked again.
 */
import { confirm, input, select } from '@inquirer/prompts';
import {
  answerProblem,
  generateExternalId,
  INIT_PROCESSOR_TYPES,
  type InitAnswers,
  parseFlag,
} from './init-answers.js';

/** Asks every question not already answered in `preset`; returns the completed answers. */
export async function runInitWizard(preset: InitAnswers): Promise<InitAnswers> {
  const answers: InitAnswers = { ...preset };
  // Prompts go to stderr like all human output; stdout stays free for what scripts read.
  const context = { output: process.stderr };
  const ask = async (
    key: string,
    message: string,
    options: { default?: string; optional?: boolean } = {},
  ) => {
    if (answers[key] !== undefined) return;
    const value = await input(
      {
        message,
        ...(options.default !== undefined ? { default: options.default } : {}),
        validate: (text) => {
          const trimmed = text.trim();
          if (trimmed === '') return options.optional ? true : 'a value is required';
          return answerProblem(answers, key, trimmed) ?? true;
        },
      },
      context,
    );
    answers[key] = value.trim();
  };
  const choose = async (key: string, message: string, choices: readonly string[]) => {
    if (answers[key] !== undefined) return;
    answers[key] = await select(
      { message, choices: choices.map((value) => ({ value, name: value })) },
      context,
    );
  };

  await ask('vendor.accountId', 'Vendor (your) AWS account ID:');
  await ask('aws.region', 'AWS region:', { default: 'us-east-1' });
  await ask('connection.name', 'Connection name (one customer integration):');
  await ask('connection.accountId', "Customer's AWS account ID:");
  await ask('connection.region', "Customer's region (their buckets and topic):", {
    default: answers['aws.region'] || 'us-east-1',
  });
  await ask('connection.source.bucket', 'Source bucket:');
  await ask('connection.source.prefix', 'Source prefix (empty for the whole bucket):', { optional: true });
  await ask('connection.destination.bucket', 'Destination bucket:');
  await ask('connection.destination.prefix', 'Destination prefix (empty for none):', { optional: true });
  await choose('connection.workflow', 'Workflow:', ['batch', 'live']);
  await choose('connection.processor.type', 'Processor:', INIT_PROCESSOR_TYPES);

  if (answers['connection.assumeRoleFlag'] === undefined) {
    const assumeRole = await confirm(
      {
        message: 'Use STS AssumeRole for cross-account access?',
        default: false,
      },
      context,
    );
    answers['connection.assumeRoleFlag'] = String(assumeRole);
  }
  if (parseFlag(answers['connection.assumeRoleFlag']) === true) {
    await ask('connection.assumeRoleArn', 'Role ARN(s) to assume, in order (comma separated):');
    await ask(
      'connection.externalId',
      'External ID (the trust policy requires it; Enter accepts a fresh one):',
      {
        default: generateExternalId(),
      },
    );
    await ask('connection.stsCredsExpirationTime', 'Session duration (15m..12h):', { default: '1h' });
  }
  return answers;
}

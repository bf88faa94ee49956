/** The stacks of every account and region, found by name or stack ID, with their exports. */
import { AwsError } from '../core/errors.js';
import type { Stack } from './stack-model.js';

export class StackRegistry {
  private stacks: Stack[] = [];

  /** The live stack a name or stack ID names in this account and region, if any. */
  find(accountId: string, region: string, nameOrId: string): Stack | undefined {
    return this.stacks.find(
      (s) =>
        s.accountId === accountId &&
        s.region === region &&
        (s.stackName === nameOrId || s.stackId === nameOrId),
    );
  }

  /** Like find, but throws AWS's ValidationError "Stack with id X does not exist". */
  require(accountId: string, region: string, nameOrId: string): Stack {
    const stack = this.find(accountId, region, nameOrId);
    if (!stack) throw new AwsError('ValidationError', `Stack with id ${nameOrId} does not exist`);
    return stack;
  }

  list(accountId: string, region: string): Stack[] {
    return this.stacks.filter((s) => s.accountId === accountId && s.region === region);
  }

  add(stack: Stack): void {
    this.stacks.push(stack);
  }

  /** A deleted stack is forgotten: DescribeStacks by name then answers that it does not exist. */
  remove(stack: Stack): void {
    this.stacks = this.stacks.filter((s) => s !== stack);
  }

  /** Export name → value of the account's stacks in a region (Fn::ImportValue, ListExports). */
  exports(accountId: string, region: string): Array<{ name: string; value: string; stackId: string }> {
    return this.list(accountId, region).flatMap((s) =>
      s.outputs.flatMap((o) =>
        o.exportName ? [{ name: o.exportName, value: o.value, stackId: s.stackId }] : [],
      ),
    );
  }

  snapshot(): { stacks: Stack[] } {
    return { stacks: this.stacks };
  }

  restore(data: unknown): void {
    const stacks = (data as { stacks?: Stack[] } | undefined)?.stacks;
    this.stacks = Array.isArray(stacks) ? stacks : [];
  }
}

/**
 * The operator's sandbox: SLACK_CHANNEL_IDS limits every read and every write, SLACK_POST_CHANNEL_IDS
 * narrows writes further. Every tool asks here BEFORE anything is sent to Slack, so a refused conversation
 * never receives a request, let alone a post.
 */
import { SlackProblem } from './problem.js';

export class ChannelPolicy {
  private readonly read: Set<string> | undefined;
  private readonly write: Set<string> | undefined;

  constructor(readIds: readonly string[] | undefined, postIds: readonly string[] | undefined) {
    this.read = readIds ? new Set(readIds) : undefined;
    // Writes need both lists: posting can only be narrowed, never widened beyond what may be read.
    const post = postIds ? new Set(postIds) : undefined;
    if (this.read && post) this.write = new Set([...post].filter((id) => this.read!.has(id)));
    else this.write = post ?? this.read;
  }

  /** The allow-listed conversations in the operator's order, or undefined when everything is allowed. */
  get readable(): string[] | undefined {
    return this.read ? [...this.read] : undefined;
  }

  get writable(): string[] | undefined {
    return this.write ? [...this.write] : undefined;
  }

  canRead(channelId: string): boolean {
    return !this.read || this.read.has(channelId);
  }

  canWrite(channelId: string): boolean {
    return this.canRead(channelId) && (!this.write || this.write.has(channelId));
  }

  assertRead(channelId: string): void {
    if (!this.canRead(channelId)) {
      throw new SlackProblem(
        `channel ${channelId} is outside this server's allow-list (SLACK_CHANNEL_IDS), so it cannot be read or written.`,
        `use one of the allowed channels: ${this.read ? [...this.read].join(', ') : ''} (slack_list_channels shows them).`,
        'outside_allow_list',
      );
    }
  }

  assertWrite(channelId: string): void {
    this.assertRead(channelId);
    if (!this.canWrite(channelId)) {
      throw new SlackProblem(
        `posting and other changes in channel ${channelId} are not allowed (SLACK_POST_CHANNEL_IDS); it can only be read.`,
        `write to one of: ${[...(this.write ?? [])].join(', ') || '(none)'}.`,
        'post_not_allowed',
      );
    }
  }
}

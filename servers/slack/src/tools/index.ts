/** The ordered tool inventory: the archived server's eight first (drop-in), then the additions. */
import type { ToolDefinition } from '@portico/protocol';
import type { SlackDeps } from '../deps.js';
import { slackAddReaction } from './add-reaction.js';
import { slackDeleteMessage } from './delete-message.js';
import { slackFindChannel } from './find-channel.js';
import { slackFindUser } from './find-user.js';
import { slackGetChannelHistory } from './get-channel-history.js';
import { slackGetPermalink } from './get-permalink.js';
import { slackGetThreadReplies } from './get-thread-replies.js';
import { slackGetUserProfile } from './get-user-profile.js';
import { slackGetUsers } from './get-users.js';
import { slackListChannels } from './list-channels.js';
import { slackPostMessage } from './post-message.js';
import { slackReplyToThread } from './reply-to-thread.js';
import { slackScheduleMessage } from './schedule-message.js';
import { slackSearchMessages } from './search-messages.js';
import { slackUpdateMessage } from './update-message.js';
import { withOutputHygiene } from './hygiene.js';
import { withinDeadline } from '@portico/protocol';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const inventory: ToolDefinition<SlackDeps, any, any>[] = [
  slackListChannels,
  slackPostMessage,
  slackReplyToThread,
  slackAddReaction,
  slackGetChannelHistory,
  slackGetThreadReplies,
  slackGetUsers,
  slackGetUserProfile,
  slackSearchMessages,
  slackFindChannel,
  slackFindUser,
  slackGetPermalink,
  slackUpdateMessage,
  slackDeleteMessage,
  slackScheduleMessage,
];

/**
 * Every tool call, preview included, runs against a deadline (SlackApi.callTimeoutMs, see deadline.ts in @portico/protocol):
 * the signal handed to the tool also ends when the call's time budget runs out.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function withCallDeadline(tool: ToolDefinition<SlackDeps, any, any>): ToolDefinition<SlackDeps, any, any> {
  const { preview } = tool;
  return {
    ...tool,
    ...(preview ? { preview: (args, ctx) => withinDeadline(ctx.signal, ctx.deps.api.callTimeoutMs, (signal) => preview(args, { ...ctx, signal })) } : {}),
    handler: (args, ctx) => withinDeadline(ctx.signal, ctx.deps.api.callTimeoutMs, (signal) => tool.handler(args, { ...ctx, signal })),
  };
}

/** Every tool's output is cleaned of invisible characters (see hygiene.ts), and every call is time-bounded. */
export const tools = inventory.map(withOutputHygiene).map(withCallDeadline);

/** What the Slack tools need: the Web API client, the operator's channel policy and the name cache. */
import type { DepsContext } from '@portico/protocol';
import type { SlackConfig } from './config.js';
import { Directory } from './lib/directory.js';
import { ChannelPolicy } from './lib/policy.js';
import { SlackApi, type SlackApiOptions } from './lib/slack-api.js';

export interface SlackDeps {
  api: SlackApi;
  policy: ChannelPolicy;
  directory: Directory;
  close(): Promise<void>;
}

/** Test seams: fewer or faster retries, fewer rate-limit waits, shorter time limits. */
export type SlackDepsOverrides = Partial<Pick<SlackApiOptions, 'retries' | 'retryBackoffMs' | 'maxRateLimitRetries' | 'timeoutMs' | 'callTimeoutMs'>>;

export function createDeps(config: SlackConfig, context: Pick<DepsContext, 'log'>, overrides: SlackDepsOverrides = {}): SlackDeps {
  const api = new SlackApi({
    botToken: config.botToken,
    userToken: config.userToken,
    teamId: config.teamId,
    apiUrl: config.apiUrl,
    maxRetryWaitSeconds: config.maxRetryWaitSeconds,
    log: context.log,
    ...overrides,
  });
  const policy = new ChannelPolicy(config.channelIds, config.postChannelIds);
  if (policy.readable) context.log.info(`channel allow-list: ${policy.readable.length} conversation(s); writes to ${policy.writable?.length ?? 0}`);
  return {
    api,
    policy,
    directory: new Directory(api),
    async close() {
      // The WebClient keeps no open connections that outlive a request.
    },
  };
}

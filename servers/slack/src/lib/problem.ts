/**
 * A problem with the caller's input or a policy refusal, found before (or instead of) calling Slack.
 * Plain Error so lib/ stays free of MCP types; the tool layer turns it into an actionable isError result.
 */
export class SlackProblem extends Error {
  constructor(
    message: string,
    readonly hint: string,
    readonly code: string,
  ) {
    super(message);
    this.name = 'SlackProblem';
  }
}

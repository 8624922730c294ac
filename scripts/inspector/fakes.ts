/**
 * Serves the GitHub and Slack fakes the servers' own tests use (servers/<name>/src/testing, loopback only) for
 * the Inspector check. They are TypeScript and excluded from the builds, so check.mjs runs this file with
 * Node 22, which strips types itself; nothing is compiled or copied.
 *
 * Prints one JSON line on stdout ({ github: { url, token }, slack: { apiUrl, botToken, teamId } }) and serves
 * until stdin closes (check.mjs ends it by closing stdin, or by PID).
 */
import { startFakeGitHub } from '../../servers/github/src/testing/fake-github.ts';
import { startFakeSlack, TEAM_ID } from '../../servers/slack/src/testing/fake-slack.ts';

const githubToken = 'ghp_portico_inspector_check_fake_token';
const slackBotToken = 'xoxb-0000000000-0000000000000-portico-inspector';

const github = await startFakeGitHub({ token: githubToken });
const slack = await startFakeSlack({ botToken: slackBotToken });

process.stdout.write(
  `${JSON.stringify({ github: { url: github.url, token: githubToken }, slack: { apiUrl: slack.apiUrl, botToken: slackBotToken, teamId: TEAM_ID } })}\n`,
);

async function stop(): Promise<void> {
  await Promise.allSettled([github.close(), slack.close()]);
  process.exit(0);
}
process.stdin.on('end', () => void stop());
process.stdin.on('close', () => void stop());
process.stdin.resume();
process.on('SIGTERM', () => void stop());

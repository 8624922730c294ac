#!/usr/bin/env bash
# Every package's tests again under Node 22 (from the npm registry through npx), except those that load
# better-sqlite3: its native addon is built for the Node that ran `pnpm install` (servers/sqlite, scripts,
# tests/robustness). The servers and fakes the tests start run under Node 22 as well (they use process.execPath).
# Needs `pnpm build` first, like `pnpm test`.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
node22=$(npm_config_update_notifier=false npm_config_prefer_offline=true npx -y -p node@22 -c 'node -p process.execPath' | tail -1)
echo "node22: $("$node22" --version) ($node22)"
status=0
for dir in packages/protocol shared/build servers/_template servers/filesystem servers/git servers/fetch servers/github servers/slack servers/postgres; do
  if out=$(cd "$root/$dir" && "$node22" "$root/node_modules/vitest/vitest.mjs" run 2>&1); then result=ok; else result=FAILED; status=1; fi
  echo "$dir: $result, $(printf '%s\n' "$out" | sed 's/\x1b\[[0-9;]*m//g' | grep -E '^ +Tests ' | sed 's/^ *Tests *//')"
  if [ "$result" = FAILED ]; then printf '%s\n' "$out" | tail -60; fi
done
exit "$status"

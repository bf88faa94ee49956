#!/usr/bin/env bash
# The project's one test command (`npm test`): makes sure the third-party clients the integration
# tests use as witnesses are installed, builds, checks types and lint, then runs every suite.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/ensure-tools.sh
npm run build --silent
npm run typecheck --silent
npm run lint --silent
npx vitest run "$@"

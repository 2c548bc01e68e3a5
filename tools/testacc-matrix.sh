#!/usr/bin/env bash
# Runs the acceptance tests once per CLI given (Terraform or OpenTofu binaries) and prints a
# table: version, result, top-level tests passed and skipped, time. Exits non-zero when any run
# failed.
set -uo pipefail
cd "$(dirname "$0")/.."
log=$(mktemp)
trap 'rm -f "$log"' EXIT
rows=()
failed=0
for cli in "$@"; do
  version=$("$cli" version | sed -n 1p)
  host=registry.terraform.io
  case "$version" in OpenTofu*) host=registry.opentofu.org ;; esac
  echo "== $version ($cli)"
  start=$(date +%s)
  TF_ACC=1 TF_ACC_TERRAFORM_PATH="$cli" TF_ACC_PROVIDER_HOST="$host" \
    go test -count=1 -v -run '^TestAcc' ./internal/acceptance/ >"$log" 2>&1
  status=$?
  grep -E '^(--- FAIL|FAIL|ok)' "$log"
  result=pass
  if [ "$status" -ne 0 ]; then
    result=FAIL
    failed=1
    grep -B2 -A30 -- '--- FAIL' "$log" | head -120
  fi
  rows+=("| $version | $result | $(grep -c '^--- PASS' "$log") | $(grep -c '^--- SKIP' "$log") | $(($(date +%s) - start)) s |")
done
echo
echo "| CLI | acceptance tests | passed | skipped | time |"
echo "|---|---|---|---|---|"
printf '%s\n' "${rows[@]}"
exit $failed

#!/usr/bin/env bash
# Gates a deployment on HSS's verdict, in a CI job: builds the provider into a mirror the job
# owns, plans the gate of gate/ (beside this script), and reads the plan.
#
#   gate.sh                   plan, report, exit with the verdict
#   gate.sh report PLAN.json  report on a saved plan (terraform show -json PLAN) only
#
# It reads:
#   TF_VAR_images       the images to judge, as JSON: {"app":"swr.cn-north-4.myhuaweicloud.com/team/app:1.4.2"}
#   HW_REGION_NAME and the credentials, as the provider reads them (see the authentication guide)
#   HSS_GATE_DIR        the gate configuration; default: gate/ beside this script
#   HSS_GATE_REPORT     where summary.md, pinned.json and pinned.env go; default: gate-report
#   HSS_GATE_WORK       where the provider is built and installed; default: hss-gate in
#                       $RUNNER_TEMP, else $TMPDIR, else /tmp
#   HSS_PROVIDER_SRC    a checkout of terraform-provider-hss to build; default: a clone of
#                       HSS_PROVIDER_REPO (at HSS_PROVIDER_REF, else its default branch)
#   TERRAFORM           the CLI to run; default: terraform (tofu works too)
#
# On a refusal it writes every refused image and each reason, one line each, to
# $HSS_GATE_REPORT/summary.md, to $GITHUB_STEP_SUMMARY when set, and to the job log, and exits 1.
# On a pass it writes each image's pinned reference (registry/organization/name@digest) as JSON
# to $HSS_GATE_REPORT/pinned.json, as HSS_GATE_PINNED to pinned.env (a GitLab dotenv report),
# and as the step output "pinned" to $GITHUB_OUTPUT when set, and exits 0. When the gate cannot
# decide (HSS unreachable, a permission missing, a configuration error) it exits 2.
#
# Needs bash, terraform (or tofu) and jq (GitHub's runners have jq; elsewhere apt-get install jq
# or apk add jq), and, until a release exists, go, make and git to build the provider.
set -euo pipefail

tf=${TERRAFORM:-terraform}
report_dir=${HSS_GATE_REPORT:-gate-report}
# At most this many lines go to the job summary (GitHub takes 1 MiB a step); summary.md has all.
max_summary_lines=1000

die() {
  printf 'gate.sh: %s\n' "$*" >&2
  exit 2
}

need() {
  local missing="" hint="" t
  for t in "$@"; do
    command -v "$t" >/dev/null 2>&1 || missing="$missing $t"
  done
  [ -n "$missing" ] || return 0
  case "$missing " in
  *" jq "*) hint=" GitHub's runners have jq; elsewhere apt-get install jq, or apk add jq." ;;
  esac
  die "not on PATH:$missing.$hint"
}

# publish writes the report's text to the job summary and the log.
publish() {
  if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
    head -n "$max_summary_lines" "$report_dir/summary.md" >>"$GITHUB_STEP_SUMMARY"
    if [ "$(wc -l <"$report_dir/summary.md")" -gt "$max_summary_lines" ]; then
      printf '\n… more in %s/summary.md\n' "$report_dir" >>"$GITHUB_STEP_SUMMARY"
    fi
  fi
  cat "$report_dir/summary.md" >&2
}

# report reads the plan's JSON, writes the report and exits with the verdict.
report() {
  local plan_json=$1 verdict
  need jq
  verdict=$(jq -r '.planned_values.outputs.allowed.value | if . == null then "unknown" else tostring end' "$plan_json") ||
    die "$plan_json is not a plan's JSON (terraform show -json)"
  case "$verdict" in
  true | false) ;;
  *) die "the plan has no known output \"allowed\": plan the gate of examples/ci/gate" ;;
  esac
  mkdir -p "$report_dir"
  rm -f "$report_dir/summary.md" "$report_dir/pinned.json" "$report_dir/pinned.env"
  # Text from HSS is made one line and plain: control characters become spaces, angle brackets
  # and backticks cannot open HTML or code, and each piece is bounded.
  jq -r --argjson allowed "$verdict" '
    def count($n; $what): "\($n) \($what)\(if $n == 1 then "" else "s" end)";
    def plain($n): tostring | gsub("[[:cntrl:]]"; " ") | gsub("<"; "&lt;") | gsub(">"; "&gt;")
      | gsub("`"; "'"'"'") | if length > $n then .[:$n] + "…" else . end;
    .planned_values.outputs.results.value as $r
    | ($r | keys) as $keys
    | ([$keys[] | select($r[.].allowed | not)]) as $refused
    | if $allowed then
        "## HSS deployment gate: \(count($keys | length; "image")) may be deployed\n",
        ($keys[] | "- **\(plain(200))** `\($r[.].reference | plain(1000))`: deploy `\($r[.].pinned_reference | plain(1000))`")
      else
        "## HSS deployment gate: \($refused | length) of \(count($keys | length; "image")) refused\n",
        ($refused[] as $k | ($r[$k].refusals // []) as $why
          | (if ($why | length) == 0 then ["refused, no reason given"] else $why end)[]
          | "- **\($k | plain(200))** `\($r[$k].reference | plain(1000))`: \(plain(2000))")
      end' "$plan_json" >"$report_dir/summary.md"
  publish
  if [ "$verdict" != true ]; then
    exit 1
  fi
  jq '.planned_values.outputs.results.value | map_values(.pinned_reference)' "$plan_json" >"$report_dir/pinned.json"
  printf 'HSS_GATE_PINNED=%s\n' "$(jq -c . "$report_dir/pinned.json")" >"$report_dir/pinned.env"
  if [ -n "${GITHUB_OUTPUT:-}" ]; then
    printf 'pinned=%s\n' "$(jq -c . "$report_dir/pinned.json")" >>"$GITHUB_OUTPUT"
  fi
}

# install_provider builds the provider from source into a filesystem mirror of the job's own,
# with the repository's `make install` and HOME pointed into the job's directory, and sets mirror.
install_provider() {
  local src=${HSS_PROVIDER_SRC:-}
  need go make
  if [ -z "$src" ]; then
    need git
    src="$work/terraform-provider-hss"
    rm -rf "$src"
    git clone --quiet --depth 1 ${HSS_PROVIDER_REF:+--branch "$HSS_PROVIDER_REF"} \
      "${HSS_PROVIDER_REPO:-https://github.com/hsslabs/terraform-provider-hss}" "$src"
  fi
  # A HOME of its own puts the plugins where this job says; the Go caches stay where they are.
  GOCACHE=$(go env GOCACHE) GOMODCACHE=$(go env GOMODCACHE) GOPATH=$(go env GOPATH) HOME="$work/home" \
    make -C "$src" --no-print-directory install >&2
  mirror="$work/home/.terraform.d/plugins"
}

main() {
  local dir color=()
  need "$tf" jq
  [ -n "${TF_VAR_images:-}" ] || die 'TF_VAR_images is not set: name the images to judge, e.g. TF_VAR_images={"app":"swr.cn-north-4.myhuaweicloud.com/team/app:1.4.2"}'
  dir=${HSS_GATE_DIR:-$(cd "$(dirname "$0")" && pwd)/gate}
  work=${HSS_GATE_WORK:-${RUNNER_TEMP:-${TMPDIR:-/tmp}}/hss-gate}
  mkdir -p "$work"
  work=$(cd "$work" && pwd)
  [ -t 2 ] || color=(-no-color)

  # Once hsslabs/hss is released, delete these lines to the export: terraform init installs it from the registry.
  install_provider
  cat >"$work/cli.tfrc" <<EOF
provider_installation {
  filesystem_mirror {
    path    = "$mirror"
    include = ["registry.terraform.io/hsslabs/hss", "registry.opentofu.org/hsslabs/hss"]
  }
  direct {
    exclude = ["registry.terraform.io/hsslabs/hss", "registry.opentofu.org/hsslabs/hss"]
  }
}
EOF
  export TF_CLI_CONFIG_FILE="$work/cli.tfrc"

  export TF_IN_AUTOMATION=1
  if ! "$tf" -chdir="$dir" init -input=false ${color[@]+"${color[@]}"} >&2 ||
    ! "$tf" -chdir="$dir" plan -input=false -lock=false ${color[@]+"${color[@]}"} -out="$work/gate.tfplan" >&2 ||
    ! "$tf" -chdir="$dir" show -json "$work/gate.tfplan" >"$work/plan.json"; then
    mkdir -p "$report_dir"
    printf '## HSS deployment gate: no verdict\n\nterraform could not plan the gate; the job log says why.\n' >"$report_dir/summary.md"
    publish
    exit 2
  fi
  report "$work/plan.json"
}

if [ "${1:-}" = report ]; then
  [ $# -eq 2 ] || die "usage: gate.sh report PLAN.json"
  report "$2"
else
  [ $# -eq 0 ] || die "usage: gate.sh, or gate.sh report PLAN.json"
  main
fi

# shellcheck shell=bash
# bench/lib/report.sh — the results table, as text for the terminal and as markdown. Sourced by bench/run.

# The issue's goal for a case: "KIND LIMIT" where KIND is bk (ratio to BuildKit), bh (ratio to buildah) or
# abs (Slipway seconds); empty when the case has none.
case_goal() { # CASE
  case $1 in
    *" no-op") [ "${1% no-op}" = large ] && echo "abs 0.25" || echo "bk 0.5" ;;
    *" cold") echo "bk 1.0" ;;
    "pull golang + RUN true") echo "bh 0.35" ;;
    *) echo "" ;;
  esac
}

goal_text() { # KIND LIMIT
  case $1 in bk) echo "≤ $2× BuildKit" ;; bh) echo "≤ $2× buildah" ;; abs) echo "≤ $2 s" ;; *) echo "-" ;; esac
}

readonly RSS_LIMIT_MB=250

# One row per case: CASE|SLIPWAY|BUILDKIT|BUILDAH|S/BK|S/BH|RSS|TREE RSS|GOAL|VERDICT, pipe-separated.
report_rows() {
  local c s k h kind limit verdict rss tree value
  for c in "${CASES[@]}"; do
    # shellcheck disable=SC2086
    s=$(median ${TIMES["$c|slipway"]:-}) k=$(median ${TIMES["$c|buildkit"]:-}) h=$(median ${TIMES["$c|buildah"]:-})
    read -r kind limit <<<"$(case_goal "$c")" || true
    case $kind in
      bk) value=$(ratio "$s" "$k") ;;
      bh) value=$(ratio "$s" "$h") ;;
      abs) value=$s ;;
      *) value='' ;;
    esac
    verdict=$([ -n "$kind" ] && judge "$value" "$limit" || echo -)
    rss=${RSS["$c|slipway"]:-} tree=${TREE_RSS["$c|slipway"]:-}
    rss=$([ -n "$rss" ] && awk -v k="$rss" 'BEGIN { printf "%.0f", k / 1024 }' || echo -)
    tree=$([ -n "$tree" ] && awk -v k="$tree" 'BEGIN { printf "%.0f", k / 1024 }' || echo -)
    if [ "$rss" != - ] && [ "$rss" -ge "$RSS_LIMIT_MB" ]; then verdict="$verdict, RSS FAIL"; fi
    printf '%s|%s|%s|%s|%s|%s|%s|%s|%s|%s\n' "$c" "$(secs "$s")" "$(secs "$k")" "$(secs "$h")" \
      "$(ratio "$s" "$k")" "$(ratio "$s" "$h")" "$rss" "$tree" "$(goal_text "$kind" "$limit")" "$verdict"
  done
}

readonly REPORT_HEADER="case|Slipway s|BuildKit s|buildah s|Slipway/BuildKit|Slipway/buildah|Slipway peak RSS MB|with children MB|goal|verdict"

# NAME|SLIPWAY|BUILDKIT|BUILDAH, sizes in MB (layers), for every image measured.
size_rows() {
  local name b cell row
  for name in $(printf '%s\n' "${!SIZE[@]}" | cut -d'|' -f1 | sort -u); do
    row=$name
    for b in "${BUILDERS[@]}"; do
      cell=${SIZE["$name|$b"]:-}
      case $cell in
        "" | FAIL) row+="|${cell:--}" ;;
        *) row+="|$(awk -v b="${cell% *}" -v n="${cell#* }" 'BEGIN { printf "%.2f MB (%d layers)", b / 1e6, n }')" ;;
      esac
    done
    printf '%s\n' "$row"
  done
}

machine_lines() {
  local disk
  disk=$(df -PT "$WORK" | awk 'NR == 2 { print $1 " (" $2 ")" }')
  printf -- '- date: %s\n' "$(date -u '+%Y-%m-%d %H:%M UTC')"
  printf -- '- cpus: %s (%s)\n' "$(nproc)" "$(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -n 1)"
  printf -- '- memory: %s\n' "$(free -h | awk '/^Mem:/ { print $2 }')"
  printf -- '- kernel: %s\n' "$(uname -r)"
  printf -- '- disk: %s, %s\n' "$disk" "$(sed 's/^0$/the kernel reports it non-rotational/; s/^1$/the kernel reports it rotational/' \
    "/sys/block/$(basename "$(df -P "$WORK" | awk 'NR == 2 { print $1 }')")/queue/rotational" 2>/dev/null ||
    echo 'unknown type')"
  printf -- '- slipway: %s (NativeAOT)\n' "$("$SLIPWAY" --version 2>/dev/null | head -n 1)"
  printf -- '- dockerd: %s (built-in BuildKit, overlay2)\n' "$("$DOCKERD" --version)"
  printf -- '- buildah: %s (overlay storage, --isolation chroot)\n' "$(buildah --version)"
  printf -- '- runc: %s\n' "$(runc --version | head -n 1)"
  printf -- '- load average (1/5/15 min): %s at the start, %s at the end\n' "$LOAD_START" "$LOAD_END"
}

report_markdown() {
  local sep
  printf '# Benchmark results\n\n'
  # shellcheck disable=SC2016 # backquotes for markdown
  printf 'Produced by `bench/run%s` (%s run(s) per no-op case, %s per cold and edit case; medians).\n\n' \
    "${QUICK:+ --quick}" "$RUNS" "$COLD_RUNS"
  machine_lines
  printf '\n| %s |\n' "${REPORT_HEADER//|/ | }"
  sep=$(printf '%s' "$REPORT_HEADER" | sed 's/[^|]*/---/g')
  printf '| %s |\n' "${sep//|/ | }"
  report_rows | sed 's/|/ | /g; s/^/| /; s/$/ |/'
  if [ ${#SIZE[@]} -gt 0 ]; then
    printf '\nFinal image sizes (pushed to the local registry: the sum of the gzip layers in the manifest):\n\n'
    printf '| image | Slipway | BuildKit | buildah |\n| --- | --- | --- | --- |\n'
    size_rows | sed 's/|/ | /g; s/^/| /; s/$/ |/'
  fi
  printf '\nSlipway peak RSS: the process'"'"'s own high-water mark (VmHWM, sampled every 50 ms); "with children"\n'
  printf 'is /usr/bin/time %%M, which also counts the processes Slipway reaps (runc and what RUN runs, e.g. the Go compiler).\n'
}

report_text() {
  echo
  { echo "$REPORT_HEADER"; report_rows; } | column -t -s '|'
  if [ ${#SIZE[@]} -gt 0 ]; then
    echo
    { echo "image|Slipway|BuildKit|buildah"; size_rows; } | column -t -s '|'
  fi
  echo
  echo "(medians of $RUNS no-op run(s) and $COLD_RUNS cold/edit run(s); load average $LOAD_START -> $LOAD_END)"
}

# shellcheck shell=bash
# bench/lib/measure.sh — timing, peak memory and medians. Sourced by bench/run.
#
# Results live in two maps keyed "CASE|BUILDER" (BUILDER: slipway, buildkit, buildah):
#   TIMES  space-separated wall-clock seconds of every run (FAIL for a failed run)
#   RSS    for slipway only: the highest own peak RSS (VmHWM) over the runs, in KB; and TREE_RSS the highest
#          /usr/bin/time %M, which also counts the descendants Slipway reaps (runc, the RUN processes).
declare -A TIMES=() RSS=() TREE_RSS=()
CASES=()   # case names in the order they were first measured

# Runs CMD… for CASE and BUILDER, output to a log file; appends the wall time to TIMES. For slipway, a sampler
# beside it reads the process's own VmHWM every 50 ms (the kernel keeps the high-water mark, so sampling only
# risks missing growth in the last 50 ms) and /usr/bin/time's %M is kept too. The clock stops when the command
# is reaped, not when the sampler next looks.
measure() { # CASE BUILDER CMD…
  local case=$1 builder=$2 key="$1|$2" log start end pid sampler='' hwm tree status=0 tf hwmf
  shift 2
  [[ " ${CASES[*]} " == *" $case "* ]] || CASES+=("$case")
  mkdir -p "$WORK/logs"
  log=$WORK/logs/$(printf '%s' "$case-$builder" | tr -c 'A-Za-z0-9._-' '_').log
  tf=$WORK/logs/.time hwmf=$WORK/logs/.hwm
  rm -f "$hwmf"
  printf '\n### %s\n' "$*" >>"$log"
  start=$EPOCHREALTIME
  /usr/bin/time -f %M -o "$tf" "$@" >>"$log" 2>&1 &
  pid=$!
  if [ "$builder" = slipway ]; then
    sample_hwm "$pid" "$hwmf" &
    sampler=$!
  fi
  wait "$pid" || status=$?
  end=$EPOCHREALTIME
  [ -z "$sampler" ] || wait "$sampler" || true
  if [ "$status" -ne 0 ]; then
    TIMES[$key]+="FAIL "
    log "$case: $builder FAILED (exit $status), log: $log"
    tail -n 15 "$log" | sed 's/^/    /' >&2
    return 0
  fi
  TIMES[$key]+="$(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.3f", e - s }') "
  if [ "$builder" = slipway ]; then
    tree=$(grep -E '^[0-9]+$' "$tf" | tail -n 1 || true)
    [ -z "$tree" ] || [ "$tree" -le "${TREE_RSS[$key]:-0}" ] || TREE_RSS[$key]=$tree
    # A run shorter than the first sample leaves no VmHWM: %M bounds it from above.
    hwm=$(cat "$hwmf" 2>/dev/null || echo 0)
    [ "$hwm" -gt 0 ] || hwm=${tree:-0}
    [ "$hwm" -le "${RSS[$key]:-0}" ] || RSS[$key]=$hwm
  fi
  log "$case: $builder $(printf '%s' "${TIMES[$key]}" | awk '{ print $NF }') s"
}

# Writes to FILE the last VmHWM (KB) of /usr/bin/time's child (PID is time's) while it runs.
sample_hwm() { # PID FILE
  local pid=$1 file=$2 child='' line hwm=0
  while kill -0 "$pid" 2>/dev/null; do
    [ -n "$child" ] || read -r child _ <"/proc/$pid/task/$pid/children" 2>/dev/null || true
    if [ -n "$child" ] && [ -r "/proc/$child/status" ]; then
      while read -r line; do
        [[ $line == VmHWM:* ]] || continue
        line=${line#VmHWM:}
        line=${line% kB}
        line=${line// /}
        [ -z "$line" ] || hwm=$line
      done <"/proc/$child/status" 2>/dev/null || true
      printf '%s\n' "$hwm" >"$file"
    fi
    sleep 0.05
  done
}

# The median of the numbers in the words; FAIL if any run failed, "" if there were none.
median() { # WORD…
  local w
  [ $# -gt 0 ] || return 0
  for w in "$@"; do [ "$w" != FAIL ] || { echo FAIL; return 0; }; done
  printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2];
    else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# A over B to two decimals, or "-" when either is missing or failed.
ratio() { # A B
  awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || a == "FAIL" || b == "FAIL" || b + 0 == 0) print "-";
    else printf "%.2f\n", a / b }'
}

# Whether RATIO (or seconds) is at most LIMIT: pass, FAIL, or "-" when there is nothing to judge.
judge() { # VALUE LIMIT
  awk -v v="$1" -v l="$2" 'BEGIN { if (v == "" || v == "-" || v == "FAIL") print "-";
    else if (v + 0 <= l + 0) print "pass"; else print "FAIL" }'
}

# Prints "ROUNDED_SECONDS" for the table: two decimals, or FAIL, or "-".
secs() { # VALUE
  case $1 in "") echo - ;; FAIL) echo FAIL ;; *) awk -v v="$1" 'BEGIN { printf "%.2f\n", v }' ;; esac
}

#!/usr/bin/env bash
# Soak (docs/reliability.md): one node under mixed load for a set time, sampled every
# --sample seconds, then the slope of each sample series over the run's second half (the
# first half is warm-up: caches, pools and the SQLite page cache fill). Flat slopes are the
# claim: memory, descriptors, actors and errors do not grow with time.
#
# The load, all at once, at about half of what this machine takes (docs/performance.md):
#   - echo: 50 sessions at 4,000 committed notes/s in all (open loop);
#   - push-to-talk: 10 talk groups of 10 members, one talker each at 50 frames/s, recorded
#     (one burst each for the whole run: the burst and duration limits are lifted);
#   - webhook bursts: 16 senders for 2 s every 10 s (signed Dialpad webhooks, processed);
#   - calls: the same 20 caller/callee pairs ringing, answering and hanging up 100 calls at
#     50/s, again and again (each round logs the users in anew);
#   - connections coming and going: 20 sessions that connect, echo for a second and leave;
#   - REST: a user list, an event created and the health page, about 10 requests/s.
# Usage: tools/soak.sh [--minutes M (default 30)] [--sample S (default 30)] [sqlite|postgresql]
set -euo pipefail
cd "$(dirname "$0")/.."
minutes=30 sample=30 db=sqlite
while (($#)); do
  case $1 in
    --minutes) minutes=$2; shift 2 ;;
    --sample) sample=$2; shift 2 ;;
    sqlite|postgresql) db=$1; shift ;;
    *) echo "usage: tools/soak.sh [--minutes M] [--sample S] [sqlite|postgresql]" >&2; exit 2 ;;
  esac
done
tools/build.sh >/dev/null
work=$(mktemp -d /tmp/sb-soak-XXXXXX)
server_pid="" load_pids=()
source tools/lib/bench_node.sh
source tools/lib/temp_postgres.sh
cleanup() {
  for p in "${load_pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait "${load_pids[@]}" 2>/dev/null || true
  [[ -n $server_pid ]] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  [[ $db == postgresql ]] && temp_postgres_cleanup
  rm -rf "$work"
}
trap cleanup EXIT
if [[ $db == postgresql ]]; then
  temp_postgres_start
  psql -h "$SB_TEST_PG_HOST" -p "$SB_TEST_PG_PORT" -U sb -d postgres -qc "CREATE DATABASE soak"
  url=$(temp_postgres_url soak)
else
  url="sqlite:$work/soak.db"
fi
seconds=$((minutes * 60))
start_bench_node build/tools/switchboard "$work" "$url" PASSWORD_HASH_OPS=1 \
  PASSWORD_HASH_MEMORY_KIB=64 ACCESS_TOKEN_TTL=$((seconds + 3600)) \
  MAXIMUM_AUDIO_DURATION=$((seconds * 1000 + 600000)) GROUP_BUSY_TIMEOUT=$((seconds * 1000 + 600000)) \
  PTT_MAX_BURST_BYTES=0
lg=build/tools/loadgen
ops=(-H "Authorization: Bearer bench-internal-secret-0123456789abcdef" -H 'Content-Type: application/json')
auth=(-H "Authorization: Bearer $token" -H 'Content-Type: application/json')
app=$(curl -s -X POST "localhost:$port/internal/apps" "${ops[@]}" -d '{"name":"soak"}' |
  sed -E 's/.*"app_id":"([^"]+)".*/\1/')
curl -s -X PATCH "localhost:$port/internal/apps/$app" "${ops[@]}" \
  -d '{"webhook_secret":"soak-webhook-secret"}' >/dev/null
end=$((SECONDS + seconds))
# Runs "$@" again and again, quietly, until the soak ends.
repeat() { while ((SECONDS < end)); do "$@" >/dev/null 2>&1 || sleep 1; done; }

$lg --port "$port" --token "$token" --sessions 50 --rate 4000 --duration "$seconds" \
  >"$work/echo.out" 2>&1 & echo_pid=$!
$lg ptt --port "$port" --token "$token" --groups 10 --members 10 --fps 50 --duration "$seconds" \
  >"$work/ptt.out" 2>&1 & ptt_pid=$!
load_pids+=("$echo_pid" "$ptt_pid")
repeat bash -c "$lg webhooks --port $port --app $app --secret soak-webhook-secret --senders 16 \
  --duration 2; sleep 8" & load_pids+=($!)
repeat $lg calls --port "$port" --token "$token" --calls 100 --pairs 20 --rate 50 --run 4242 \
  & load_pids+=($!)
repeat $lg --port "$port" --token "$token" --sessions 20 --rate 200 --duration 1 & load_pids+=($!)
rest() {
  local n=0
  while ((SECONDS < end)); do
    curl -s -o /dev/null "localhost:$port/api/v1/users?limit=20" "${auth[@]}"
    curl -s -o /dev/null -X POST "localhost:$port/api/events" "${auth[@]}" -d "{\"name\":\"soak $((n++))\"}"
    curl -s -o /dev/null "localhost:$port/health"
    sleep 0.3
  done
}
rest & load_pids+=($!)

metric_sum() {  # metric_sum <metrics text> <name regex>: the sum of the matching series
  awk -v re="^($2)([{ ])" '$0 ~ re {s += $NF} END {printf "%.0f", s}' <<<"$1"
}
printf '%8s %10s %6s %8s %10s %10s %12s\n' seconds rss_kib fds actors errors http_5xx store_jobs |
  tee "$work/samples"
started=$SECONDS
# The last sample comes before the load winds down.
while ((SECONDS + sample + 5 < end)); do
  sleep "$sample"
  m=$(curl -s "localhost:$port/metrics")
  rss=$(awk '/^VmRSS/ {print $2}' "/proc/$server_pid/status")
  fds=$(ls "/proc/$server_pid/fd" | wc -l)
  printf '%8d %10d %6d %8d %10d %10d %12d\n' $((SECONDS - started)) "$rss" "$fds" \
    "$(metric_sum "$m" sb_actors)" "$(metric_sum "$m" sb_errors_total)" \
    "$(awk '/^sb_http_requests_total\{class="5xx"\}/ {print $2 + 0}' <<<"$m")" \
    "$(metric_sum "$m" sb_store_jobs_total)" | tee -a "$work/samples"
done
wait "$echo_pid" "$ptt_pid" || true
echo "== errors sent to clients, by code"
curl -s "localhost:$port/metrics" | awk '/^sb_errors_total/ && $2 > 0'
echo "== load: echo"; tail -n 4 "$work/echo.out"
echo "== load: push-to-talk"; tail -n 4 "$work/ptt.out"
# Least-squares slope per hour of each column over the second half of the samples.
echo "== slopes over the second half (per hour; store_jobs shows the load kept going)"
awk 'NR == 1 {for (i = 2; i <= NF; i++) name[i] = $i; next}
     {n++; t[n] = $1; for (i = 2; i <= NF; i++) v[n, i] = $i; cols = NF}
     END {
       from = int(n / 2) + 1; k = n - from + 1
       for (i = 2; i <= cols; i++) {
         st = sv = stt = stv = 0
         for (j = from; j <= n; j++) { st += t[j]; sv += v[j, i]; stt += t[j] * t[j]; stv += t[j] * v[j, i] }
         d = k * stt - st * st
         slope = d > 0 ? (k * stv - st * sv) / d * 3600 : 0
         printf "%-11s %14.1f per hour   (from %d to %d)\n", name[i], slope, v[from, i], v[n, i]
       }
     }' "$work/samples"

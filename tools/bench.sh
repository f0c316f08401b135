#!/usr/bin/env bash
# Prints the figures recorded in docs/performance.md: echo (committed) and ping round trips on
# SQLite and PostgreSQL, the memory cost of idle sessions, the cost of checking a token, and
# login throughput; with `ptt`, push-to-talk fan-out instead; with `webhooks`, durable Dialpad
# webhook ingestion on both databases next to PostgreSQL's own insert rate (pgbench); with
# `calls`, call setups by extension with 1,000 calls live at once; with `chat`, chat sends over
# the native protocol and a channel's fan-out over Socket.IO, next to Node's socket.io 4.8; with
# `cluster`, one talk group's fan-out on one node and spread over a three-member cluster, and
# its failover time over 20 kills of its owner.
# Needs the test dependencies.
# Usage: tools/bench.sh [seconds per run, default 10]
#        [core|ptt|webhooks|calls|chat|cluster|all, default core]
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-10}
parts=${2:-core}
tools/install-deps.sh --test
tools/build.sh >/dev/null
source tools/lib/temp_postgres.sh
temp_postgres_start
work=$(mktemp -d /tmp/sb-bench-XXXXXX)
server_pid=""
stop_server() { [[ -n "$server_pid" ]] && kill "$server_pid" && wait "$server_pid" || true; server_pid=""; }
cluster_pids=()
trap 'stop_server; kill "${cluster_pids[@]}" 2>/dev/null; rm -rf "$work"; temp_postgres_cleanup' EXIT

source tools/lib/bench_node.sh
admin_email=$bench_admin_email
admin_password=$bench_admin_password

start_server() {  # $1 = DATABASE_URL; further arguments are extra environment settings
  start_bench_node build/tools/switchboard "$work" "$@"
}

fresh_database() {  # $1 = sqlite|postgresql, $2 = a name: prints the URL of a new database
  if [[ $1 == sqlite ]]; then echo "sqlite:$work/$2.db"; else
    psql -h "$SB_TEST_PG_HOST" -p "$SB_TEST_PG_PORT" -U sb -d postgres -qc "CREATE DATABASE $2"
    temp_postgres_url "$2"
  fi
}

rss() { curl -s "localhost:$port/metrics" | awk '/^sb_process_resident_bytes/ {print $2}'; }

echo "== machine: $(nproc) cores, $(uname -r); loadgen and server share them"

if [[ $parts == ptt || $parts == all ]]; then
  # Members are created through the REST API: cheap password hashing keeps the setup short.
  echo "== tcpcost: the kernel's price of one loopback TCP message, without Switchboard"
  for n in 1000 5000; do build/tools/loadgen tcpcost --connections "$n" --duration "$secs"; done
  for shape in "1 10" "1 100" "1 1000" "1 2000" "1 5000" "200 10" "1000 10"; do
    read -r groups members <<<"$shape"
    start_server "sqlite:$work/ptt-$groups-$members.db" PASSWORD_HASH_OPS=1 PASSWORD_HASH_MEMORY_KIB=64 \
      MAXIMUM_AUDIO_DURATION=600000 GROUP_BUSY_TIMEOUT=600000
    echo "== ptt: $groups group(s) x $members members, one talker per group, 50 frames/s of 80 bytes, ${secs} s"
    build/tools/loadgen ptt --port "$port" --token "$token" --groups "$groups" --members "$members" \
      --duration "$secs" --server-pid "$server_pid"
    stop_server
  done
  [[ $parts == ptt ]] && exit 0
fi
if [[ $parts == cluster || $parts == all ]]; then
  # One talker, 999 listeners: first all on one node, then spread over three members of a
  # cluster on one PostgreSQL (the talk group runs on its owner; the others relay it).
  ptt_env=(PASSWORD_HASH_OPS=1 PASSWORD_HASH_MEMORY_KIB=64 MAXIMUM_AUDIO_DURATION=600000
    GROUP_BUSY_TIMEOUT=600000)
  start_server "$(fresh_database postgresql ptt1)" "${ptt_env[@]}"
  echo "== cluster: one node (PostgreSQL), 1 group x 1000 members, ${secs} s"
  build/tools/loadgen ptt --port "$port" --token "$token" --groups 1 --members 1000 \
    --duration "$secs" --server-pid "$server_pid"
  stop_server
  url=$(fresh_database postgresql ptt3)
  ports=() seeds=()
  start_member() {  # $1 = 0, 1 or 2 (n1, n2, n3); later starts keep the member's cluster port
    local dir="$work/n$(($1 + 1))" cport=0
    mkdir -p "$dir"
    [[ -s "$dir/cluster-port" ]] && cport=$(cat "$dir/cluster-port")
    start_bench_node build/tools/switchboard "$dir" "$url" "${ptt_env[@]}" CLUSTER_ENABLED=true \
      CLUSTER_NODE_NAME="n$(($1 + 1))" CLUSTER_PORT="$cport" CLUSTER_PORT_FILE="$dir/cluster-port" \
      CLUSTER_SECRET=bench-cluster-secret-0123456789abcdef CLUSTER_SEEDS="${seeds[$1]}"
    cluster_pids[$1]=$server_pid ports[$1]=$port
    for _ in $(seq 100); do [[ -s "$dir/cluster-port" ]] && break; sleep 0.1; done
  }
  meshed() {  # waits until every member counts three
    for _ in $(seq 200); do
      local all=1
      for p in "${ports[@]}"; do
        [[ $(curl -s "localhost:$p/metrics" | awk '/^sb_cluster_members / {print $2}') == 3 ]] || all=0
      done
      ((all)) && return 0
      sleep 0.1
    done
    return 1
  }
  seeds[0]=""
  for n in 0 1 2; do
    start_member "$n"
    seeds[$((n + 1))]="127.0.0.1:$(cat "$work/n$((n + 1))/cluster-port")"
  done
  server_pid=""
  meshed
  echo "== cluster: three members, 1 group x 1000 members spread over them, ${secs} s"
  build/tools/loadgen ptt --port "${ports[0]}" --token "$token" --groups 1 --members 1000 \
    --duration "$secs" --server-pid "$(IFS=,; echo "${cluster_pids[*]}")" \
    --spread-ports "${ports[1]},${ports[2]}"
  for n in 0 1 2; do
    echo "   n$((n + 1)) relayed events: $(curl -s "localhost:${ports[$n]}/metrics" |
      awk '/^sb_cluster_relayed_events_total / {print $2}')"
  done
  echo "== cluster: failover of a talk group, 20 kills of its owner (kill -9, then restarted)"
  floors=()
  for round in $(seq 20); do
    line=$(build/tools/loadgen failover --ports "$(IFS=,; echo "${ports[*]}")" \
      --pids "$(IFS=,; echo "${cluster_pids[*]}")" --token "$token" | tee /dev/stderr | grep '^failover ')
    read -r _ killed floor_ms _ <<<"$line"
    floors+=("$floor_ms")
    wait "${cluster_pids[$((killed - 1))]}" 2>/dev/null || true
    start_member "$((killed - 1))"
    server_pid=""
    meshed
  done
  printf '%s\n' "${floors[@]}" | sort -n | awk '{v[NR]=$1} END {
    printf "   floor granted again after the kill: median %.0f ms, max %.0f ms over %d kills\n",
      (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2), v[NR], NR }'
  kill "${cluster_pids[@]}"; wait "${cluster_pids[@]}" 2>/dev/null || true; cluster_pids=()
  [[ $parts == cluster ]] && exit 0
fi
if [[ $parts == chat || $parts == all ]]; then
  for db in sqlite postgresql; do
    url=$(fresh_database "$db" chat)
    start_server "$url" PASSWORD_HASH_OPS=1 PASSWORD_HASH_MEMORY_KIB=64 SOCKETIO_MAX_SESSIONS=100000
    echo "== chat ($db): 100 users x 10 native connections, one chat.send outstanding each, ${secs} s"
    build/tools/loadgen chat --port "$port" --token "$token" --users 100 --devices 10 \
      --duration "$secs" --server-pid "$server_pid"
    stop_server
    for shape in "1000 50" "1000 200" "5000 10"; do
      read -r members rate <<<"$shape"
      for watch in 0 200; do
        [[ $watch == 200 && $members == 5000 ]] && continue  # a million watches: see performance.md
        [[ $db == postgresql && $rate != 50 ]] && continue
        start_server "$url" PASSWORD_HASH_OPS=1 PASSWORD_HASH_MEMORY_KIB=64 \
          SOCKETIO_MAX_SESSIONS=100000 CHAT_PRESENCE_WATCH_LIMIT=$watch
        echo "== sio ($db): a channel of $members Socket.IO members, $rate messages/s, presence watch limit $watch"
        build/tools/loadgen sio --port "$port" --token "$token" --members "$members" --rate "$rate" \
          --duration "$secs" --server-pid "$server_pid"
        stop_server
      done
    done
  done
  # The same clients against Node's socket.io 4.8 (tools/bench-peers), with no storage at all.
  (cd tools/bench-peers && npm ci --no-audit --no-fund >/dev/null)
  for shape in "1000 50" "1000 200" "5000 10"; do
    read -r members rate <<<"$shape"
    node tools/bench-peers/socketio-server.js 0 >"$work/node.log" 2>&1 &
    node_pid=$!
    for _ in $(seq 50); do grep -q " on " "$work/node.log" && break; sleep 0.1; done
    node_port=$(sed -nE 's/.* on ([0-9]+),.*/\1/p' "$work/node.log")
    echo "== sio (Node socket.io): $members members, $rate messages/s"
    build/tools/loadgen sio --plain true --port "$node_port" --members "$members" --rate "$rate" \
      --duration "$secs" --server-pid "$node_pid"
    kill "$node_pid"; wait "$node_pid" 2>/dev/null || true
  done
  [[ $parts == chat ]] && exit 0
fi
if [[ $parts == calls || $parts == all ]]; then
  for db in sqlite postgresql; do
    url=$(fresh_database "$db" calls)
    start_server "$url" PASSWORD_HASH_OPS=1 PASSWORD_HASH_MEMORY_KIB=64 CALL_RING_TIMEOUT_MS=120000
    for rate in 200 500 1000; do
      echo "== calls ($db): 1000 calls by extension at $rate/s over 50 caller/callee pairs, all live at the end"
      build/tools/loadgen calls --port "$port" --token "$token" --calls 1000 --pairs 50 --rate "$rate" \
        --server-pid "$server_pid"
    done
    stop_server
  done
  [[ $parts == calls ]] && exit 0
fi
if [[ $parts == webhooks || $parts == all ]]; then
  ops=(-H "Authorization: Bearer bench-internal-secret-0123456789abcdef" -H 'Content-Type: application/json')
  for db in sqlite postgresql; do
    if [[ $db == sqlite ]]; then url="sqlite:$work/webhooks.db"; else
      psql -h "$SB_TEST_PG_HOST" -p "$SB_TEST_PG_PORT" -U sb -d postgres -qc "CREATE DATABASE webhooks"
      url=$(temp_postgres_url webhooks)
    fi
    start_server "$url"
    app=$(curl -s -X POST "localhost:$port/internal/apps" "${ops[@]}" -d '{"name":"bench"}' |
      sed -E 's/.*"app_id":"([^"]+)".*/\1/')
    curl -s -X PATCH "localhost:$port/internal/apps/$app" "${ops[@]}" \
      -d '{"webhook_secret":"bench-webhook-secret"}' >/dev/null
    echo "== $db: signed webhooks, 64 senders, each 200 after its commit, ${secs} s"
    build/tools/loadgen webhooks --port "$port" --app "$app" --secret bench-webhook-secret \
      --senders 64 --duration "$secs" --server-pid "$server_pid"
    # How far processing (call state, history, live events) trails ingestion.
    for _ in $(seq 120); do
      backlog=$(curl -s "localhost:$port/metrics" | awk '/^sb_webhook_stream_pending/ {s += $2} END {print s + 0}')
      [[ $backlog == 0 ]] && break
      sleep 1
    done
    echo "processing backlog after the run: $(curl -s "localhost:$port/health" | sed -E 's/.*"webhooks":(\{[^}]*\}).*/\1/')"
    stop_server
  done
  # PostgreSQL's own rate for the same rows: one INSERT per transaction, 64 clients.
  cat > "$work/insert.sql" <<'SQL'
INSERT INTO webhook_events (app_id, tenant_id, dedupe_key, call_id, state, event_timestamp_ms, signing, payload, status, next_attempt_at_us, received_at_us) SELECT id, tenant_id, md5(random()::text), 1, 'ringing', 1, 'jwt', '{"call_id":1,"state":"ringing","direction":"inbound","external_number":"+15105550123","internal_number":"+15105559876","date_started":1,"event_timestamp":1}', 'processed', 0, 0 FROM apps LIMIT 1;
SQL
  echo "== postgresql: the same rows inserted by pgbench, one per transaction, 64 clients, ${secs} s"
  "$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)/pgbench" -n -c 64 -j 2 -T "$secs" \
    -f "$work/insert.sql" -h "$SB_TEST_PG_HOST" -p "$SB_TEST_PG_PORT" -U sb webhooks |
    grep -E "^(tps|latency average|number of transactions actually)"
  [[ $parts == webhooks ]] && exit 0
fi
for db in sqlite postgresql; do
  if [[ $db == sqlite ]]; then url="sqlite:$work/bench.db"; else
    psql -h "$SB_TEST_PG_HOST" -p "$SB_TEST_PG_PORT" -U sb -d postgres -qc "CREATE DATABASE bench" 
    url=$(temp_postgres_url bench)
  fi
  start_server "$url"
  echo "== $db: echo (each reply after its commit), 100 sessions, window 4, ${secs} s"
  build/tools/loadgen --port "$port" --token "$token" --sessions 100 --window 4 --echo 1 --duration "$secs"
  echo "== $db: ping, 100 sessions, window 4, ${secs} s"
  build/tools/loadgen --port "$port" --token "$token" --sessions 100 --window 4 --echo 0 --duration "$secs"
  stop_server
done

start_server "sqlite:$work/idle.db"
before=$(rss)
echo "== idle sessions: 10000 held open for 3 s"
build/tools/loadgen --port "$port" --token "$token" --sessions 10000 --rate 1 --duration 3 &
lg=$!
sleep 2.5
during=$(rss)
wait $lg
echo "resident memory: $before bytes before, $during with 10000 sessions:" \
     "$(( (during - before) / 10000 )) bytes per session (server side)"
stop_server

echo "== authentication: token check on the request path, argon2id at the default cost"
build/tools/authbench
echo "== logins over HTTP at the default argon2id cost (ops 2, 64 MiB), 4 clients, ${secs} s"
start_server "sqlite:$work/login.db"
build/tools/authbench --login "$port" "$admin_email" "$admin_password" 4 "$secs"

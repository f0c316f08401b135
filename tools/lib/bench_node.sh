# Sourced by tools/bench.sh and tools/bench-ab.sh: starts a node the way every benchmark does.
# Throughput runs measure the node, not its message limits; thousands of sessions share one
# account, so the per-account connection quota is off too.

bench_admin_email=bench@switchboard.local
bench_admin_password=bench-admin-passphrase-1

# start_bench_node <switchboard binary> <work dir> <DATABASE_URL> [VAR=value ...]
# Sets server_pid, port and token (the bootstrap admin's access token).
start_bench_node() {
  local binary=$1 dir=$2 url=$3
  shift 3
  rm -f "$dir/port"
  env DATABASE_URL="$url" PORT=0 PORT_FILE="$dir/port" VOICEPING_PORT=0 LOG_LEVEL=warn \
    RATE_LIMIT_ENABLED=false WS_MAX_CONNECTIONS_PER_USER=0 MAX_CONNECTIONS_PER_ADDRESS=0 RECORDINGS_DIR="$dir/recordings" \
    INTERNAL_API_SECRET=bench-internal-secret-0123456789abcdef \
    BOOTSTRAP_ADMIN_EMAIL=$bench_admin_email BOOTSTRAP_ADMIN_PASSWORD=$bench_admin_password \
    BOOTSTRAP_ADMIN_MUST_CHANGE_PASSWORD=false \
    JWT_SECRET=bench-jwt-secret-0123456789abcdef0123 "$@" \
    "$binary" >"$dir/server.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 100); do [[ -s "$dir/port" ]] && break; sleep 0.1; done
  port=$(cat "$dir/port")
  token=$(curl -s -X POST "localhost:$port/api/v1/auth/login" -H 'Content-Type: application/json' \
    -d "{\"email\":\"$bench_admin_email\",\"password\":\"$bench_admin_password\"}" |
    sed -E 's/.*"accessToken":"([^"]+)".*/\1/')
}

#!/usr/bin/env bash
# The README's second command: install what is missing (PostgreSQL included), build, start a
# throw-away PostgreSQL server in a temp directory, run every test against SQLite and
# PostgreSQL, then stop the server and remove it. Extra arguments go to ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/install-deps.sh --test
tools/build.sh

pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
pg_dir=$(mktemp -d /tmp/sb-pg-XXXXXX)
pg_port=$(( 20000 + RANDOM % 20000 ))
as_pg=()
# PostgreSQL refuses to run as root: run it as the postgres user the package created.
if [[ "$(id -u)" -eq 0 ]]; then
  chown postgres:postgres "$pg_dir"
  as_pg=(runuser -u postgres --)
fi

cat > "$pg_dir/ctl.sh" <<CTL
#!/usr/bin/env bash
# start | stop the test server (used by tests that take the database away).
case "\$1" in
  start) ${as_pg[*]} "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/server.log" -w -t 30 \
           -o "-p $pg_port -k $pg_dir -c listen_addresses='' -c max_connections=200" start ;;
  stop)  ${as_pg[*]} "$pg_bin/pg_ctl" -D "$pg_dir/data" -m fast -w -t 30 stop ;;
esac
CTL
chmod 755 "$pg_dir/ctl.sh"

cleanup() {
  "$pg_dir/ctl.sh" stop >/dev/null 2>&1 || true
  rm -rf "$pg_dir"
}
trap cleanup EXIT

"${as_pg[@]}" "$pg_bin/initdb" -D "$pg_dir/data" -U sb --auth=trust -E UTF8 >/dev/null
"$pg_dir/ctl.sh" start >/dev/null

export SB_TEST_PG_HOST="$pg_dir" SB_TEST_PG_PORT="$pg_port" SB_TEST_PG_USER=sb
export SB_TEST_PG_CTL="$pg_dir/ctl.sh"
ctest --test-dir build --output-on-failure -j "$(nproc)" "$@"

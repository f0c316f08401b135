# Sourced by tools/test.sh and tools/bench.sh: starts a throw-away PostgreSQL server in a temp
# directory (Unix socket only), exports SB_TEST_PG_HOST/PORT/USER and SB_TEST_PG_CTL (a script
# taking start|stop), and removes everything on exit.

temp_postgres_start() {
  local pg_bin
  pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  pg_dir=$(mktemp -d /tmp/sb-pg-XXXXXX)
  local pg_port=$(( 20000 + RANDOM % 20000 ))
  local as_pg=()
  # PostgreSQL refuses to run as root: run it as the postgres user the package created.
  if [[ "$(id -u)" -eq 0 ]]; then
    chown postgres:postgres "$pg_dir"
    as_pg=(runuser -u postgres --)
  fi
  cat > "$pg_dir/ctl.sh" <<CTL
#!/usr/bin/env bash
case "\$1" in
  start) ${as_pg[*]} "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/server.log" -w -t 30 \
           -o "-p $pg_port -k $pg_dir -c listen_addresses='' -c max_connections=200" start ;;
  stop)  ${as_pg[*]} "$pg_bin/pg_ctl" -D "$pg_dir/data" -m fast -w -t 30 stop ;;
esac
CTL
  chmod 755 "$pg_dir/ctl.sh"
  trap temp_postgres_cleanup EXIT
  "${as_pg[@]}" "$pg_bin/initdb" -D "$pg_dir/data" -U sb --auth=trust -E UTF8 >/dev/null
  "$pg_dir/ctl.sh" start >/dev/null
  export SB_TEST_PG_HOST="$pg_dir" SB_TEST_PG_PORT="$pg_port" SB_TEST_PG_USER=sb
  export SB_TEST_PG_CTL="$pg_dir/ctl.sh"
}

temp_postgres_cleanup() {
  "$pg_dir/ctl.sh" stop >/dev/null 2>&1 || true
  rm -rf "$pg_dir"
}

# A URL for database $1 on the temp server.
temp_postgres_url() {
  echo "postgresql://sb@/$1?host=$SB_TEST_PG_HOST&port=$SB_TEST_PG_PORT"
}

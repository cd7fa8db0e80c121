# bench/lib.sh: what the benchmarks share: a build, a private MariaDB,
# and the integration tests' helpers for grantd and the SMTP server.
set -u
top_srcdir=$(cd "$(dirname "$0")/.." && pwd)
top_builddir="$top_srcdir/build/bench"
. "$top_srcdir/scripts/services.sh"

if [ ! -x "$top_builddir/grantd" ] || [ "${BENCH_REBUILD:-1}" = 1 ]; then
	[ -x "$top_srcdir/configure" ] || (cd "$top_srcdir" && autoreconf -fi) >/dev/null
	mkdir -p "$top_builddir"
	(cd "$top_builddir" && { [ -f Makefile ] || "$top_srcdir/configure" -q; } &&
	    make -s -j2) >/dev/null || { echo "build failed"; exit 1; }
fi

BENCH_DB=$(mktemp -d /tmp/grantd-bench.XXXXXX)
mariadb_start "$BENCH_DB" || exit 1
head -c 18 /dev/urandom | base64 | tr -d '/+=' >"$BENCH_DB/password"
mariadb_sql "$BENCH_DB" "CREATE USER 'grantd'@'localhost' IDENTIFIED BY
    '$(cat "$BENCH_DB/password")'; GRANT ALL ON *.* TO 'grantd'@'localhost'"
export GRANTD_TEST_DB_SOCKET="$MARIADB_SOCKET"
export GRANTD_TEST_DB_PASSWORD_FILE="$BENCH_DB/password"
export GRANTD_TEST_DB_DIR="$BENCH_DB"
. "$top_srcdir/tests/integration/lib.sh"

bench_cleanup() {
	cleanup
	mariadb_stop "$BENCH_DB"
	rm -rf "$BENCH_DB"
}
trap bench_cleanup EXIT

now() { date +%s.%N; }
rate() { echo "$1 $2 $3" | awk '{ printf "%.1f", $1 / ($3 - $2) }'; }

# dbdown.sh: MariaDB stopped and restarted under a running grantd. Requests
# get a clear "unavailable" answer, the daemon lives, and carries on.
# A connect timeout well above the bound on how long status may take.
DB_TIMEOUT=5
. "$top_srcdir/tests/integration/lib.sh"
setup

# hang_start: something at the server's socket that accepts connections
# and never answers, so a connect waits for its whole timeout; it counts
# the connections it took in $T/hang.count.
HANG_PID=""
hang_start() {
	/usr/bin/python3 - "$GRANTD_TEST_DB_SOCKET" "$T/hang.count" <<'PY' &
import os, socket, sys
path, count = sys.argv[1], sys.argv[2]
if os.path.exists(path):
    os.unlink(path)
s = socket.socket(socket.AF_UNIX)
s.bind(path)
s.listen(64)
taken = []
open(count, "w").write("0\n")
while True:
    c, _ = s.accept()
    taken.append(c)
    open(count, "w").write("%d\n" % len(taken))
PY
	HANG_PID=$!
	for _ in $(seq 1 50); do
		[ -S "$GRANTD_TEST_DB_SOCKET" ] && [ -f "$T/hang.count" ] && return 0
		sleep 0.1
	done
	echo "the hanging listener did not start"; exit 1
}

hang_stop() {
	kill "$HANG_PID" 2>/dev/null
	wait "$HANG_PID" 2>/dev/null
	rm -f "$GRANTD_TEST_DB_SOCKET"
}

# timed CMD...: run it as run does; how long it took, in ms, in MS.
timed() {
	t0=$(date +%s%N)
	run "$@"
	MS=$(( ($(date +%s%N) - t0) / 1000000 ))
}

ok "works before" $GRANTCTL fund create FG --name "Fast Grants" --budget 100
mariadb_stop "$GRANTD_TEST_DB_DIR"
fails "a request while it is down" 1 "database unavailable, try again shortly" \
    $GRANTCTL fund list
ok "status still answers" $GRANTCTL status
has "and says the database is down" "database       down"
if kill -0 "$GRANTD_PID" 2>/dev/null; then pass "grantd is still running"; else
	fail "grantd is still running"; fi

# A server that hangs rather than refuses must not hold the daemon: status
# answers promptly throughout, across several connect timeouts.
hang_start
slowest=0; bad=""; times=""
for _ in $(seq 1 24); do
	timed $GRANTCTL status
	[ "$RC" = 0 ] || bad="exit $RC: $ERR"
	[ "$MS" -gt "$slowest" ] && slowest=$MS
	times="$times $MS"
	sleep 0.5
done
echo "# status took (ms):$times"
same "status answers while connecting hangs" "" "$bad"
if [ "$slowest" -lt 1500 ]; then pass "status always within 1.5 s (slowest ${slowest} ms)"
else fail "status always within 1.5 s" "slowest took ${slowest} ms"; fi
has "and says the database is down" "database       down"
fails "a request is refused meanwhile" 1 "database unavailable, try again shortly" \
    $GRANTCTL fund list
if [ "$(cat "$T/hang.count")" -ge 2 ]; then pass "grantd did try to connect, repeatedly"
else fail "grantd did try to connect, repeatedly" \
    "connections taken: $(cat "$T/hang.count")"; fi
hang_stop

mariadb_start "$GRANTD_TEST_DB_DIR"
ok "works again once it is back" $GRANTCTL fund list
has "data intact" "Fast Grants"
ok "writes work too" $GRANTCTL fund create SAF --name "Social Action" --budget 10

# A grantd started while the database is down waits for it.
stop_grantd
mariadb_stop "$GRANTD_TEST_DB_DIR"
start_grantd
ok "starts without the database" $GRANTCTL status
has "reports it down" "database       down"
mariadb_start "$GRANTD_TEST_DB_DIR"
for _ in $(seq 1 40); do
	$GRANTCTL fund list >/dev/null 2>&1 && break
	sleep 0.25
done
ok "connects when it comes up" $GRANTCTL fund list
has "and serves" "Social Action"
finish

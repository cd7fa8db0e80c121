# dbdown.sh: MariaDB stopped and restarted under a running grantd. Requests
# get a clear "unavailable" answer, the daemon lives, and carries on.
. "$top_srcdir/tests/integration/lib.sh"
setup

ok "works before" $GRANTCTL fund create FG --name "Fast Grants" --budget 100
mariadb_stop "$GRANTD_TEST_DB_DIR"
fails "a request while it is down" 1 "database unavailable, try again shortly" \
    $GRANTCTL fund list
ok "status still answers" $GRANTCTL status
has "and says the database is down" "database       down"
if kill -0 "$GRANTD_PID" 2>/dev/null; then pass "grantd is still running"; else
	fail "grantd is still running"; fi

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

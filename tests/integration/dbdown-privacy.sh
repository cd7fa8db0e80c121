# dbdown-privacy.sh: what a caller learns while MariaDB is unreachable.
# Anyone may ask grantd's status, but only an admin sees the database's
# error, which names its socket (or host), database and user; a local user
# with no grantd user, and one who is not an admin, see only "database
# unavailable", from grantctl status and from any other request.
. "$top_srcdir/tests/integration/lib.sh"
setup
ok "an officer" $GRANTCTL user add priya --uid 5001 --role officer
ok "a second admin" $GRANTCTL user add ops --uid 5002 --role admin
as_uid() { u=$1; shift; setpriv --reuid="$u" --regid="$u" --clear-groups "$@"; }
ok "the second admin works" as_uid 5002 $GRANTCTL fund list
# An admin who has left: seen as admin once, then no longer a user.
ok "a third admin" $GRANTCTL user add old --uid 5003 --role admin
ok "who works" as_uid 5003 $GRANTCTL fund list
sql "UPDATE users SET active = 0 WHERE name = 'old'"
fails "then is no longer a user" 1 "is not a grantd user" as_uid 5003 $GRANTCTL fund list

mariadb_stop "$GRANTD_TEST_DB_DIR"
trap 'mariadb_start "$GRANTD_TEST_DB_DIR"; cleanup' EXIT
sock_dir=$(dirname "$GRANTD_TEST_DB_SOCKET")
# lacks_detail WHO: the last output names none of the database's details.
lacks_detail() {
	lacks "$1: no socket path" "$sock_dir"
	lacks "$1: no database name" "$DB"
	lacks "$1: no database user" "user grantd"
	lacks "$1: no server's words" "Can't connect"
}
ok "status for a stranger" as_nobody $GRANTCTL status
has "says the database is down" "database       down"
has "and only that it is unavailable" "database error database unavailable"
lacks_detail "stranger"
ok "as JSON too" as_nobody $GRANTCTL --json status
has "the same" '"database_error": "database unavailable"'
lacks_detail "stranger, JSON"
ok "status for an officer" as_uid 5001 $GRANTCTL status
has "only that it is unavailable" "database error database unavailable"
lacks_detail "officer"
ok "status for the admin who left" as_uid 5003 $GRANTCTL status
has "only that it is unavailable" "database error database unavailable"
lacks_detail "admin who left"
fails "a stranger's request" 1 "database unavailable, try again shortly" \
    as_nobody $GRANTCTL fund list
OUT=$ERR
lacks_detail "stranger's request"
same "and nothing more" "grantctl: database unavailable, try again shortly" "$ERR"

ok "status for the admin" $GRANTCTL status
has "the detail" "$sock_dir"
ok "status for the second admin" as_uid 5002 $GRANTCTL status
has "the detail" "$sock_dir"
fails "the admin's request" 1 "database unavailable, try again shortly: " \
    $GRANTCTL fund list
OUT=$ERR
has "with the detail" "$sock_dir"
mariadb_start "$GRANTD_TEST_DB_DIR"
finish

# lib.sh: shared by the integration tests. Each test gets its own database
# on the session's real MariaDB server and its own grantd, driven only
# through grantctl, and checks exact outputs and exit codes.
#
# The MariaDB server comes from scripts/test, through:
#   GRANTD_TEST_DB_SOCKET         its Unix socket
#   GRANTD_TEST_DB_PASSWORD_FILE  password of the 'grantd' user
#   GRANTD_TEST_DB_DIR            its directory, for tests that restart it
# Without them every test here fails, unless GRANTD_TEST_ALLOW_SKIP=1.

set -u
: "${top_srcdir:=.}" "${top_builddir:=.}"
top_srcdir=$(cd "$top_srcdir" && pwd)
top_builddir=$(cd "$top_builddir" && pwd)
. "$top_srcdir/scripts/services.sh"

TEST_NAME=$(basename "$0" .sh)
# Without a server these tests prove nothing, so by default that is a
# failure: a run that skipped most of them must not look like a pass.
if [ -z "${GRANTD_TEST_DB_SOCKET:-}" ]; then
	if [ "${GRANTD_TEST_ALLOW_SKIP:-}" = 1 ]; then
		echo "SKIP: $TEST_NAME needs a MariaDB server"
		exit 77
	fi
	echo "FAIL: $TEST_NAME needs a MariaDB server. Run scripts/test," \
	    "which starts one, or set GRANTD_TEST_DB_SOCKET," \
	    "GRANTD_TEST_DB_PASSWORD_FILE and GRANTD_TEST_DB_DIR to a" \
	    "server of your own (or GRANTD_TEST_ALLOW_SKIP=1 to skip" \
	    "these tests knowingly)."
	exit 1
fi

T=$(mktemp -d /tmp/grantd-test.XXXXXX)
chmod 755 "$T"
DB="grantd_t_${TEST_NAME}_$$"
GRANTD="$top_builddir/grantd"
# A copy any uid may run, for the tests that call grantd as someone else.
cp "$top_builddir/grantctl" "$T/grantctl"
GRANTCTL="$T/grantctl"
export GRANTD_SOCKET="$T/grantd.sock"
GRANTD_PID=""
PASSED=0
FAILED=0

write_config() {
	cat >"$T/grantd.conf" <<CONF
# written by tests/integration/lib.sh
[grantd]
log_level = ${LOG_LEVEL:-debug}

[api]
socket = $GRANTD_SOCKET

[database]
socket = $GRANTD_TEST_DB_SOCKET
name = $DB
user = grantd
password_file = $GRANTD_TEST_DB_PASSWORD_FILE
migrations = $top_srcdir/sql
timeout = ${DB_TIMEOUT:-2}

[mail]
transport = ${MAIL_TRANSPORT:-maildir}
from = ${MAIL_FROM:-Fast Grants <grants@example.org>}
maildir = $T/sent
smtp_url = smtp://127.0.0.1:${SMTP_PORT:-1}
smtp_starttls = off
retry_base = 1
rate_per_minute = 60000
max_age = ${MAIL_MAX_AGE:-600}
poll_interval = 1
${EXTRA_CONFIG:-}
CONF
	sed -i "s|^\[grantd\]|[grantd]\ntemplates = $top_srcdir/templates\nbank_holidays = $top_srcdir/data/bank-holidays.txt|" \
	    "$T/grantd.conf"
}

cleanup() {
	stop_grantd
	stop_smtp
	mariadb_sql "$GRANTD_TEST_DB_DIR" "DROP DATABASE IF EXISTS \`$DB\`" \
	    >/dev/null 2>&1
	rm -rf "$T"
}
trap cleanup EXIT

start_grantd() {
	"$GRANTD" -c "$T/grantd.conf" -f >>"$T/grantd.log" 2>&1 &
	GRANTD_PID=$!
	for _ in $(seq 1 100); do
		[ -S "$GRANTD_SOCKET" ] && return 0
		kill -0 "$GRANTD_PID" 2>/dev/null || break
		sleep 0.1
	done
	echo "grantd did not start; its log:"
	cat "$T/grantd.log"
	exit 1
}

stop_grantd() {
	[ -n "$GRANTD_PID" ] || return 0
	kill -TERM "$GRANTD_PID" 2>/dev/null
	wait "$GRANTD_PID" 2>/dev/null
	GRANTD_EXIT=$?
	GRANTD_PID=""
}

# setup: a fresh database, migrated, and a running grantd whose first admin
# is the uid running the tests.
setup() {
	write_config
	mariadb_sql "$GRANTD_TEST_DB_DIR" "CREATE DATABASE \`$DB\`" || exit 1
	"$GRANTD" -c "$T/grantd.conf" --migrate >>"$T/grantd.log" 2>&1 || {
		cat "$T/grantd.log"; exit 1; }
	start_grantd
}

# setup_maildir_intake: setup, with a mailbox "fg": a Maildir at $T/inbox
# for fund FG's open round, read every second. The year is in $year.
setup_maildir_intake() {
	mkdir -p "$T/inbox/new" "$T/inbox/cur" "$T/inbox/tmp"
	EXTRA_CONFIG="
[intake fg]
type = maildir
path = $T/inbox
round = FG
poll_interval = 1"
	setup
	year=$(TZ=Europe/London date +%Y)
}

# start_smtp: a real SMTP server (aiosmtpd) on a free loopback port,
# writing what it accepts to $T/smtp/ (SMTP_TLS="CERT KEY": STARTTLS only).
SMTP_PID=""
start_smtp() {
	: "${SMTP_PORT:=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')}"
	mkdir -p "$T/smtp"
	/usr/bin/python3 "$top_srcdir/tests/smtp-server.py" "$SMTP_PORT" \
	    "$T/smtp" ${SMTP_TLS:-} >"$T/smtp.log" 2>&1 &
	SMTP_PID=$!
	for _ in $(seq 1 100); do
		grep -q ready "$T/smtp.log" 2>/dev/null && return 0
		sleep 0.1
	done
	echo "the SMTP server did not start:"; cat "$T/smtp.log"; exit 1
}

stop_smtp() {
	[ -n "$SMTP_PID" ] || return 0
	kill "$SMTP_PID" 2>/dev/null
	wait "$SMTP_PID" 2>/dev/null
	SMTP_PID=""
}

# wait_for DESC SECONDS CMD...: retry CMD until it succeeds.
wait_for() {
	desc=$1; secs=$2; shift 2
	for _ in $(seq 1 $((secs * 10))); do
		if "$@" >/dev/null 2>&1; then pass "$desc"; return 0; fi
		sleep 0.1
	done
	fail "$desc" "still not true after $secs s: $*"
}

# open_round [FUND-BUDGET]: fund FG (awards up to £500) and an open round
# with Fast Grants' four priorities, closing in 30 days; its code in R.
open_round() {
	$GRANTCTL fund create FG --name "Fast Grants" --budget "${1:-100000}" \
	    --max-award 500 >/dev/null
	R=$($GRANTCTL round create FG --title "Open round" \
	    --opens "$(date -u +%Y-%m-%d)" \
	    --closes "$(date -u -d '+30 days' +%Y-%m-%d)" \
	    --budget "$(( ${1:-100000} * 9 / 10 ))" \
	    --priority "Supporting the community to be fit and healthy" \
	    --priority "Developing skills of local people" \
	    --priority "Changing the area for the better" \
	    --priority "Encouraging community participation") || exit 1
	$GRANTCTL round open "$R" >/dev/null || exit 1
}

pass() {
	PASSED=$((PASSED + 1))
	echo "ok $((PASSED + FAILED)) - $1"
}

fail() {
	FAILED=$((FAILED + 1))
	echo "not ok $((PASSED + FAILED)) - $1"
	shift
	for line in "$@"; do echo "#   $line"; done
}

# run CMD...: run it, keeping stdout in OUT, stderr in ERR, status in RC.
run() {
	OUT=$("$@" 2>"$T/stderr")
	RC=$?
	ERR=$(cat "$T/stderr")
}

# ok DESC CMD...: CMD must succeed.
ok() {
	desc=$1; shift
	run "$@"
	if [ "$RC" = 0 ]; then pass "$desc"; else
		fail "$desc" "exit $RC" "stderr: $ERR"; fi
}

# fails DESC STATUS TEXT CMD...: CMD must exit STATUS with TEXT on stderr.
fails() {
	desc=$1; status=$2; text=$3; shift 3
	run "$@"
	if [ "$RC" = "$status" ] && { [ -z "$text" ] ||
	    printf '%s' "$ERR" | grep -qF -- "$text"; }; then
		pass "$desc"
	else
		fail "$desc" "wanted exit $status and '$text'" \
		    "got exit $RC, stderr: $ERR" "stdout: $OUT"
	fi
}

# has DESC TEXT: the last command's stdout contains TEXT.
has() {
	if printf '%s' "$OUT" | grep -qF -- "$2"; then pass "$1"; else
		fail "$1" "wanted '$2' in:" "$OUT"; fi
}

# lacks DESC TEXT: the last command's stdout does not contain TEXT.
lacks() {
	if printf '%s' "$OUT" | grep -qF -- "$2"; then
		fail "$1" "did not want '$2' in:" "$OUT"; else pass "$1"; fi
}

# same DESC WANT GOT
same() {
	if [ "$2" = "$3" ]; then pass "$1"; else
		fail "$1" "wanted: $2" "got:    $3"; fi
}

# sql SQL: query the test's database directly (tests that tamper).
sql() {
	mariadb --no-defaults --socket="$GRANTD_TEST_DB_SOCKET" -uroot -N -B \
	    "$DB" -e "$1"
}

# as_nobody CMD...: run as uid 65534, which has no grantd user.
as_nobody() {
	setpriv --reuid=65534 --regid=65534 --clear-groups "$@"
}

# golden DESC NAME FILE: FILE must equal tests/golden/NAME exactly (a diff
# if not). With GOLDEN_UPDATE=1 in the environment, FILE becomes the new
# golden file instead: review the change with git diff before committing.
golden() {
	want="$top_srcdir/tests/golden/$2"
	if [ "${GOLDEN_UPDATE:-}" = 1 ]; then
		mkdir -p "$(dirname "$want")"
		cp "$3" "$want"
		pass "$1 (golden file $2 written)"
	elif [ ! -f "$want" ]; then
		fail "$1" "no golden file tests/golden/$2 (GOLDEN_UPDATE=1 writes it)"
	elif diff -u "$want" "$3" >"$T/golden.diff"; then
		pass "$1"
	else
		fail "$1" "differs from tests/golden/$2:"
		sed 's/^/#   /' "$T/golden.diff"
	fi
}

finish() {
	# A database call whose arguments disagree with its format is a bug
	# wherever it happens, even where the test's own checks pass.
	if grep -q "does not match its format" "$T/grantd.log"; then
		fail "every database call matched its format" \
		    "$(grep "does not match its format" "$T/grantd.log")"
	fi
	echo "1..$((PASSED + FAILED))"
	if [ $((PASSED + FAILED)) -eq 0 ]; then
		echo "# no checks ran"
		exit 1
	fi
	if [ "$FAILED" -gt 0 ]; then
		echo "# $FAILED of $((PASSED + FAILED)) checks failed; grantd log:"
		tail -40 "$T/grantd.log" | sed 's/^/# /'
		exit 1
	fi
	exit 0
}

# daemon.sh: grantd's command line, configuration errors, signals, systemd
# readiness and the API's answers to requests it does not know.
. "$top_srcdir/tests/integration/lib.sh"
write_config

ok "-t accepts a good file" "$GRANTD" -c "$T/grantd.conf" -t
same "-t says so" "grantd: configuration $T/grantd.conf is OK" "$OUT"

printf '[api]\nsocket = /tmp/x\ncolour = blue\n' >"$T/bad.conf"
fails "unknown key names file, line and key" 1 "$T/bad.conf:3: unknown key 'colour' in [api]" \
    "$GRANTD" -c "$T/bad.conf" -t
printf '[database]\nport = lots\n' >"$T/bad.conf"
fails "bad value" 1 "$T/bad.conf:2: key 'port': 'lots' is not a number from 1 to 65535" \
    "$GRANTD" -c "$T/bad.conf" -t
printf '[nonsense]\n' >"$T/bad.conf"
fails "unknown section" 1 "$T/bad.conf:1: unknown section [nonsense]" \
    "$GRANTD" -c "$T/bad.conf" -t
printf 'name = x\n' >"$T/bad.conf"
fails "key outside a section" 1 "$T/bad.conf:1: key 'name' is outside any [section]" \
    "$GRANTD" -c "$T/bad.conf" -t
printf '[database]\nsocket = /a\nhost = b\n' >"$T/bad.conf"
fails "socket and host" 1 "has both socket and host" "$GRANTD" -c "$T/bad.conf" -t
fails "missing file" 1 "$T/none.conf: No such file or directory" \
    "$GRANTD" -c "$T/none.conf" -t
fails "no -c is a usage error" 2 "usage: grantd" "$GRANTD"

# Readiness through NOTIFY_SOCKET, as systemd's Type=notify expects.
mariadb_sql "$GRANTD_TEST_DB_DIR" "CREATE DATABASE \`$DB\`"
"$GRANTD" -c "$T/grantd.conf" --migrate >>"$T/grantd.log" 2>&1
/usr/bin/python3 - "$T/notify.sock" >"$T/notify.out" <<'PY' &
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
s.settimeout(20)
print(s.recv(4096).decode(), flush=True)
PY
notify_pid=$!
for _ in $(seq 1 50); do [ -S "$T/notify.sock" ] && break; sleep 0.1; done
NOTIFY_SOCKET="$T/notify.sock" start_grantd
wait "$notify_pid"
run cat "$T/notify.out"
has "systemd told READY=1" "READY=1"

ok "status" $GRANTCTL status
has "version" "version        0.1.0"
V=$(ls "$top_srcdir"/sql/[0-9][0-9][0-9]-*.sql | wc -l)
has "schema" "schema         $V (this grantd expects $V)"
fails "second grantd refuses the live socket" 1 "another grantd is already listening" \
    "$GRANTD" -c "$T/grantd.conf" -f
fails "wrong socket" 1 "cannot reach grantd at $T/nothing" \
    $GRANTCTL --socket "$T/nothing" status
# api CURL-ARGS...: the HTTP status in OUT, the body in $T/body.
api() {
	run curl -s -o "$T/body" -w '%{http_code}' --unix-socket \
	    "$GRANTD_SOCKET" "$@"
}
api http://x/v1/nothing
same "unknown API path is a 404" 404 "$OUT"
same "with a JSON reason" '{"error":"no such API path: /v1/nothing"}' \
    "$(cat "$T/body")"
api -X POST -d '{bad' http://x/v1/funds
same "malformed JSON is a 400" 400 "$OUT"
run cat "$T/body"
has "saying so" "request body is not a JSON object"
api -X DELETE http://x/v1/funds
same "wrong method is a 405" 405 "$OUT"
run cat "$T/body"
has "saying so" "DELETE is not allowed on /v1/funds"

# SIGHUP: a bad file keeps the old settings; a good one is taken.
cp "$T/grantd.conf" "$T/good.conf"
printf '[grantd]\nlog_level = loud\n' >>"$T/grantd.conf"
kill -HUP "$GRANTD_PID"; sleep 0.5
run cat "$T/grantd.log"
has "bad reload refused" "reload failed, keeping the old configuration"
ok "still serving" $GRANTCTL fund list
sed 's/log_level = debug/log_level = info/' "$T/good.conf" >"$T/grantd.conf"
kill -HUP "$GRANTD_PID"; sleep 0.5
run cat "$T/grantd.log"
has "good reload taken" "configuration reloaded"
ok "serving after reload" $GRANTCTL fund list

stop_grantd
same "SIGTERM exits 0" 0 "$GRANTD_EXIT"
if [ -e "$GRANTD_SOCKET" ]; then fail "socket removed at exit"; else
	pass "socket removed at exit"; fi
finish

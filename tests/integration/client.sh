# client.sh: grantctl's HTTP client against a server that answers in every
# way HTTP/1.1 allows (Content-Length, chunked, until close, a 100 first),
# in pieces that split headers and chunks across reads; and its errors: no
# socket, nobody listening, a hang-up, a cut-off or malformed reply, a
# timeout. The request it sends: path escaped, JSON body with its length.
. "$top_srcdir/tests/integration/lib.sh"

mkdir -p "$T/http"
/usr/bin/python3 "$top_srcdir/tests/http-server.py" "$T/http" >"$T/http.log" 2>&1 &
HTTP_PID=$!
trap 'kill $HTTP_PID 2>/dev/null; wait $HTTP_PID 2>/dev/null; cleanup' EXIT
for _ in $(seq 1 100); do
	grep -q ready "$T/http.log" 2>/dev/null && break
	sleep 0.1
done
H="$T/http"
STATUS="version        9.9.9
uptime         0d 01:02:03
database       up
schema         3 (this grantd expects 3)"

for how in length chunked close continue; do
	run $GRANTCTL --socket "$H/$how.sock" status
	same "a reply by $how, in pieces: exit 0" 0 "$RC"
	same "a reply by $how, in pieces: the whole status" "$STATUS" "$OUT"
done
run $GRANTCTL --socket "$H/chunked.sock" --json status
same "--json keeps the reply's values" '"uptime_seconds": 3723,' \
    "$(printf '%s\n' "$OUT" | grep -F uptime_seconds | sed 's/^ *//')"

run $GRANTCTL --socket "$H/big.sock" status
same "a 1 MB chunked reply in 64 KB chunks arrives whole" \
    "version        $(head -c 1000000 /dev/zero | tr '\0' v)" \
    "$(printf '%s\n' "$OUT" | head -1)"

fails "an error reply gives grantd's message" 1 "grantctl: no such thing" \
    $GRANTCTL --socket "$H/error.sock" status

# What goes out: method, escaped path, headers, body and its length.
run $GRANTCTL --socket "$H/length.sock" app withdraw 'FG 2026/1?x=ü' \
    --reason 'a "quoted" reason'
body='{"reason":"a \"quoted\" reason"}'
want=$(printf 'POST /v1/applications/FG%%202026%%2F1%%3Fx%%3D%%C3%%BC/withdraw HTTP/1.1\r\nHost: grantd\r\nConnection: close\r\nAccept: application/json\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s' "${#body}" "$body")
same "a POST: escaped path, JSON body, its Content-Length" "$want" \
    "$(cat "$H/length.request")"
run $GRANTCTL --socket "$H/length.sock" app list --state 'a&b c'
same "a GET: the query escaped, no body" \
    "$(printf 'GET /v1/applications?state=a%%26b%%20c HTTP/1.1\r\nHost: grantd\r\nConnection: close\r\nAccept: application/json\r\n\r\n')" \
    "$(cat "$H/length.request")"

fails "no socket there" 1 \
    "grantctl: cannot reach grantd at $T/none.sock: No such file or directory (is grantd running?" \
    $GRANTCTL --socket "$T/none.sock" status
/usr/bin/python3 -c 'import socket, sys
s = socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); s.close()' "$T/dead.sock"
fails "a socket nobody listens on" 1 \
    "grantctl: cannot reach grantd at $T/dead.sock: Connection refused (is grantd running?" \
    $GRANTCTL --socket "$T/dead.sock" status
long="$T/$(head -c 120 /dev/zero | tr '\0' s).sock"
fails "a socket path too long for AF_UNIX" 1 \
    "grantctl: cannot reach grantd at $long: File name too long" \
    $GRANTCTL --socket "$long" status
fails "a hang-up before any reply" 1 \
    "grantctl: no reply from grantd at $H/hangup.sock: grantd closed the connection without a reply" \
    $GRANTCTL --socket "$H/hangup.sock" status
fails "a reply cut short of its Content-Length" 1 \
    "grantctl: no reply from grantd at $H/truncated.sock: grantd closed the connection in the middle of its reply" \
    $GRANTCTL --socket "$H/truncated.sock" status
fails "a chunk size that is not hex" 1 \
    "grantctl: no reply from grantd at $H/badchunk.sock: bad chunk size 'zz'" \
    $GRANTCTL --socket "$H/badchunk.sock" status
fails "something that is not HTTP" 1 \
    "grantctl: no reply from grantd at $H/nothttp.sock: not an HTTP reply" \
    $GRANTCTL --socket "$H/nothttp.sock" status
fails "a body that is not JSON" 1 \
    "grantctl: grantd sent a reply that is not JSON (HTTP 200)" \
    $GRANTCTL --socket "$H/notjson.sock" status
t0=$(date +%s)
fails "a server that never answers: GRANTCTL_TIMEOUT" 1 \
    "grantctl: no reply from grantd at $H/silent.sock: timed out after 1 s" \
    env GRANTCTL_TIMEOUT=1 $GRANTCTL --socket "$H/silent.sock" status
t1=$(date +%s)
same "it gave up after about a second" 1 "$(( t1 - t0 <= 3 ))"

finish

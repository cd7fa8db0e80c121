# crash.sh: grantd killed with SIGKILL again and again while it takes in
# 1,000 messages from a Maildir. After the last restart there is exactly
# one application, one stored message and one acknowledgement per message,
# and every message has been moved to cur/.
. "$top_srcdir/tests/integration/lib.sh"
N=${CRASH_MESSAGES:-1000}
mkdir -p "$T/inbox/new" "$T/inbox/cur" "$T/inbox/tmp"
LOG_LEVEL=warn
EXTRA_CONFIG="
[intake fg]
type = maildir
path = $T/inbox
round = FG
poll_interval = 1"
setup
open_round 1000000
stop_grantd

for i in $(seq 1 "$N"); do
	cat >"$T/inbox/new/$(printf '%06d' "$i").crash" <<MAIL
From: Group $i <group$i@example.org>
To: apply@grants.example.org
Subject: Application $i
Message-ID: <crash-$i@example.org>
Date: Tue, 24 Nov 2026 09:00:00 +0000

Organisation name: Community Group $i
Organisation type: unincorporated group
Contact name: Person $i
Postcode: LS$((i % 20)) 1AA
Project title: Project $i
Project summary: Things that help the neighbourhood, number $i.
Priorities: 1
Amount requested: £$((100 + i % 400))
Start date: 1 March 2027
End date: 31 August 2027
People who will benefit: $((10 + i % 90)) neighbours
Budget: Materials £$((100 + i % 400))
MAIL
done

kills=0
for round in $(seq 1 200); do
	left=$(ls "$T/inbox/new" | wc -l)
	[ "$left" -eq 0 ] && break
	start_grantd
	# Somewhere in the middle of the work: 0.01 to 0.1 seconds in.
	sleep "0.$(printf '%02d' $((RANDOM % 10 + 1)))"
	kill -9 "$GRANTD_PID" 2>/dev/null && kills=$((kills + 1))
	wait "$GRANTD_PID" 2>/dev/null
	GRANTD_PID=""
	rm -f "$GRANTD_SOCKET"
done
echo "# killed grantd $kills times"
if [ "$kills" -ge 3 ]; then pass "grantd was killed repeatedly ($kills times)"; else
	fail "grantd was killed repeatedly" "only $kills kills"; fi
# A last clean run takes in anything left and sends what is queued.
start_grantd
wait_for "every message taken in" 120 sh -c "[ \$(ls '$T/inbox/new' | wc -l) -eq 0 ]"
wait_for "every answer sent" 120 sh -c "[ \$(mariadb --no-defaults --socket='$GRANTD_TEST_DB_SOCKET' -uroot -N -B '$DB' -e \"SELECT COUNT(*) FROM outbox WHERE state <> 'sent'\") -eq 0 ]"

same "one application per message" "$N" "$(sql "SELECT COUNT(*) FROM applications")"
same "one stored message per message" "$N" "$(sql "SELECT COUNT(DISTINCT message_id) FROM mail_in")"
same "no message stored twice" "$N" "$(sql "SELECT COUNT(*) FROM mail_in")"
same "one acknowledgement per application" "$N" "$(sql "SELECT COUNT(*) FROM outbox WHERE template = 'acknowledgement'")"
same "no reference given twice" "$N" "$(sql "SELECT COUNT(DISTINCT reference) FROM applications")"
same "every message moved to cur/" "$N" "$(ls "$T/inbox/cur" | grep -c ':2,S$')"
# A kill between a write and its record may resend one, with the same
# Message-ID (see grantd(8)); every answer is there under its own id.
same "every answer written to the outgoing Maildir" "$N" \
    "$(grep -h -a -i '^Message-ID:' "$T"/sent/new/* | sort -u | wc -l)"
echo "# $(ls "$T/sent/new" | wc -l) files for $N answers"
ok "the audit chain survived the kills" $GRANTCTL audit verify
finish

# intake-watch.sh: mail landing in a Maildir's new/ is taken at once, not
# at the next poll_interval: renamed in from tmp/, or written straight into
# new/; a burst is read in few passes, not one per message; and what
# lands while the database is down is taken once it is back.
. "$top_srcdir/tests/integration/lib.sh"
F="$top_srcdir/tests/fixtures/mail"
mkdir -p "$T/inbox/new" "$T/inbox/cur" "$T/inbox/tmp"
EXTRA_CONFIG="
[intake fg]
type = maildir
path = $T/inbox
round = FG
poll_interval = 600"
setup
open_round

taken() { sql "SELECT COUNT(*) FROM mail_in WHERE source = 'fg'"; }
taken_is() { [ "$(taken)" = "$1" ]; }
reads() { grep -c "intake fg: [0-9]* in new/" "$T/grantd.log"; }
application() {	# application N: a complete form, its own sender
	cat <<MAIL
From: Group $1 <group$1@example.org>
To: apply@grants.example.org
Subject: Application $1
Message-ID: <watch-$1@example.org>

Organisation name: Community Group $1
Organisation type: unincorporated group
Contact name: Person $1
Postcode: LS1 1AA
Project title: Project $1
Project summary: Things that help the neighbourhood.
Priorities: 1
Amount requested: £250
Start date: 1 March 2027
End date: 31 August 2027
People who will benefit: 40 neighbours
Budget: Materials £250
MAIL
}

wait_for "the first read at start" 10 sh -c "grep -q 'intake fg: 0 in new/' '$T/grantd.log'"
application 1 >"$T/inbox/tmp/1.watch"
mv "$T/inbox/tmp/1.watch" "$T/inbox/new/1.watch"
wait_for "renamed into new/: taken at once" 3 taken_is 1
run ls "$T/inbox/cur"
same "moved to cur/" "1.watch:2,S" "$OUT"

# A writer that skips tmp/: taken once the file is closed.
application 2 >"$T/inbox/new/2.watch"
wait_for "written into new/: taken at once" 3 taken_is 2

# A burst, as an MTA delivers a queue: 126 renames at once.
for i in $(seq 3 128); do application "$i" >"$T/inbox/tmp/$i.watch"; done
before=$(reads)
mv "$T"/inbox/tmp/*.watch "$T/inbox/new/"
wait_for "all 126 of a burst taken" 60 taken_is 128
after=$(reads)
if [ $((after - before)) -le 12 ]; then pass "read in few passes ($((after - before)))"; else
	fail "read in few passes" "$((after - before)) reads of new/ for 126 messages"; fi
run ls "$T/inbox/new"
same "new/ is empty" "" "$OUT"

# new/ made again: watched again after the next poll, and read meanwhile.
rm -rf "$T/inbox/new"
mkdir "$T/inbox/new"
$GRANTCTL intake poll >/dev/null
application 129 >"$T/inbox/tmp/129.watch"
mv "$T/inbox/tmp/129.watch" "$T/inbox/new/129.watch"
wait_for "a new new/ is watched too" 3 taken_is 129

# Mail that lands while the database is down is taken soon after it is
# back, not at the next poll_interval.
mariadb_stop "$GRANTD_TEST_DB_DIR"
application 130 >"$T/inbox/tmp/130.watch"
mv "$T/inbox/tmp/130.watch" "$T/inbox/new/130.watch"
sleep 1
mariadb_start "$GRANTD_TEST_DB_DIR"
wait_for "taken once the database is back" 15 taken_is 130
finish

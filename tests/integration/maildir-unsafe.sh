# maildir-unsafe.sh: what no MTA delivers, in a Maildir's new/: a FIFO and
# a symbolic link to a file holding a secret. Neither is read: the daemon
# stays responsive, the application beside them is taken in, both are moved
# to unsafe/ and logged once, and the secret is nowhere grantd shows or
# sends.
. "$top_srcdir/tests/integration/lib.sh"
F="$top_srcdir/tests/fixtures/mail"
setup_maildir_intake
$GRANTCTL user add priya --uid 5001 --role officer --email priya@example.org >/dev/null
open_round

# The secret reads like a message (with no sender) so that, read, it would
# land in quarantine.
secret="SECRET-7f3a91-do-not-leak"
printf 'Subject: private\n\n%s\n' "$secret" >"$T/secret.txt"
chmod 644 "$T/secret.txt"
# Names sort before the application's, so they are met first.
mkfifo "$T/inbox/new/1000.fifo"
ln -s "$T/secret.txt" "$T/inbox/new/1000.link"
cp "$F/plain-form.eml" "$T/inbox/tmp/1001.a"
mv "$T/inbox/tmp/1001.a" "$T/inbox/new/1001.a"

# A grantd stuck reading the FIFO would never stop: a writer that comes
# and goes releases it, so that a failing run ends.
release_fifo() {
	for f in "$T/inbox/new/1000.fifo" "$T/inbox/unsafe/1000.fifo"; do
		[ -p "$f" ] && { exec 3<>"$f"; exec 3>&-; }
	done
	return 0
}
trap 'release_fifo; cleanup' EXIT
# and a grantd that does not answer must fail the checks, not hang them.
GRANTCTL="timeout 5 $GRANTCTL"

sleep 2	# a poll or two
ok "grantd answers" $GRANTCTL status
[ "$RC" = 0 ] || finish
has "and is up" "database       up"
wait_for "the application beside them is taken in" 10 \
    sh -c "$GRANTCTL app list | grep -q 'FG-$year-0001'"
run ls "$T/inbox/new"
same "nothing left in new/" "" "$OUT"
run ls "$T/inbox/unsafe"
same "both moved to unsafe/" "1000.fifo
1000.link" "$OUT"
if [ -L "$T/inbox/unsafe/1000.link" ] && [ -p "$T/inbox/unsafe/1000.fifo" ]
then pass "moved as they were"; else fail "moved as they were"; fi
run cat "$T/secret.txt"
has "the link's target untouched" "$secret"
run grep -c "new/1000.link is a symbolic link, not a message; not read, moved to unsafe/" "$T/grantd.log"
same "the link logged once" "1" "$OUT"
run grep -c "new/1000.fifo is not a regular file, not a message; not read, moved to unsafe/" "$T/grantd.log"
same "the FIFO logged once" "1" "$OUT"

# A few more polls: nothing more is logged or taken in.
ok "poll again" $GRANTCTL intake poll
sleep 2
run grep -c "moved to unsafe/" "$T/grantd.log"
same "no more warnings" "2" "$OUT"

ok "quarantine list" $GRANTCTL intake quarantine list
lacks "the secret is not in quarantine" "$secret"
for q in $(echo "$OUT" | awk 'NR > 1 { print $1 }'); do
	ok "quarantine show $q" $GRANTCTL intake quarantine show "$q"
	lacks "the secret is not in quarantine $q" "$secret"
done
run sh -c "$GRANTCTL intake quarantine list | awk 'NR > 1' | wc -l"
same "nothing quarantined" "0" "$OUT"
wait_for "the applicant is acknowledged" 10 sh -c "grep -l -a -F '[FG-$year-0001]' '$T'/sent/new/*"
run sh -c "grep -l -a -F -- '$secret' '$T'/sent/new/* | wc -l"
same "the secret is in no letter" "0" "$OUT"
run sql "SELECT COUNT(*) FROM quarantine WHERE raw LIKE '%$secret%'"
same "nor anywhere in the quarantine table" "0" "$OUT"
finish

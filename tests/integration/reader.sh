# reader.sh: a form written in the applicant's own words, from a mailer
# that hides the sender's address in an encoded word, becomes an
# application; what the reader did not understand is on the application
# as written, for the officer (grantctl --json app show).
. "$top_srcdir/tests/integration/lib.sh"
setup_maildir_intake
open_round

deliver() {	# deliver FILE NAME: as an MTA would, through tmp/
	cp "$1" "$T/inbox/tmp/$2" && mv "$T/inbox/tmp/$2" "$T/inbox/new/$2"
}
# json_get EXPR: EXPR (Python, over the JSON in $OUT as j) printed.
json_get() {
	printf '%s' "$OUT" | /usr/bin/python3 -c "import json, sys
j = json.load(sys.stdin)
print($1)"
}

cat >"$T/cafe.eml" <<'MAIL'
From: =?utf-8?q?Caf=C3=A9_Union_=3Cgroup@example.org=3E?=
To: apply@grants.example.org
Subject: Our application
Message-ID: <cafe-1@example.org>
Date: Tue, 1 Dec 2026 10:00:00 +0000
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

Hi,

1. Name of group: Café Union
2. Type of group: unincorporated community group
3. Main contact: Renée Dubois
4. Where will the project take place: the Union hall, Leeds ls6 2ab
5. What is your project called? Repair Café
6. Tell us about your project: Monthly repair sessions
where volunteers mend bikes and toasters.
7. Which priorities does your project meet: 2, 3
8. How much are you asking for? £450
9. Project start: 1 March 2027
10. When will it finish? 31 August 2027
11. How many people will benefit: 60 neighbours
12. What the money will pay for: tools £300, insurance £150
13. How did you hear about us? A poster
in the library
14. Start and end dates: spring to summer

Thanks,
Renée
MAIL
deliver "$T/cafe.eml" 2001.a
wait_for "the form becomes an application" 10 sh -c "$GRANTCTL app list | grep -q 'FG-$year-0001'"
run sql "SELECT COUNT(*) FROM quarantine"
same "not quarantined for its From" "0" "$OUT"
ok "show it as JSON" $GRANTCTL --json app show "FG-$year-0001"
same "the address from inside the encoded word" "group@example.org" \
    "$(json_get 'j["email"]')"
same "eligible: every answer understood" "eligible" "$(json_get 'j["state"]')"
same "labels read by meaning" "Renée Dubois|60 neighbours|tools £300, insurance £150" \
    "$(json_get '"|".join(j["fields"][k] for k in ("contact_name", "beneficiaries", "budget"))')"
same "the postcode out of the place" "LS6 2AB" "$(json_get 'j["fields"]["postcode"]')"
same "the other questions kept, as written" \
    '[{"label": "Where will the project take place", "answer": "the Union hall, Leeds ls6 2ab"}, {"label": "How did you hear about us?", "answer": "A poster\nin the library"}, {"label": "Start and end dates", "answer": "spring to summer"}]' \
    "$(json_get 'json.dumps(j["unrecognised"], ensure_ascii=False)')"
same "not repeated among the fields" "False" \
    "$(json_get '"unrecognised" in j["fields"]')"

# A form with nothing left over says so with an empty list.
sed -e 's/^14\..*//' -e 's/^13\..*//' -e 's/^in the library$//' \
    -e 's/^4\. .*/4. Postcode: LS6 2AB/' \
    -e 's/cafe-1@/cafe-2@/' "$T/cafe.eml" >"$T/cafe2.eml"
deliver "$T/cafe2.eml" 2002.b
wait_for "a second application" 10 sh -c "$GRANTCTL app list | grep -q 'FG-$year-0002'"
ok "show the second" $GRANTCTL --json app show "FG-$year-0002"
same "nothing unrecognised" "[]" "$(json_get 'json.dumps(j["unrecognised"])')"
finish

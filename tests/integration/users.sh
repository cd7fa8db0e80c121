# users.sh: users and roles by Unix uid; callers with no user or the wrong
# role are refused by grantd itself.
. "$top_srcdir/tests/integration/lib.sh"
setup

ok "the migrating uid became admin" $GRANTCTL user list
has "admin listed" "admin"
ok "add an assessor" $GRANTCTL user add nobody --uid 65534 --role assessor
same "add says so" "Added user nobody (uid 65534) with roles assessor." "$OUT"
fails "assessor cannot create a fund" 1 "user nobody (roles: assessor) may not do this; it needs one of: officer" \
    as_nobody $GRANTCTL fund create FG --name x --budget 1
ok "assessor can read" as_nobody $GRANTCTL fund list
fails "assessor cannot add users" 1 "it needs one of: admin" \
    as_nobody $GRANTCTL user add eve --uid 4242 --role admin
fails "duplicate uid" 1 "user nobody already has that uid" \
    $GRANTCTL user add other --uid 65534 --role officer
fails "duplicate name" 1 "user nobody already has that name" \
    $GRANTCTL user add nobody --uid 4243 --role officer
fails "unknown role" 1 "unknown role 'boss'" \
    $GRANTCTL user add bob --uid 4244 --role officer,boss
fails "uid not a number" 2 "--uid must be a number" \
    $GRANTCTL user add bob --uid bob --role officer
ok "several roles" $GRANTCTL user add fin --uid 4245 --role finance,officer \
    --email fin@example.org
has "roles kept in canonical order" "officer,finance"
fails "bad email" 1 "is not an email address" \
    $GRANTCTL user add bad --uid 4246 --role officer --email "a@b>x"

# A uid with no grantd user at all.
sql "DELETE FROM users WHERE uid = 65534" >/dev/null
fails "no user: 403" 1 "uid 65534 is not a grantd user" \
    as_nobody $GRANTCTL fund list
ok "but anyone may ask for status" as_nobody $GRANTCTL status
has "status shows the database" "database       up"
finish

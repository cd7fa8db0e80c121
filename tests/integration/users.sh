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

# Access is revoked and restored without SQL.
ok "disable a user" $GRANTCTL user disable nobody
same "disable says so" "nobody is disabled, with roles assessor." "$OUT"
fails "a disabled user is refused" 1 "uid 65534 is not a grantd user" \
    as_nobody $GRANTCTL fund list
ok "list shows who is disabled" $GRANTCTL user list
same "disabled row" "nobody  65534  assessor         no      daily" \
    "$(printf '%s\n' "$OUT" | grep '^nobody' | sed 's/ *$//')"
ok "enable again" $GRANTCTL user enable nobody
ok "enabled user reads again" as_nobody $GRANTCTL fund list
ok "change roles" $GRANTCTL user role nobody --set officer,assessor
same "role says so" "nobody is enabled, with roles officer,assessor." "$OUT"
ok "the new role works" as_nobody $GRANTCTL fund create NB --name "By nobody" \
    --budget 1
fails "roles must be known" 1 "unknown role 'boss'" \
    $GRANTCTL user role nobody --set boss
fails "role needs --set" 2 "user role needs --set" $GRANTCTL user role nobody
fails "only admins change access" 1 "it needs one of: admin" \
    as_nobody $GRANTCTL user disable fin
fails "no such user" 1 "no user ghost" $GRANTCTL user disable ghost
admin=$(sql "SELECT name FROM users WHERE roles LIKE '%admin%'")
fails "the last admin cannot be disabled" 1 "$admin is the last admin" \
    $GRANTCTL user disable "$admin"
fails "nor lose admin" 1 "$admin is the last admin" \
    $GRANTCTL user role "$admin" --set officer
ok "a second admin" $GRANTCTL user role fin --set admin
ok "then the first may step down" $GRANTCTL user role "$admin" --set officer,admin
ok "access changes are audited" $GRANTCTL audit list --entity nobody
has "audit names the change" "user.access"

# A uid with no grantd user at all.
sql "DELETE FROM users WHERE uid = 65534" >/dev/null
fails "no user: 403" 1 "uid 65534 is not a grantd user" \
    as_nobody $GRANTCTL fund list
ok "but anyone may ask for status" as_nobody $GRANTCTL status
has "status shows the database" "database       up"
finish

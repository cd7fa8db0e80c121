# migrate.sh: schema migrations apply once, in order, and grantd refuses to
# start on a schema it does not match.
. "$top_srcdir/tests/integration/lib.sh"
write_config
V=$(ls "$top_srcdir"/sql/[0-9][0-9][0-9]-*.sql | wc -l)
NEXT=$(printf '%03d' $((V + 1)))
mariadb_sql "$GRANTD_TEST_DB_DIR" "CREATE DATABASE \`$DB\`"

fails "an empty database is refused" 1 "the database has no grantd schema yet: run grantd -c FILE --migrate" \
    "$GRANTD" -c "$T/grantd.conf" -f
ok "migrate" "$GRANTD" -c "$T/grantd.conf" --migrate
ok "migrate again is harmless" "$GRANTD" -c "$T/grantd.conf" --migrate
run sql "SELECT version, CHAR_LENGTH(checksum) FROM schema_migrations"
same "recorded in order with checksums" "$(seq 1 "$V" | sed 's/$/\t64/')" "$OUT"
run sql "SELECT COUNT(*) FROM users WHERE roles = 'admin'"
same "one first admin" "1" "$OUT"

# Migrations are read from a copy we can tamper with.
mkdir "$T/sql"
cp "$top_srcdir"/sql/*.sql "$T/sql/"
sed -i "s|^migrations = .*|migrations = $T/sql|" "$T/grantd.conf"
echo "-- edited" >>"$T/sql/001-foundation.sql"
fails "an edited applied migration is refused" 1 "migration 001-foundation.sql was changed after it was applied" \
    "$GRANTD" -c "$T/grantd.conf" -f
cp "$top_srcdir"/sql/001-foundation.sql "$T/sql/"

printf 'CREATE TABLE later (id INT);\n' >"$T/sql/$NEXT-later.sql"
fails "a migration newer than the binary stops the start" 1 "migration $NEXT-later.sql is newer than this grantd (version $V): install the newer grantd, or remove the file" \
    "$GRANTD" -c "$T/grantd.conf" -f
fails "and is not applied" 1 "migration $NEXT-later.sql is newer than this grantd" \
    "$GRANTD" -c "$T/grantd.conf" --migrate
rm "$T/sql/$NEXT-later.sql"

# A pending migration the binary knows: simulate by forgetting the last.
last=$(ls "$top_srcdir"/sql/[0-9][0-9][0-9]-*.sql | tail -1)
sql "DELETE FROM schema_migrations WHERE version = $V"
fails "a pending migration is refused" 1 "1 schema migration pending: run grantd -c FILE --migrate" \
    "$GRANTD" -c "$T/grantd.conf" -f

sql "INSERT INTO schema_migrations (version, name, checksum) SELECT $V, '$(basename "$last")', '$(sha256sum "$last" | cut -d' ' -f1)'"
sql "INSERT INTO schema_migrations (version, name, checksum) VALUES (99, '099-future.sql', REPEAT('a', 64))"
fails "a newer schema is refused" 1 "the database schema (version 99) is newer than this grantd (version $V)" \
    "$GRANTD" -c "$T/grantd.conf" -f
finish

# templates.sh: every letter grantd can send, rendered by `grantctl
# template preview NAME` with the example values, must equal
# tests/golden/templates/NAME.txt byte for byte; and there is a golden file
# for each template grantd loads, no more, no fewer.
#
# To accept a deliberate change to a template or to the renderer, run this
# test with GOLDEN_UPDATE=1 in the environment (make check
# TESTS=tests/integration/templates.sh GOLDEN_UPDATE=1); it rewrites the
# golden files, and git diff shows what changed.
. "$top_srcdir/tests/integration/lib.sh"
setup

ok "list the templates" $GRANTCTL --json template list
names=$(printf '%s' "$OUT" | /usr/bin/python3 -c '
import json, sys
for t in json.load(sys.stdin)["templates"]:
    print(t["name"])')
same "twenty-seven letters" 27 "$(printf '%s\n' "$names" | wc -l)"
for name in $names; do
	# Straight to a file: $(...) would drop trailing blank lines.
	if $GRANTCTL template preview "$name" >"$T/$name.txt" 2>"$T/stderr"
	then
		golden "$name as previewed" "templates/$name.txt" "$T/$name.txt"
	else
		fail "preview $name" "$(cat "$T/stderr")"
	fi
done
if [ "${GOLDEN_UPDATE:-}" != 1 ]; then
	extra=$(cd "$top_srcdir/tests/golden/templates" && ls | sed 's/\.txt$//' |
	    grep -v -x -F "$names")
	same "no golden file for a letter that is gone" "" "$extra"
fi
finish

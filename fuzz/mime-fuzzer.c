/*
 * mime-fuzzer.c: libFuzzer target for mail intake, the path a stranger's
 * bytes take: mime_parse, then the Authentication-Results the receiving
 * server may have written, then form_extract on the body, then
 * form_problems against a round like Fast Grants, and the readers of
 * replies (a monitoring return, an answer to an offer) on the same body,
 * since a reply can hold anything. Everything is freed, so
 * LeakSanitizer catches what a long-running daemon would slowly lose.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "grant.h"
#include "mail/mime.h"
#include "mail/form.h"
#include "mail/mail.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct mime_limits	 lim = { 4096, 8192 };
	struct form_rules		 rules = { 50000, 100, NULL };
	struct mime_message		*m;
	struct trust_auth		 auth;
	json_t				*fields, *more, *merged, *problems;
	char				 err[GRANT_ERRLEN], *text;

	/* The form reader also sees raw text: a body can hold anything. */
	text = xmalloc(size + 1);
	memcpy(text, data, size);
	text[size] = '\0';
	json_decref(form_extract(text));
	json_decref(form_accept_read(text));
	json_decref(form_monitor_read(text, NULL));
	free(text);
	if (mime_parse((const char *)data, size, &lim, &m, err,
	    sizeof err) != 0)
		return 0;
	trust_auth_check(m, "mx.example.org, mx2.example.org", &auth);
	rules.priorities = json_pack("[ssss]",
	    "Supporting the community to be fit and healthy",
	    "Developing skills of local people",
	    "Changing the area for the better",
	    "Encouraging community participation");
	fields = form_extract(m->body);
	more = form_extract(m->subject);
	merged = form_merge(fields, more);
	(void)form_has_form(merged);
	problems = form_problems(merged, &rules);
	json_decref(problems);
	json_decref(merged);
	json_decref(more);
	json_decref(fields);
	json_decref(rules.priorities);
	mime_free(m);
	return 0;
}

/* cmd-assess.c: grantctl assess conflict|assign|list|score|import */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grantctl.h"

#define ASSESS_CSV_MAX	(4 << 20)	/* a panel's sheet is far smaller */

int
cmd_assess_conflict(struct args *a)
{
	json_t	*body, *r;

	if (!args_has(a, "reason"))
		return cmd_usage_error("assess conflict needs --reason");
	body = json_pack("{s:s,s:s}", "reference", a->argv[0], "reason",
	    args_get(a, "reason"));
	if (args_has(a, "user"))
		json_object_set_new(body, "user",
		    json_string(args_get(a, "user")));
	r = client_call("POST", "/v1/assess/conflicts", body);
	json_decref(body);
	if (r == NULL)
		return CMD_FAILED;
	if (cmd_json)
		return output_result(r);
	printf("Conflict declared: %s will not assess %s.\n", out_str(r, "user"),
	    out_str(r, "reference"));
	json_decref(r);
	return CMD_OK;
}

int
cmd_assess_assign(struct args *a)
{
	json_t		*body, *r, *x;
	struct table	*t;
	const char	*n = args_get(a, "per-app");
	char		*end;
	long		 per;
	size_t		 i;

	if (n == NULL)
		return cmd_usage_error("assess assign needs --per-app N");
	per = strtol(n, &end, 10);
	if (*n == '\0' || *end != '\0' || per < 1 || per > 1000)
		return cmd_usage_error("--per-app must be a number, not '%s'", n);
	body = json_pack("{s:s,s:i}", "round", a->argv[0], "per_app", (int)per);
	r = client_call("POST", "/v1/assess/assign", body);
	json_decref(body);
	if (r == NULL)
		return CMD_FAILED;
	if (cmd_json)
		return output_result(r);
	printf("Assigned %s application%s of %s, %s assessor%s each.\n",
	    out_str(r, "applications"), json_integer_value(json_object_get(r,
	    "applications")) == 1 ? "" : "s", out_str(r, "round"),
	    out_str(r, "per_app"), per == 1 ? "" : "s");
	json_array_foreach(json_object_get(r, "not_emailed"), i, x)
		printf("%s has no email address, so was sent nothing: they see "
		    "their applications with grantctl assess list.\n",
		    out_escape(json_string_value(x), 0));
	t = table_new(2, "ASSESSOR", "APPLICATIONS IN ROUND");
	json_array_foreach(json_object_get(r, "loads"), i, x)
		table_add(t, out_str(x, "assessor"), out_str(x, "load"));
	table_print(t);
	json_decref(r);
	return CMD_OK;
}

int
cmd_assess_list(struct args *a)
{
	json_t		*r, *x;
	struct table	*t;
	size_t		 i;

	if ((r = client_get_query("/v1/assess", a, "mine", "round", NULL))
	    == NULL)
		return CMD_FAILED;
	if (cmd_json)
		return output_result(r);
	t = table_new(5, "ASSESSOR", "REFERENCE", "ORGANISATION", "ROUND",
	    "SCORED");
	json_array_foreach(json_object_get(r, "assignments"), i, x)
		table_add(t, out_str(x, "assessor"), out_str(x, "reference"),
		    out_str(x, "organisation"), out_str(x, "round"),
		    json_integer_value(json_object_get(x, "scored")) ? "yes" :
		    "no");
	table_print(t);
	json_decref(r);
	return CMD_OK;
}

/* One assessor's scores, each criterion on its line. */
static void
assess_print_scores(json_t *r)
{
	json_t	*x;
	size_t	 i;

	json_array_foreach(json_object_get(r, "criteria"), i, x)
		printf("  %s. %s (weight %s%%): %s\n", out_str(x, "number"),
		    out_str(x, "criterion"), out_str(x, "weight"),
		    out_str(x, "score"));
	if (json_is_string(json_object_get(r, "weighted")))
		printf("Weighted score: %s out of %s\n", out_str(r, "weighted"),
		    out_str(r, "scale_max"));
}

int
cmd_assess_score(struct args *a)
{
	json_t	*body, *r;

	if (!args_has(a, "criterion"))
		return cmd_usage_error("assess score needs --criterion "
		    "NAME=SCORE (once for each criterion)");
	body = json_pack("{s:s,s:o}", "reference", a->argv[0], "scores",
	    args_list(a, "criterion"));
	if (args_has(a, "comment"))
		json_object_set_new(body, "comment",
		    json_string(args_get(a, "comment")));
	r = client_call("POST", "/v1/assess/scores", body);
	json_decref(body);
	if (r == NULL)
		return CMD_FAILED;
	if (cmd_json)
		return output_result(r);
	printf("Scores recorded for %s:\n", out_str(r, "reference"));
	assess_print_scores(r);
	json_decref(r);
	return CMD_OK;
}

int
cmd_assess_import(struct args *a)
{
	json_t	*body, *r, *csv;
	char	*text;
	size_t	 len;

	if ((text = file_read(a->argv[0], ASSESS_CSV_MAX + 1, &len)) == NULL) {
		fprintf(stderr, "grantctl: %s: %s\n", a->argv[0],
		    strerror(errno));
		return CMD_FAILED;
	}
	if (len > ASSESS_CSV_MAX || strlen(text) != len ||
	    (csv = json_string(text)) == NULL) {
		fprintf(stderr, "grantctl: %s: %s\n", a->argv[0], len >
		    ASSESS_CSV_MAX ? "too large for a panel's scores" :
		    "not text in UTF-8 (save the sheet as \"CSV UTF-8\")");
		free(text);
		return CMD_FAILED;
	}
	free(text);
	body = json_pack("{s:o}", "csv", csv);
	r = client_call("POST", "/v1/assess/import", body);
	json_decref(body);
	if (r == NULL)
		return CMD_FAILED;
	if (cmd_json)
		return output_result(r);
	printf("Imported %s row%s of scores.\n", out_str(r, "rows"),
	    json_integer_value(json_object_get(r, "rows")) == 1 ? "" : "s");
	json_decref(r);
	return CMD_OK;
}

/* The panel's scores in "app show": as much as grantd let the caller see. */
void
assess_show(json_t *s)
{
	struct table	*t;
	json_t		*x, *v;
	size_t		 i, j;
	char		 line[256];

	if (s == NULL)
		return;
	printf("\nAssessment:\n");
	t = table_new(4, "ASSESSOR", "SCORES", "WEIGHTED", "COMMENT");
	json_array_foreach(json_object_get(s, "assessors"), i, x) {
		*line = '\0';
		json_array_foreach(json_object_get(x, "scores"), j, v)
			snprintf(line + strlen(line), sizeof line -
			    strlen(line), "%s%lld", j > 0 ? " " : "",
			    (long long)json_integer_value(v));
		table_add(t, out_str(x, "name"), json_is_true(json_object_get(x,
		    "scored")) ? line : "not yet scored",
		    json_is_true(json_object_get(x, "scored")) ?
		    out_str(x, "weighted_text") : "-", out_str(x, "comment"));
	}
	table_print(t);
	if (json_object_get(s, "mean") == NULL)
		return;
	printf("\n");
	t = table_new(3, "CRITERION", "WEIGHT", "MEAN");
	json_array_foreach(json_object_get(s, "criteria"), i, x)
		table_add(t, out_str(x, "name"), out_str(x, "weight"),
		    out_str(x, "mean_text"));
	table_print(t);
	printf("\n");
	out_field("scored by", out_str(s, "count"));
	out_field("total", out_str(s, "total_text"));
	out_field("mean", out_str(s, "mean_text"));
	out_field("moderation", json_is_true(json_object_get(s,
	    "moderation")) ? "needed: scores on a criterion are far apart" :
	    "no");
}

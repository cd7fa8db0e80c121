/*
 * rounds.c: the API of rounds. The rules are in the round module; each
 * handler reads the request, calls it, and answers with the round.
 */
#include <string.h>

#include "core/core.h"
#include "api/api.h"
#include "domain/domain.h"

/* Answer with the round as it now is; the change is already committed. */
static void
api_round_answer(struct api_req *r, int status, const char *code)
{
	struct dom_err	 e;
	json_t		*round;

	if ((round = round_show(code, &e)) == NULL)
		round = json_pack("{s:s}", "code", code);
	api_reply(r, status, round);
}

static void
api_round_create(struct api_req *r)
{
	struct dom_err	e;
	char		code[ROUND_CODE_LEN];

	if (round_create(r->user_name, r->body, code, &e) == -1)
		api_fail(r, &e);
	else
		api_round_answer(r, 201, code);
}

static void
api_round_list(struct api_req *r)
{
	struct dom_err	e;

	api_list(r, "rounds", round_list(api_query(r, "fund"),
	    api_query(r, "state"), &e), &e);
}

static void
api_round_show(struct api_req *r)
{
	struct dom_err	e;

	api_result(r, 200, round_show(r->parts[2], &e), &e);
}

/* POST /v1/rounds/CODE/transition {"to": "open"} */
static void
api_round_transition(struct api_req *r)
{
	struct dom_err	e;
	const char	*to = api_str(r, "to");

	/* Deciding a round has rules of its own (decision.c). */
	if (to != NULL && strcmp(to, "decided") == 0) {
		json_t *done = decide_round(r->user_name, r->parts[2], 0, &e);

		if (done == NULL)
			api_fail(r, &e);
		else {
			json_decref(done);
			api_round_answer(r, 200, r->parts[2]);
		}
		return;
	}
	if (round_move(r->user_name, r->parts[2], api_str(r, "to"), &e) == -1)
		api_fail(r, &e);
	else
		api_round_answer(r, 200, r->parts[2]);
}

/* POST /v1/rounds/CODE {title, opens, ...}: change a draft round. */
static void
api_round_edit(struct api_req *r)
{
	struct dom_err	e;

	if (round_edit(r->user_name, r->parts[2], r->body, &e) == -1)
		api_fail(r, &e);
	else
		api_round_answer(r, 200, r->parts[2]);
}

/* GET /v1/rounds/CODE/ranking */
static void
api_round_ranking(struct api_req *r)
{
	struct dom_err	e;

	api_result(r, 200, rank_round(r->parts[2], &e), &e);
}

/* POST /v1/rounds/CODE/decide {"accept_recommendation": true} */
static void
api_round_decide(struct api_req *r)
{
	struct dom_err	e;

	api_result(r, 200, decide_round(r->user_name, r->parts[2],
	    json_is_true(json_object_get(r->body, "accept_recommendation")),
	    &e), &e);
}

/* GET /v1/rounds/CODE/sla */
static void
api_round_sla(struct api_req *r)
{
	struct dom_err	e;

	api_result(r, 200, decide_sla(r->parts[2], &e), &e);
}

/* POST /v1/rounds/CODE/recheck: the rules again on every live application. */
static void
api_round_recheck(struct api_req *r)
{
	struct dom_err	e;

	api_result(r, 200, elig_recheck(r->user_name, r->parts[2], &e), &e);
}

const struct api_route api_round_routes[] = {
	{ "POST", "/v1/rounds/*", ROLE_OFFICER, api_round_edit },
	{ "GET", "/v1/rounds", ROLE_ANY, api_round_list },
	{ "POST", "/v1/rounds", ROLE_OFFICER, api_round_create },
	{ "GET", "/v1/rounds/*", ROLE_ANY, api_round_show },
	{ "POST", "/v1/rounds/*/transition", ROLE_OFFICER, api_round_transition },
	{ "GET", "/v1/rounds/*/ranking", ROLE_OFFICER, api_round_ranking },
	{ "POST", "/v1/rounds/*/decide", ROLE_OFFICER, api_round_decide },
	{ "GET", "/v1/rounds/*/sla", ROLE_OFFICER, api_round_sla },
	{ "POST", "/v1/rounds/*/recheck", ROLE_OFFICER, api_round_recheck },
	{ NULL, NULL, 0, NULL }
};

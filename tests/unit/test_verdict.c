/* Unit tests for common/verdict.c: every outcome, and missing fields. */
#include <jansson.h>

#include "testlib.h"
#include "verdict.h"

static const char *
outcome(const char *artifact, const char *chain, char *reason,
    size_t reasonlen)
{
	static char what[32];
	json_t *a = json_loads(artifact, 0, NULL);
	json_t *c = json_loads(chain, 0, NULL);
	json_t *v = verdict_for(a, c);

	snprintf(what, sizeof(what), "%s",
	    json_string_value(json_object_get(v, "verdict")));
	snprintf(reason, reasonlen, "%s",
	    json_string_value(json_object_get(v, "reason")));
	json_decref(a);
	json_decref(c);
	json_decref(v);
	return what;
}

static void
test_outcomes(void)
{
	const char *chain = "{\"spec_name\": \"rococo\", \"spec_version\": 9140}";
	char why[400];

	CHECK_STR(outcome("{\"spec_name\": \"rococo\", \"spec_version\": 9141}",
	    chain, why, sizeof(why)), "ready");
	CHECK(strstr(why, "9141 upgrades the chain's 9140") != NULL);
	CHECK_STR(outcome("{\"spec_name\": \"rococo\", \"spec_version\": 9140}",
	    chain, why, sizeof(why)), "nothing_to_do");
	CHECK_STR(outcome("{\"spec_name\": \"rococo\", \"spec_version\": 9139}",
	    chain, why, sizeof(why)), "refused");
	CHECK(strstr(why, "SpecVersionNeedsToIncrease") != NULL);
	CHECK_STR(outcome("{\"spec_name\": \"kusama\", \"spec_version\": 9999}",
	    chain, why, sizeof(why)), "refused");
	CHECK(strstr(why, "InvalidSpecName") != NULL);
	CHECK_STR(outcome("{\"compressed\": true}", chain, why, sizeof(why)),
	    "refused");
	CHECK(strstr(why, "FailedToExtractRuntimeVersion") != NULL);
	CHECK_STR(outcome("{\"spec_name\": \"rococo\", \"spec_version\": 9141}",
	    "{}", why, sizeof(why)), "refused");
	CHECK(strstr(why, "GET /api/chain") != NULL);
	CHECK_STR(outcome("{\"spec_name\": \"rococo\", \"spec_version\": "
	    "\"9141\"}", chain, why, sizeof(why)), "refused");
}

int
main(void)
{
	RUN(test_outcomes);
	return testlib_summary();
}

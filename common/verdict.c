#include "verdict.h"

#include <stdio.h>
#include <string.h>

static json_t *
verdict(const char *what, const char *reason)
{
	return json_pack("{s:s, s:s}", "verdict", what, "reason", reason);
}

json_t *
verdict_for(const json_t *artifact_runtime, const json_t *chain_runtime)
{
	const char *name = json_string_value(json_object_get(artifact_runtime,
	    "spec_name"));
	const char *chain_name = json_string_value(json_object_get(
	    chain_runtime, "spec_name"));
	const json_t *version = json_object_get(artifact_runtime,
	    "spec_version");
	const json_t *chain_version = json_object_get(chain_runtime,
	    "spec_version");
	char reason[320];

	if (name == NULL || !json_is_integer(version))
		return verdict("refused", "the runtime has no runtime_version "
		    "section, so the chain would refuse it "
		    "(FailedToExtractRuntimeVersion); build it with "
		    "substrate-wasm-builder");
	if (chain_name == NULL || !json_is_integer(chain_version))
		return verdict("refused", "the chain's runtime version is "
		    "unknown; check GET /api/chain");
	json_int_t ours = json_integer_value(version);
	json_int_t theirs = json_integer_value(chain_version);
	if (strcmp(name, chain_name) != 0) {
		snprintf(reason, sizeof(reason), "spec_name \"%.60s\" is not "
		    "the chain's \"%.60s\" (InvalidSpecName): this runtime is "
		    "for another chain", name, chain_name);
		return verdict("refused", reason);
	}
	if (ours == theirs) {
		snprintf(reason, sizeof(reason), "the chain already runs "
		    "%.60s spec_version %lld", name, (long long)ours);
		return verdict("nothing_to_do", reason);
	}
	if (ours < theirs) {
		snprintf(reason, sizeof(reason), "spec_version %lld is lower "
		    "than the chain's %lld (SpecVersionNeedsToIncrease): bump "
		    "spec_version in the runtime and build again",
		    (long long)ours, (long long)theirs);
		return verdict("refused", reason);
	}
	snprintf(reason, sizeof(reason), "spec_version %lld upgrades the "
	    "chain's %lld", (long long)ours, (long long)theirs);
	return verdict("ready", reason);
}

/* The forms a node answers with: Option<OpaqueMetadata>, OpaqueMetadata,
 * the raw blob, each as bytes or as hex text. */
#include "metadata.h"

#include "scale.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool
metadata_unwrap_opaque(const uint8_t *in, size_t len, const uint8_t **blob,
    size_t *blob_len, char *err, size_t errlen)
{
	struct scale_reader r;
	bool some;
	char why[SCALE_WHY_MAX + 32];

	*blob = NULL;
	*blob_len = 0;
	scale_reader_init(&r, in, len);
	if (!scale_read_option_tag(&r, &some)) {
		snprintf(err, errlen, "Option<OpaqueMetadata>: %s",
		    scale_error(&r, why, sizeof(why)));
		return false;
	}
	if (!some) {
		snprintf(err, errlen, "Option<OpaqueMetadata> is None: the node "
		    "does not offer that metadata version");
		return false;
	}
	if (!scale_read_bytes(&r, blob, blob_len, METADATA_MAX_BYTES) ||
	    !scale_expect_end(&r)) {
		snprintf(err, errlen, "Option<OpaqueMetadata>: %s",
		    scale_error(&r, why, sizeof(why)));
		*blob = NULL;
		*blob_len = 0;
		return false;
	}
	return true;
}

static int
hex_digit(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

uint8_t *
metadata_unhex(const char *text, size_t len, size_t max, size_t *out_len,
    char *err, size_t errlen)
{
	uint8_t *out;
	size_t i, n;

	*out_len = 0;
	while (len > 0 && isspace((unsigned char)text[0])) {
		text++;
		len--;
	}
	while (len > 0 && isspace((unsigned char)text[len - 1]))
		len--;
	if (len >= 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
		text += 2;
		len -= 2;
	}
	if (len % 2 != 0) {
		snprintf(err, errlen, "hex: odd number of digits (%zu)", len);
		return NULL;
	}
	n = len / 2;
	if (n > max) {
		snprintf(err, errlen, "hex: %zu bytes is over the %zu limit", n,
		    max);
		return NULL;
	}
	out = malloc(n > 0 ? n : 1);
	if (out == NULL) {
		snprintf(err, errlen, "hex: out of memory");
		return NULL;
	}
	for (i = 0; i < n; i++) {
		int hi = hex_digit((unsigned char)text[2 * i]);
		int lo = hex_digit((unsigned char)text[2 * i + 1]);

		if (hi < 0 || lo < 0) {
			snprintf(err, errlen, "hex: not a hex digit at "
			    "position %zu", 2 * i + (hi < 0 ? 0 : 1));
			free(out);
			return NULL;
		}
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	*out_len = n;
	return out;
}

static bool
has_magic(const uint8_t *b, size_t n)
{
	return n >= 4 && b[0] == 'm' && b[1] == 'e' && b[2] == 't' &&
	    b[3] == 'a';
}

/* OpaqueMetadata without the Option: a compact length, then the blob. */
static bool
unwrap_vec(const uint8_t *in, size_t len, const uint8_t **blob,
    size_t *blob_len)
{
	struct scale_reader r;

	scale_reader_init(&r, in, len);
	return scale_read_bytes(&r, blob, blob_len, METADATA_MAX_BYTES) &&
	    scale_expect_end(&r) && has_magic(*blob, *blob_len);
}

static struct metadata *
decode_binary(const uint8_t *data, size_t len, char *err, size_t errlen)
{
	const uint8_t *blob;
	size_t blob_len;
	char why[256];

	if (has_magic(data, len))
		return metadata_decode(data, len, err, errlen);
	if (len > 0 && data[0] <= 1 && metadata_unwrap_opaque(data, len,
	    &blob, &blob_len, why, sizeof(why))) {
		if (has_magic(blob, blob_len))
			return metadata_decode(blob, blob_len, err, errlen);
	} else if (len > 0 && data[0] == 0) {
		snprintf(err, errlen, "%s", why);
		return NULL;
	}
	if (unwrap_vec(data, len, &blob, &blob_len))
		return metadata_decode(blob, blob_len, err, errlen);
	snprintf(err, errlen, "metadata: neither a raw blob (\"meta\" magic), "
	    "nor Option<OpaqueMetadata>, nor OpaqueMetadata");
	return NULL;
}

static bool
looks_like_hex(const uint8_t *data, size_t len)
{
	size_t i = 0;

	while (i < len && isspace(data[i]))
		i++;
	if (i + 2 <= len && data[i] == '0' && (data[i + 1] == 'x' ||
	    data[i + 1] == 'X'))
		i += 2;
	if (i == len)
		return false;
	for (; i < len; i++)
		if (hex_digit(data[i]) < 0 && !isspace(data[i]))
			return false;
	return true;
}

struct metadata *
metadata_decode_any(const uint8_t *data, size_t len, char *err,
    size_t errlen)
{
	struct metadata *md;
	uint8_t *bin;
	size_t bin_len;

	if (data == NULL) {
		snprintf(err, errlen, "metadata: no input");
		return NULL;
	}
	if (!looks_like_hex(data, len))
		return decode_binary(data, len, err, errlen);
	bin = metadata_unhex((const char *)data, len, METADATA_MAX_BYTES + 16,
	    &bin_len, err, errlen);
	if (bin == NULL)
		return NULL;
	md = decode_binary(bin, bin_len, err, errlen);
	free(bin);
	return md;
}

/* Numbers and layouts both directions of the value codec share: big
 * integers as decimal text, byte strings, bit sequence stores. */
#include "scale_value_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool
le_is_negative(const uint8_t *le, size_t n)
{
	return n > 0 && (le[n - 1] & 0x80) != 0;
}

/* le = -le, two's complement, in place. */
static void
le_negate(uint8_t *le, size_t n)
{
	unsigned carry = 1;
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned v = (uint8_t)~le[i] + carry;

		le[i] = (uint8_t)v;
		carry = v >> 8;
	}
}

void
sv_le_to_decimal(const uint8_t *le, size_t n, bool is_signed, char *out)
{
	uint8_t num[32];
	char digits[SV_DEC_MAX];
	size_t nd = 0, i, o = 0;
	bool neg = false, zero;

	if (n > sizeof(num))
		n = sizeof(num);
	memcpy(num, le, n);
	if (is_signed && le_is_negative(num, n)) {
		neg = true;
		le_negate(num, n);
	}
	/* Repeated division by 10, most significant byte first. */
	do {
		unsigned rem = 0;

		zero = true;
		for (i = n; i-- > 0;) {
			unsigned cur = rem << 8 | num[i];

			num[i] = (uint8_t)(cur / 10);
			rem = cur % 10;
			if (num[i] != 0)
				zero = false;
		}
		digits[nd++] = (char)('0' + rem);
	} while (!zero && nd < sizeof(digits) - 1);
	if (neg)
		out[o++] = '-';
	while (nd > 0)
		out[o++] = digits[--nd];
	out[o] = '\0';
}

bool
sv_decimal_to_le(const char *s, uint8_t *le, size_t n, bool is_signed)
{
	bool neg = false;
	uint8_t limit[32];
	size_t i;

	memset(le, 0, n);
	if (n == 0 || n > sizeof(limit))
		return false;
	if (*s == '-') {
		if (!is_signed)
			return false;
		neg = true;
		s++;
	}
	if (*s == '\0' || (s[0] == '0' && s[1] != '\0'))
		return false;	/* no digits, or a leading zero */
	for (; *s != '\0'; s++) {
		unsigned carry;

		if (*s < '0' || *s > '9')
			return false;
		carry = (unsigned)(*s - '0');
		for (i = 0; i < n; i++) {
			unsigned v = le[i] * 10u + carry;

			le[i] = (uint8_t)v;
			carry = v >> 8;
		}
		if (carry != 0)
			return false;
	}
	if (!is_signed)
		return true;
	/* Signed: magnitude at most 2^(8n-1)-1, or 2^(8n-1) when negative. */
	memset(limit, 0, n);
	limit[n - 1] = 0x80;
	for (i = n; i-- > 0;) {
		if (le[i] != limit[i]) {
			if (le[i] > limit[i])
				return false;
			break;
		}
		if (i == 0 && !neg)
			return false;	/* exactly 2^(8n-1) */
	}
	if (neg)
		le_negate(le, n);
	return true;
}

size_t
sv_path_push(struct sv_path *p, const char *name, size_t index)
{
	size_t old = p->len;
	int n;

	if (name != NULL)
		n = snprintf(p->text + old, sizeof(p->text) - old, ".%s", name);
	else
		n = snprintf(p->text + old, sizeof(p->text) - old, "[%zu]",
		    index);
	if (n > 0)
		p->len = old + (size_t)n < sizeof(p->text) ? old + (size_t)n :
		    sizeof(p->text) - 1;
	return old;
}

void
sv_path_pop(struct sv_path *p, size_t old)
{
	p->len = old;
	p->text[old] = '\0';
}

bool
sv_is_u8(const struct metadata *md, uint32_t type)
{
	const struct md_type *t = metadata_type(md, type);

	return t != NULL && t->def == MD_PRIMITIVE && t->prim == MD_U8;
}

size_t
sv_prim_width(enum md_prim prim)
{
	switch (prim) {
	case MD_U8: case MD_I8: return 1;
	case MD_U16: case MD_I16: return 2;
	case MD_U32: case MD_I32: return 4;
	case MD_U64: case MD_I64: return 8;
	case MD_U128: case MD_I128: return 16;
	case MD_U256: case MD_I256: return 32;
	default: return 0;
	}
}

bool
sv_prim_signed(enum md_prim prim)
{
	return prim >= MD_I8 && prim <= MD_I256;
}

bool
sv_bitseq_layout(const struct metadata *md, const struct md_type *t,
    size_t *width, bool *msb0, char *err, size_t errlen)
{
	const struct md_type *store = metadata_type(md, t->bit_store);
	const struct md_type *order = metadata_type(md, t->bit_order);
	size_t plen;

	*width = 0;
	*msb0 = false;
	if (store == NULL || store->def != MD_PRIMITIVE ||
	    store->prim < MD_U8 || store->prim > MD_U64) {
		snprintf(err, errlen, "bit sequence store type %u is not u8, "
		    "u16, u32 or u64", t->bit_store);
		return false;
	}
	*width = sv_prim_width(store->prim);
	plen = order != NULL ? strlen(order->path) : 0;
	if (plen >= 4 && strcmp(order->path + plen - 4, "Msb0") == 0)
		*msb0 = true;
	else if (!(plen >= 4 && strcmp(order->path + plen - 4, "Lsb0") == 0)) {
		snprintf(err, errlen, "bit sequence order type %u is neither "
		    "Lsb0 nor Msb0", t->bit_order);
		return false;
	}
	return true;
}

const struct md_type *
sv_event_record_type(const struct metadata *md, uint32_t *vec_type)
{
	const struct md_storage_entry *e = metadata_storage(md, "System",
	    "Events");
	const struct md_type *vec, *rec;

	*vec_type = METADATA_NO_TYPE;
	if (e == NULL || e->is_map)
		return NULL;
	vec = metadata_type(md, e->value);
	if (vec == NULL || vec->def != MD_SEQUENCE)
		return NULL;
	rec = metadata_type(md, vec->elem);
	if (rec == NULL || rec->def != MD_COMPOSITE)
		return NULL;
	*vec_type = e->value;
	return rec;
}

json_t *
scale_value_hex(const uint8_t *data, size_t len)
{
	static const char digits[] = "0123456789abcdef";
	char *s;
	json_t *j;
	size_t i;

	if (len > (SIZE_MAX - 3) / 2)
		return NULL;
	s = malloc(2 * len + 3);
	if (s == NULL)
		return NULL;
	s[0] = '0';
	s[1] = 'x';
	for (i = 0; i < len; i++) {
		s[2 + 2 * i] = digits[data[i] >> 4];
		s[3 + 2 * i] = digits[data[i] & 15];
	}
	s[2 + 2 * len] = '\0';
	j = json_stringn_nocheck(s, 2 + 2 * len);
	free(s);
	return j;
}

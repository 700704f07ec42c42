#include "model/user.h"

#include <stdbool.h>
#include <string.h>
#include "util/utf8.h"

/* A numeric id as the container runtime reads one (Go's strconv.Atoi in
 * runc's user lookup, which treats any numeric user as a uid): an optional
 * sign, then decimal digits, leading zeros allowed, so `+0`, `-0` and
 * `000` are all uid 0. Returns the id, or -1 when the text is not a
 * number the runtime takes as a valid id (a name, a negative id, one past
 * 10 significant digits). */
static int64_t numeric_id(const char *s, size_t n)
{
	bool negative = false;
	if (n > 0 && (s[0] == '+' || s[0] == '-')) {
		negative = s[0] == '-';
		s++;
		n--;
	}
	if (n == 0) {
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9') {
			return -1;
		}
	}
	while (n > 1 && s[0] == '0') {
		s++;
		n--;
	}
	if (n > 10) {
		return -1;
	}
	int64_t v = 0;
	for (size_t i = 0; i < n; i++) {
		v = v * 10 + (s[i] - '0');
	}
	return negative && v != 0 ? -1 : v;
}

int plm_user_parse(struct plm_arena *a, const char *text, size_t len,
	struct plm_span span, struct plm_node **out)
{
	*out = NULL;
	struct plm_node *map = plm_node_map(a, span);
	if (map == NULL) {
		return PLM_ENOMEM;
	}
	struct plm_node *v_text, *v_name, *v_uid, *v_group, *v_gid, *v_root;
	if (text == NULL) {
		v_text = plm_node_null(a, span);
		v_name = plm_node_null(a, span);
		v_uid = plm_node_null(a, span);
		v_group = plm_node_null(a, span);
		v_gid = plm_node_null(a, span);
		v_root = plm_node_null(a, span);
	} else {
		while (len > 0 && (text[0] == ' ' || text[0] == '\t')) {
			text++;
			len--;
		}
		while (len > 0 &&
			(text[len - 1] == ' ' || text[len - 1] == '\t')) {
			len--;
		}
		const char *colon = memchr(text, ':', len);
		size_t un = colon ? (size_t)(colon - text) : len;
		const char *g = colon ? colon + 1 : NULL;
		size_t gn = colon ? len - un - 1 : 0;
		int64_t uid = numeric_id(text, un);
		int64_t gid = g ? numeric_id(g, gn) : -1;
		bool variable = memchr(text, '$', len) != NULL;
		v_text = plm_node_text(a, span, text, len);
		v_name = un > 0 ? plm_node_text(a, span, text, un)
				: plm_node_null(a, span);
		v_uid = uid >= 0 && !variable ? plm_node_int(a, span, uid)
					      : plm_node_null(a, span);
		v_group = g != NULL && gn > 0 ? plm_node_text(a, span, g, gn)
					      : plm_node_null(a, span);
		v_gid = gid >= 0 && !variable ? plm_node_int(a, span, gid)
					      : plm_node_null(a, span);
		if (variable || un == 0) {
			v_root = plm_node_null(a, span);
		} else if (uid >= 0) {
			v_root = plm_node_bool(a, span, uid == 0);
		} else {
			v_root = plm_node_bool(a, span,
				un == 4 && memcmp(text, "root", 4) == 0);
		}
	}
	if (v_text == NULL || v_name == NULL || v_uid == NULL ||
		v_group == NULL || v_gid == NULL || v_root == NULL ||
		plm_node_set(a, map, "text", span, v_text) != 0 ||
		plm_node_set(a, map, "name", span, v_name) != 0 ||
		plm_node_set(a, map, "uid", span, v_uid) != 0 ||
		plm_node_set(a, map, "group", span, v_group) != 0 ||
		plm_node_set(a, map, "gid", span, v_gid) != 0 ||
		plm_node_set(a, map, "root", span, v_root) != 0) {
		return PLM_ENOMEM;
	}
	*out = map;
	return 0;
}

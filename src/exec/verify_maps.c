/* The verifier's map descriptions, built once for every caller. A program's
 * maps reach the verifier from two kinds of source: the definitions of an
 * object (bpfvm verify, tools that judge objects without creating anything)
 * and the live maps a program is loaded against (bpfvm_prog_load). Both must
 * give the verifier the same picture — the same inner-map templates after the
 * program's own maps, the same frozen .rodata contents — or a program could be
 * judged one way by `bpfvm verify` and another at load time. So each source
 * only says what one map looks like, and one builder lays the list out. */
#include <errno.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "bpfvm/object.h"
#include "bpfvm/verify.h"
#include "maps/map.h"
#include "util/error.h"

/* One map as the verifier sees it, whichever source described it. */
struct map_view {
	struct bpfvm_verify_map desc;
	bool has_inner;
	struct bpfvm_verify_map inner; /* the map-in-map template */
	const uint8_t *frozen_value;   /* contents programs cannot change, or NULL */
};

typedef void (*view_fn)(const void *src, uint32_t idx, struct map_view *out);

static int build(const void *src, uint32_t cnt, view_fn view, struct bpfvm_verify_maps *out)
{
	uint32_t n = cnt;

	out->cnt = 0;
	out->maps = calloc(2 * (size_t)cnt + 1, sizeof(*out->maps));
	out->values = calloc(2 * (size_t)cnt + 1, sizeof(*out->values));
	if (!out->maps || !out->values) {
		bpfvm_verify_maps_free(out);
		return bpfvm_errorf(-ENOMEM, "out of memory describing %u maps", cnt);
	}
	for (uint32_t i = 0; i < cnt; i++) {
		struct map_view v;

		view(src, i, &v);
		out->maps[i] = v.desc;
		out->maps[i].inner_map = -1;
		out->values[i] = v.frozen_value;
		if (v.has_inner) {
			out->maps[n] = v.inner;
			out->maps[n].inner_map = -1;
			out->maps[i].inner_map = (int32_t)n++;
		}
	}
	out->cnt = n;
	return 0;
}

static struct bpfvm_verify_map def_desc(const struct bpfvm_map_def *d)
{
	return (struct bpfvm_verify_map){ d->type, d->key_size, d->value_size, d->max_entries,
					  d->map_flags, d->spin_lock_off, -1 };
}

/* An object's definition: legacy maps-of-maps name their template by index,
 * which the loader has already turned into `inner`, as instances use it. */
static void view_def(const void *src, uint32_t idx, struct map_view *out)
{
	const struct bpfvm_map_def *d = bpfvm_object_map(src, idx);

	out->desc = def_desc(d);
	out->has_inner = d->inner != NULL;
	if (d->inner)
		out->inner = def_desc(d->inner);
	/* frozen global data (.rodata): its constants, as an instance will
	 * create and freeze it */
	out->frozen_value = d->frozen ? d->initial_value : NULL;
}

static void view_live(const void *src, uint32_t idx, struct map_view *out)
{
	struct bpfvm_map *m = ((struct bpfvm_map *const *)src)[idx];
	void *addr;

	out->desc = (struct bpfvm_verify_map){ m->type, m->key_size, m->value_size,
					       m->max_entries, m->map_flags, m->spin_lock_off,
					       -1 };
	out->has_inner = m->has_inner;
	out->inner = (struct bpfvm_verify_map){ m->inner_type, m->inner_key_size,
						m->inner_value_size, m->inner_max_entries,
						m->inner_flags, m->inner_spin_lock_off, -1 };
	/* A frozen map programs cannot write holds constants the verifier may
	 * rely on, as Linux's does. */
	out->frozen_value = NULL;
	if ((m->map_flags & BPFVM_F_RDONLY_PROG) && atomic_load(&m->frozen) &&
	    !bpfvm_map_direct_value_addr(m, 0, &addr))
		out->frozen_value = addr;
}

int bpfvm_verify_maps_from_object(const struct bpfvm_object *obj, struct bpfvm_verify_maps *out)
{
	return build(obj, bpfvm_object_map_count(obj), view_def, out);
}

int bpfvm_verify_maps_from_live(struct bpfvm_map *const *maps, uint32_t cnt,
				struct bpfvm_verify_maps *out)
{
	return build(maps, cnt, view_live, out);
}

void bpfvm_verify_maps_free(struct bpfvm_verify_maps *m)
{
	free(m->maps);
	free(m->values);
	m->maps = NULL;
	m->values = NULL;
	m->cnt = 0;
}

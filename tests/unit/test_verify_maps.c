/* The verifier's map descriptions from an object's definitions (bpfvm verify)
 * and from the live maps of an instance (bpfvm_prog_load) must be the same,
 * entry for entry: inner-map templates in the same places, the same frozen
 * .rodata bytes. Otherwise `bpfvm verify` and loading could judge one program
 * differently. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bpfvm/bpfvm.h"
#include "test.h"

struct seen {
	int inner, frozen;
};

static void compare(const char *dir, const char *name, struct seen *seen)
{
	struct bpfvm_object_open_opts oo = { .sz = sizeof(oo) };
	struct bpfvm_instance_opts io = { .sz = sizeof(io), .skip_unrunnable = true };
	struct bpfvm_verify_maps from_obj, from_live;
	struct bpfvm_object *obj = NULL;
	struct bpfvm_instance *inst = NULL;
	struct bpfvm_map **live;
	uint32_t n;
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s.o", dir, name);
	CHECK(bpfvm_object_open(path, &oo, &obj) == 0);
	CHECK(obj && bpfvm_object_load(obj, &io, &inst) == 0);
	if (!inst) {
		fprintf(stderr, "%s: %s\n", name, bpfvm_last_error());
		bpfvm_object_free(obj);
		return;
	}
	n = bpfvm_instance_map_count(inst);
	live = calloc(n + 1, sizeof(*live));
	CHECK(live != NULL);
	for (uint32_t i = 0; live && i < n; i++)
		live[i] = bpfvm_instance_map(inst, i);
	CHECK(bpfvm_verify_maps_from_object(obj, &from_obj) == 0);
	CHECK(live && bpfvm_verify_maps_from_live(live, n, &from_live) == 0);
	CHECK_EQ_U64(from_obj.cnt, from_live.cnt);
	CHECK(from_obj.cnt >= n);
	for (uint32_t i = 0; i < from_obj.cnt && i < from_live.cnt; i++) {
		const struct bpfvm_verify_map *a = &from_obj.maps[i], *b = &from_live.maps[i];

		if (memcmp(a, b, sizeof(*a)))
			fprintf(stderr, "%s: map %u differs\n", name, i);
		CHECK(!memcmp(a, b, sizeof(*a)));
		CHECK((from_obj.values[i] == NULL) == (from_live.values[i] == NULL));
		if (from_obj.values[i] && from_live.values[i]) {
			CHECK(!memcmp(from_obj.values[i], from_live.values[i], a->value_size));
			seen->frozen++;
		}
		if (a->inner_map >= 0) {
			CHECK((uint32_t)a->inner_map >= n && (uint32_t)a->inner_map < from_obj.cnt);
			seen->inner++;
		}
	}
	bpfvm_verify_maps_free(&from_obj);
	bpfvm_verify_maps_free(&from_live);
	CHECK(from_obj.maps == NULL && from_obj.cnt == 0);
	free(live);
	bpfvm_instance_free(inst);
	bpfvm_object_free(obj);
}

/* A live map-in-map keeps its template's bpf_spin_lock, as the object's
 * definition does: the verifier must see the lock in inner values too. */
static void test_inner_spin_lock(void)
{
	struct bpfvm_map_create_opts io = { .sz = sizeof(io), .map_type = BPFVM_MAP_TYPE_ARRAY,
					    .key_size = 4, .value_size = 16, .max_entries = 2,
					    .has_spin_lock = true, .spin_lock_off = 8 };
	struct bpfvm_map_create_opts oo = { .sz = sizeof(oo),
					    .map_type = BPFVM_MAP_TYPE_ARRAY_OF_MAPS,
					    .key_size = 4, .value_size = 4, .max_entries = 2 };
	struct bpfvm_map *inner = NULL, *outer = NULL;
	struct bpfvm_verify_maps d;

	CHECK(bpfvm_map_create(&io, &inner) == 0);
	oo.inner_map = inner;
	CHECK(inner && bpfvm_map_create(&oo, &outer) == 0);
	if (!outer) {
		bpfvm_map_free(inner);
		return;
	}
	CHECK(bpfvm_verify_maps_from_live(&outer, 1, &d) == 0);
	CHECK_EQ_U64(d.cnt, 2);
	CHECK_EQ_U64(d.maps[0].inner_map, 1);
	CHECK_EQ_U64(d.maps[1].type, BPFVM_MAP_TYPE_ARRAY);
	CHECK_EQ_U64(d.maps[1].value_size, 16);
	CHECK_EQ_U64(d.maps[1].spin_lock_off, 8);
	CHECK_EQ_U64(d.maps[1].inner_map, -1);
	bpfvm_verify_maps_free(&d);
	bpfvm_map_free(outer);
	bpfvm_map_free(inner);
}

int main(void)
{
	const char *dir = getenv("BPFVM_PROGS"), *skip = getenv("BPFVM_PROGS_SKIP");
	static const char *const objs[] = { "run_map_in_map", "obj_legacy_inner", "run_global",
					    "run_spinlock" };
	struct seen seen = { 0 };

	test_inner_spin_lock();
	if (skip && *skip)
		return test_skip(skip);
	if (!dir)
		return test_skip("BPFVM_PROGS is not set");
	for (size_t i = 0; i < sizeof(objs) / sizeof(objs[0]); i++)
		compare(dir, objs[i], &seen);
	/* the objects above do exercise both halves of the layout */
	CHECK(seen.inner >= 3);
	CHECK(seen.frozen >= 1);
	return test_exit();
}

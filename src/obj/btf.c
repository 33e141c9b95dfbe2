/* BTF: the type information clang puts in .BTF, and the per-instruction records
 * of .BTF.ext. Map definitions, global-data layouts, spin-lock offsets and
 * source lines all come from here, so it is validated as a whole before use. */
#include "obj/btf.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/error.h"

#define BTF_MAGIC 0xeb9f
#define BTF_HDR_MIN 24
/* Far more types than any object has; bounds the allocation from a bad header. */
#define BTF_MAX_TYPES (1u << 20)

static const char *const kind_names[] = {
	"UNKN", "INT", "PTR", "ARRAY", "STRUCT", "UNION", "ENUM", "FWD", "TYPEDEF",
	"VOLATILE", "CONST", "RESTRICT", "FUNC", "FUNC_PROTO", "VAR", "DATASEC", "FLOAT",
	"DECL_TAG", "TYPE_TAG", "ENUM64",
};

const char *btf_str(const struct bpfvm_btf *btf, uint32_t off)
{
	if (off >= btf->str_len || !memchr(btf->strs + off, '\0', btf->str_len - off))
		return NULL;
	return btf->strs + off;
}

/* Bytes of kind-specific data after the 12-byte header of a type. */
static uint64_t extra_size(uint32_t kind, uint32_t vlen)
{
	switch (kind) {
	case BPFVM_BTF_KIND_INT:
	case BPFVM_BTF_KIND_VAR:
	case BPFVM_BTF_KIND_DECL_TAG:
		return 4;
	case BPFVM_BTF_KIND_ARRAY:
		return 12;
	case BPFVM_BTF_KIND_STRUCT:
	case BPFVM_BTF_KIND_UNION:
	case BPFVM_BTF_KIND_DATASEC:
	case BPFVM_BTF_KIND_ENUM64:
		return 12ull * vlen;
	case BPFVM_BTF_KIND_ENUM:
	case BPFVM_BTF_KIND_FUNC_PROTO:
		return 8ull * vlen;
	default:
		return 0;
	}
}

static int btf_err(const struct elf_file *e, uint32_t idx, uint32_t id, const char *what)
{
	return elf_sec_errorf(e, idx, -EINVAL, "type %u: %s", id, what);
}

/* Kinds whose size is that of the type they refer to. */
static int is_chain_kind(uint32_t kind)
{
	return kind == BPFVM_BTF_KIND_TYPEDEF || kind == BPFVM_BTF_KIND_VOLATILE ||
	       kind == BPFVM_BTF_KIND_CONST || kind == BPFVM_BTF_KIND_RESTRICT ||
	       kind == BPFVM_BTF_KIND_TYPE_TAG || kind == BPFVM_BTF_KIND_VAR;
}

static int check_ref(const struct bpfvm_btf *btf, uint32_t ref)
{
	return ref < btf->nr_types;
}

/* Validates the references and per-kind rules of one type. */
static int check_type(const struct elf_file *e, uint32_t idx, struct bpfvm_btf *btf, uint32_t id)
{
	struct btf_type *t = &btf->types[id];
	const uint8_t *x = t->extra;
	char msg[160];

	switch (t->kind) {
	case BPFVM_BTF_KIND_INT: {
		uint32_t enc = rd32(x), bits = enc & 0xff, off = (enc >> 16) & 0xff;

		if (t->size_type != 1 && t->size_type != 2 && t->size_type != 4 &&
		    t->size_type != 8 && t->size_type != 16)
			return btf_err(e, idx, id, "INT size is not 1, 2, 4, 8 or 16");
		if (bits > 128 || off + bits > t->size_type * 8)
			return btf_err(e, idx, id, "INT bits exceed its size");
		break;
	}
	case BPFVM_BTF_KIND_FLOAT:
		if (t->size_type != 2 && t->size_type != 4 && t->size_type != 8 &&
		    t->size_type != 12 && t->size_type != 16)
			return btf_err(e, idx, id, "FLOAT size is not 2, 4, 8, 12 or 16");
		break;
	case BPFVM_BTF_KIND_PTR:
	case BPFVM_BTF_KIND_TYPEDEF:
	case BPFVM_BTF_KIND_VOLATILE:
	case BPFVM_BTF_KIND_CONST:
	case BPFVM_BTF_KIND_RESTRICT:
	case BPFVM_BTF_KIND_TYPE_TAG:
	case BPFVM_BTF_KIND_VAR:
		if (!check_ref(btf, t->size_type))
			return btf_err(e, idx, id, "refers to a type id out of range");
		break;
	case BPFVM_BTF_KIND_FUNC:
		if (!check_ref(btf, t->size_type) ||
		    btf->types[t->size_type].kind != BPFVM_BTF_KIND_FUNC_PROTO)
			return btf_err(e, idx, id, "FUNC does not refer to a FUNC_PROTO");
		break;
	case BPFVM_BTF_KIND_DECL_TAG: {
		int32_t comp = (int32_t)rd32(x);

		if (!check_ref(btf, t->size_type) || t->size_type == 0)
			return btf_err(e, idx, id, "DECL_TAG refers to a type id out of range");
		if (comp < -1)
			return btf_err(e, idx, id, "DECL_TAG component index below -1");
		if (comp >= 0) {
			const struct btf_type *target = &btf->types[t->size_type];

			if (target->kind != BPFVM_BTF_KIND_STRUCT &&
			    target->kind != BPFVM_BTF_KIND_UNION &&
			    target->kind != BPFVM_BTF_KIND_FUNC)
				return btf_err(e, idx, id, "DECL_TAG component of a type without members");
			if (target->kind == BPFVM_BTF_KIND_FUNC) {
				const struct btf_type *proto = &btf->types[target->size_type];

				if ((uint32_t)comp >= proto->vlen)
					return btf_err(e, idx, id, "DECL_TAG component index out of range");
			} else if ((uint32_t)comp >= target->vlen) {
				return btf_err(e, idx, id, "DECL_TAG component index out of range");
			}
		}
		break;
	}
	case BPFVM_BTF_KIND_ARRAY:
		if (!check_ref(btf, rd32(x)) || !check_ref(btf, rd32(x + 4)))
			return btf_err(e, idx, id, "ARRAY element or index type out of range");
		break;
	case BPFVM_BTF_KIND_STRUCT:
	case BPFVM_BTF_KIND_UNION:
		for (uint32_t i = 0; i < t->vlen; i++) {
			const uint8_t *m = x + 12ull * i;

			if (!btf_str(btf, rd32(m)) || !check_ref(btf, rd32(m + 4))) {
				snprintf(msg, sizeof(msg), "member %u: bad name offset or type id", i);
				return btf_err(e, idx, id, msg);
			}
		}
		break;
	case BPFVM_BTF_KIND_ENUM:
	case BPFVM_BTF_KIND_ENUM64:
		if (t->size_type != 1 && t->size_type != 2 && t->size_type != 4 &&
		    t->size_type != 8)
			return btf_err(e, idx, id, "ENUM size is not 1, 2, 4 or 8");
		for (uint32_t i = 0; i < t->vlen; i++) {
			uint32_t rs = t->kind == BPFVM_BTF_KIND_ENUM ? 8 : 12;

			if (!btf_str(btf, rd32(x + (uint64_t)rs * i)))
				return btf_err(e, idx, id, "enumerator name offset out of range");
		}
		break;
	case BPFVM_BTF_KIND_FUNC_PROTO:
		if (!check_ref(btf, t->size_type))
			return btf_err(e, idx, id, "FUNC_PROTO return type out of range");
		for (uint32_t i = 0; i < t->vlen; i++) {
			const uint8_t *p = x + 8ull * i;

			if (!btf_str(btf, rd32(p)) || !check_ref(btf, rd32(p + 4)))
				return btf_err(e, idx, id, "parameter with bad name offset or type id");
		}
		break;
	case BPFVM_BTF_KIND_DATASEC:
		for (uint32_t i = 0; i < t->vlen; i++) {
			uint32_t ref = rd32(x + 12ull * i);

			if (!check_ref(btf, ref) || (btf->types[ref].kind != BPFVM_BTF_KIND_VAR &&
						     btf->types[ref].kind != BPFVM_BTF_KIND_FUNC))
				return btf_err(e, idx, id, "DATASEC entry is not a VAR or FUNC");
		}
		break;
	default:
		break;
	}
	return 0;
}

/* The size of a type, following typedef/modifier/array chains at most
 * BTF_MAX_CHAIN deep so that a loop in the file is an error, not a hang. */
static int resolve_size(const struct elf_file *e, uint32_t idx, struct bpfvm_btf *btf, uint32_t id)
{
	uint32_t chain[BTF_MAX_CHAIN];
	uint32_t n = 0, cur = id;
	int64_t size;

	while (btf->types[cur].size < 0) {
		struct btf_type *t = &btf->types[cur];

		if (n == BTF_MAX_CHAIN)
			return btf_err(e, idx, id, "type chain too deep or a loop");
		chain[n++] = cur;
		if (is_chain_kind(t->kind))
			cur = t->size_type;
		else if (t->kind == BPFVM_BTF_KIND_ARRAY)
			cur = rd32(t->extra);
		else
			break;
	}
	size = btf->types[cur].size;
	if (size < 0) {
		/* Reached a type with a size of its own at the end of the chain. */
		struct btf_type *t = &btf->types[cur];

		switch (t->kind) {
		case BPFVM_BTF_KIND_PTR:
			size = 8;
			break;
		case BPFVM_BTF_KIND_INT:
		case BPFVM_BTF_KIND_STRUCT:
		case BPFVM_BTF_KIND_UNION:
		case BPFVM_BTF_KIND_ENUM:
		case BPFVM_BTF_KIND_ENUM64:
		case BPFVM_BTF_KIND_DATASEC:
		case BPFVM_BTF_KIND_FLOAT:
			size = t->size_type;
			break;
		default:
			size = 0;
			break;
		}
		t->size = size;
		if (n && chain[n - 1] == cur)
			n--;
	}
	while (n--) {
		struct btf_type *t = &btf->types[chain[n]];

		if (t->kind == BPFVM_BTF_KIND_ARRAY) {
			uint64_t nelems = rd32(t->extra + 8);

			if (nelems && (uint64_t)size > (uint64_t)UINT32_MAX / nelems)
				return btf_err(e, idx, chain[n], "ARRAY size overflows 32 bits");
			size = (int64_t)(nelems * (uint64_t)size);
		}
		t->size = size;
	}
	return 0;
}

/* Members must lie within their struct (bitfields by bit, others by byte). */
static int check_members(const struct elf_file *e, uint32_t idx, struct bpfvm_btf *btf,
			 uint32_t id)
{
	const struct btf_type *t = &btf->types[id];

	for (uint32_t i = 0; i < t->vlen; i++) {
		const uint8_t *m = t->extra + 12ull * i;
		uint32_t off = rd32(m + 8), bits = 0;
		uint64_t msize = (uint64_t)btf->types[rd32(m + 4)].size;

		if (t->kflag) {
			bits = off >> 24;
			off &= 0xffffff;
		}
		if (bits) {
			if ((uint64_t)off + bits > (uint64_t)t->size_type * 8)
				return btf_err(e, idx, id, "bitfield member beyond the end of its struct");
		} else if ((uint64_t)off / 8 + msize > t->size_type) {
			char msg[160];

			snprintf(msg, sizeof(msg), "member %u at bit %u (size %llu) beyond struct size %u",
				 i, off, (unsigned long long)msize, t->size_type);
			return btf_err(e, idx, id, msg);
		}
	}
	return 0;
}

int btf_parse(const struct elf_file *e, uint32_t idx, struct bpfvm_btf **out)
{
	const struct elf_sec *s = &e->secs[idx];
	const uint8_t *p = s->data, *types, *end;
	uint32_t hdr_len, type_off, type_len, str_off, str_len, n = 1, cap = 64;
	struct bpfvm_btf *btf;
	int err;

	*out = NULL;
	if (!p || s->size < BTF_HDR_MIN)
		return elf_sec_errorf(e, idx, -EINVAL, "%llu bytes, too small for a BTF header",
				      (unsigned long long)s->size);
	if (rd16(p) != BTF_MAGIC)
		return elf_sec_errorf(e, idx, -EINVAL, "bad BTF magic 0x%04x", rd16(p));
	if (p[2] != 1)
		return elf_sec_errorf(e, idx, -EINVAL, "unsupported BTF version %u", p[2]);
	hdr_len = rd32(p + 4);
	type_off = rd32(p + 8);
	type_len = rd32(p + 12);
	str_off = rd32(p + 16);
	str_len = rd32(p + 20);
	if (hdr_len < BTF_HDR_MIN || hdr_len > s->size)
		return elf_sec_errorf(e, idx, -EINVAL, "BTF header length %u out of range", hdr_len);
	if (!in_bounds(type_off, type_len, s->size - hdr_len) ||
	    !in_bounds(str_off, str_len, s->size - hdr_len))
		return elf_sec_errorf(e, idx, -EINVAL,
				      "type (%u+%u) or string (%u+%u) area beyond section of %llu bytes",
				      type_off, type_len, str_off, str_len,
				      (unsigned long long)s->size);
	if (type_off % 4 || type_len % 4)
		return elf_sec_errorf(e, idx, -EINVAL, "type area not 4-byte aligned");
	if (str_len == 0 || p[hdr_len + str_off] != '\0' || p[hdr_len + str_off + str_len - 1] != '\0')
		return elf_sec_errorf(e, idx, -EINVAL,
				      "string table of %u bytes does not start and end with NUL",
				      str_len);
	btf = calloc(1, sizeof(*btf));
	if (!btf)
		return bpfvm_errorf(-ENOMEM, "%s: out of memory", e->name);
	btf->strs = (const char *)p + hdr_len + str_off;
	btf->str_len = str_len;
	btf->types = calloc(cap, sizeof(*btf->types));
	if (!btf->types) {
		free(btf);
		return bpfvm_errorf(-ENOMEM, "%s: out of memory", e->name);
	}
	btf->types[0].name = "";
	types = p + hdr_len + type_off;
	end = types + type_len;
	while (types < end) {
		struct btf_type *t;
		uint32_t info, name_off;
		uint64_t xs;

		if (end - types < 12) {
			err = elf_sec_errorf(e, idx, -EINVAL, "type %u: truncated header", n);
			goto fail;
		}
		if (n == BTF_MAX_TYPES) {
			err = elf_sec_errorf(e, idx, -EINVAL, "more than %u types", BTF_MAX_TYPES);
			goto fail;
		}
		if (n == cap) {
			struct btf_type *nt = realloc(btf->types, 2 * cap * sizeof(*nt));

			if (!nt) {
				err = bpfvm_errorf(-ENOMEM, "%s: out of memory", e->name);
				goto fail;
			}
			btf->types = nt;
			cap *= 2;
		}
		t = &btf->types[n];
		memset(t, 0, sizeof(*t));
		name_off = rd32(types);
		info = rd32(types + 4);
		t->size_type = rd32(types + 8);
		t->kind = (info >> 24) & 0x1f;
		t->vlen = info & 0xffff;
		t->kflag = info >> 31;
		t->size = -1;
		t->name = btf_str(btf, name_off);
		if (!t->name) {
			err = elf_sec_errorf(e, idx, -EINVAL,
					     "type %u: string offset %u beyond string table of %u bytes",
					     n, name_off, str_len);
			goto fail;
		}
		if (t->kind == 0 || t->kind > BPFVM_BTF_KIND_ENUM64) {
			err = elf_sec_errorf(e, idx, -EINVAL, "type %u: unknown kind %u", n, t->kind);
			goto fail;
		}
		xs = extra_size(t->kind, t->vlen);
		if (xs > (uint64_t)(end - types - 12)) {
			err = elf_sec_errorf(e, idx, -EINVAL, "type %u (%s): truncated", n,
					     kind_names[t->kind]);
			goto fail;
		}
		t->extra = types + 12;
		types += 12 + xs;
		n++;
	}
	btf->nr_types = n;
	for (uint32_t i = 1; i < n; i++) {
		err = check_type(e, idx, btf, i);
		if (err)
			goto fail;
	}
	btf->types[0].size = 0;
	for (uint32_t i = 1; i < n; i++) {
		err = resolve_size(e, idx, btf, i);
		if (err)
			goto fail;
	}
	for (uint32_t i = 1; i < n; i++) {
		uint32_t k = btf->types[i].kind;

		if (k == BPFVM_BTF_KIND_STRUCT || k == BPFVM_BTF_KIND_UNION) {
			err = check_members(e, idx, btf, i);
			if (err)
				goto fail;
		}
	}
	*out = btf;
	return 0;
fail:
	btf_free(btf);
	return err;
}

void btf_free(struct bpfvm_btf *btf)
{
	if (!btf)
		return;
	free(btf->types);
	free(btf);
}

uint32_t btf_skip_mods(const struct bpfvm_btf *btf, uint32_t id)
{
	for (int i = 0; i < BTF_MAX_CHAIN && id < btf->nr_types; i++) {
		uint32_t k = btf->types[id].kind;

		if (k != BPFVM_BTF_KIND_TYPEDEF && k != BPFVM_BTF_KIND_VOLATILE &&
		    k != BPFVM_BTF_KIND_CONST && k != BPFVM_BTF_KIND_RESTRICT &&
		    k != BPFVM_BTF_KIND_TYPE_TAG)
			return id;
		id = btf->types[id].size_type;
	}
	return 0;
}

static int32_t find_struct_off(const struct bpfvm_btf *btf, uint32_t id, const char *type_name,
			       int depth)
{
	const struct btf_type *t;

	if (depth > 8)
		return -1;
	id = btf_skip_mods(btf, id);
	t = &btf->types[id];
	if (t->kind == BPFVM_BTF_KIND_ARRAY)
		return find_struct_off(btf, rd32(t->extra), type_name, depth + 1);
	if (t->kind != BPFVM_BTF_KIND_STRUCT && t->kind != BPFVM_BTF_KIND_UNION)
		return -1;
	if (!strcmp(t->name, type_name))
		return 0;
	for (uint32_t i = 0; i < t->vlen; i++) {
		const uint8_t *m = t->extra + 12ull * i;
		uint32_t off = rd32(m + 8);
		int32_t sub;

		if (t->kflag)
			off &= 0xffffff;
		sub = find_struct_off(btf, rd32(m + 4), type_name, depth + 1);
		if (sub >= 0)
			return (int32_t)(off / 8) + sub;
	}
	return -1;
}

int32_t btf_find_struct_off(const struct bpfvm_btf *btf, uint32_t id, const char *type_name)
{
	if (!btf || id == 0 || id >= btf->nr_types)
		return -1;
	return find_struct_off(btf, id, type_name, 0);
}

/* ---- .BTF.ext ---- */

static int ext_groups(const struct elf_file *e, uint32_t idx, const struct bpfvm_btf *btf,
		      const uint8_t *p, uint32_t len, uint32_t min_rec, const char *what,
		      struct btf_ext_group **out, uint32_t *cnt)
{
	uint32_t rec_size, off = 4, n = 0, cap = 0;
	struct btf_ext_group *groups = NULL;

	*out = NULL;
	*cnt = 0;
	if (len == 0)
		return 0;
	if (len < 4)
		return elf_sec_errorf(e, idx, -EINVAL, "%s: truncated", what);
	rec_size = rd32(p);
	if (rec_size < min_rec || rec_size % 4 || rec_size > 256)
		return elf_sec_errorf(e, idx, -EINVAL, "%s: record size %u invalid", what, rec_size);
	while (off < len) {
		uint32_t name_off, num;
		const char *name;

		if (len - off < 8) {
			free(groups);
			return elf_sec_errorf(e, idx, -EINVAL, "%s: truncated group header", what);
		}
		name_off = rd32(p + off);
		num = rd32(p + off + 4);
		name = btf_str(btf, name_off);
		if (!name) {
			free(groups);
			return elf_sec_errorf(e, idx, -EINVAL,
					      "%s: string offset %u beyond string table of %u bytes",
					      what, name_off, btf->str_len);
		}
		off += 8;
		if ((uint64_t)num * rec_size > len - off) {
			free(groups);
			return elf_sec_errorf(e, idx, -EINVAL, "%s: %u records of %u bytes for %s truncated",
					      what, num, rec_size, name);
		}
		if (n == cap) {
			struct btf_ext_group *ng;

			cap = cap ? cap * 2 : 8;
			ng = realloc(groups, cap * sizeof(*ng));
			if (!ng) {
				free(groups);
				return bpfvm_errorf(-ENOMEM, "%s: out of memory", e->name);
			}
			groups = ng;
		}
		groups[n].sec_name = name;
		groups[n].cnt = num;
		groups[n].rec_size = rec_size;
		groups[n].recs = p + off;
		n++;
		off += num * rec_size;
	}
	*out = groups;
	*cnt = n;
	return 0;
}

static int ext_check(const struct elf_file *e, uint32_t idx, const struct bpfvm_btf *btf,
		     const struct btf_ext *ext)
{
	for (uint32_t g = 0; g < ext->func_cnt; g++)
		for (uint32_t i = 0; i < ext->func[g].cnt; i++) {
			const uint8_t *r = ext->func[g].recs + (uint64_t)i * ext->func[g].rec_size;
			uint32_t tid = rd32(r + 4);

			if (tid >= btf->nr_types || btf->types[tid].kind != BPFVM_BTF_KIND_FUNC)
				return elf_sec_errorf(e, idx, -EINVAL,
						      "func_info %u of %s: type %u is not a FUNC", i,
						      ext->func[g].sec_name, tid);
		}
	for (uint32_t g = 0; g < ext->line_cnt; g++)
		for (uint32_t i = 0; i < ext->line[g].cnt; i++) {
			const uint8_t *r = ext->line[g].recs + (uint64_t)i * ext->line[g].rec_size;

			if (!btf_str(btf, rd32(r + 4)) || !btf_str(btf, rd32(r + 8)))
				return elf_sec_errorf(e, idx, -EINVAL,
						      "line_info %u of %s: string offset beyond string table of %u bytes",
						      i, ext->line[g].sec_name, btf->str_len);
		}
	for (uint32_t g = 0; g < ext->core_cnt; g++)
		for (uint32_t i = 0; i < ext->core[g].cnt; i++) {
			const uint8_t *r = ext->core[g].recs + (uint64_t)i * ext->core[g].rec_size;

			if (rd32(r + 4) >= btf->nr_types || !btf_str(btf, rd32(r + 8)))
				return elf_sec_errorf(e, idx, -EINVAL,
						      "CO-RE relocation %u of %s: bad type id or access string",
						      i, ext->core[g].sec_name);
		}
	return 0;
}

int btf_ext_parse(const struct elf_file *e, uint32_t idx, const struct bpfvm_btf *btf,
		  struct btf_ext *out)
{
	const struct elf_sec *s = &e->secs[idx];
	const uint8_t *p = s->data;
	uint32_t hdr_len, offs[6] = { 0 };
	int err;

	memset(out, 0, sizeof(*out));
	if (!p || s->size < 24)
		return elf_sec_errorf(e, idx, -EINVAL, "%llu bytes, too small for a BTF.ext header",
				      (unsigned long long)s->size);
	if (rd16(p) != BTF_MAGIC)
		return elf_sec_errorf(e, idx, -EINVAL, "bad BTF.ext magic 0x%04x", rd16(p));
	if (p[2] != 1)
		return elf_sec_errorf(e, idx, -EINVAL, "unsupported BTF.ext version %u", p[2]);
	hdr_len = rd32(p + 4);
	if (hdr_len < 24 || hdr_len > s->size)
		return elf_sec_errorf(e, idx, -EINVAL, "BTF.ext header length %u out of range",
				      hdr_len);
	for (uint32_t i = 0; i < 6 && 8 + 4 * i + 4 <= hdr_len; i++)
		offs[i] = rd32(p + 8 + 4 * i);
	for (uint32_t i = 0; i < 3; i++)
		if (!in_bounds(offs[2 * i], offs[2 * i + 1], s->size - hdr_len))
			return elf_sec_errorf(e, idx, -EINVAL,
					      "BTF.ext area %u (%u+%u) beyond section of %llu bytes",
					      i, offs[2 * i], offs[2 * i + 1],
					      (unsigned long long)s->size);
	p += hdr_len;
	err = ext_groups(e, idx, btf, p + offs[0], offs[1], 8, "func_info", &out->func,
			 &out->func_cnt);
	if (!err)
		err = ext_groups(e, idx, btf, p + offs[2], offs[3], 16, "line_info", &out->line,
				 &out->line_cnt);
	if (!err)
		err = ext_groups(e, idx, btf, p + offs[4], offs[5], 16, "core_relo", &out->core,
				 &out->core_cnt);
	if (!err)
		err = ext_check(e, idx, btf, out);
	if (err)
		btf_ext_free(out);
	return err;
}

void btf_ext_free(struct btf_ext *ext)
{
	free(ext->func);
	free(ext->line);
	free(ext->core);
	memset(ext, 0, sizeof(*ext));
}

/* ---- public accessors ---- */

uint32_t bpfvm_btf_type_count(const struct bpfvm_btf *btf)
{
	return btf ? btf->nr_types : 0;
}

int bpfvm_btf_type_kind(const struct bpfvm_btf *btf, uint32_t id)
{
	if (!btf || id >= btf->nr_types)
		return -ENOENT;
	return (int)btf->types[id].kind;
}

const char *bpfvm_btf_type_name(const struct bpfvm_btf *btf, uint32_t id)
{
	if (!btf || id >= btf->nr_types)
		return NULL;
	return btf->types[id].name;
}

uint32_t bpfvm_btf_type_vlen(const struct bpfvm_btf *btf, uint32_t id)
{
	if (!btf || id >= btf->nr_types)
		return 0;
	return btf->types[id].vlen;
}

int64_t bpfvm_btf_type_size(const struct bpfvm_btf *btf, uint32_t id)
{
	if (!btf || id >= btf->nr_types)
		return -ENOENT;
	return btf->types[id].size;
}

uint32_t bpfvm_btf_type_ref(const struct bpfvm_btf *btf, uint32_t id)
{
	const struct btf_type *t;

	if (!btf || id == 0 || id >= btf->nr_types)
		return 0;
	t = &btf->types[id];
	switch (t->kind) {
	case BPFVM_BTF_KIND_ARRAY:
		return rd32(t->extra);
	case BPFVM_BTF_KIND_PTR:
	case BPFVM_BTF_KIND_TYPEDEF:
	case BPFVM_BTF_KIND_VOLATILE:
	case BPFVM_BTF_KIND_CONST:
	case BPFVM_BTF_KIND_RESTRICT:
	case BPFVM_BTF_KIND_FUNC:
	case BPFVM_BTF_KIND_FUNC_PROTO:
	case BPFVM_BTF_KIND_VAR:
	case BPFVM_BTF_KIND_DECL_TAG:
	case BPFVM_BTF_KIND_TYPE_TAG:
		return t->size_type;
	default:
		return 0;
	}
}

int bpfvm_btf_member(const struct bpfvm_btf *btf, uint32_t id, uint32_t i, const char **name,
		     uint32_t *type, uint32_t *bit_off, uint32_t *bitfield_size)
{
	const struct btf_type *t;
	const uint8_t *m;
	uint32_t off;

	if (!btf || id >= btf->nr_types)
		return -ENOENT;
	t = &btf->types[id];
	if ((t->kind != BPFVM_BTF_KIND_STRUCT && t->kind != BPFVM_BTF_KIND_UNION) || i >= t->vlen)
		return -ENOENT;
	m = t->extra + 12ull * i;
	off = rd32(m + 8);
	if (name)
		*name = btf_str(btf, rd32(m));
	if (type)
		*type = rd32(m + 4);
	if (bit_off)
		*bit_off = t->kflag ? off & 0xffffff : off;
	if (bitfield_size)
		*bitfield_size = t->kflag ? off >> 24 : 0;
	return 0;
}

int bpfvm_btf_find(const struct bpfvm_btf *btf, int kind, const char *name)
{
	if (!btf)
		return -ENOENT;
	for (uint32_t i = 1; i < btf->nr_types; i++)
		if ((int)btf->types[i].kind == kind && !strcmp(btf->types[i].name, name))
			return (int)i;
	return -ENOENT;
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * insnplugin: a QEMU 7.2 TCG plugin for `make bench` (BENCH_INSN=1) that
 * counts the guest instructions each vCPU executes, kernel and user apart,
 * and writes every counter to a file whenever the guest runs the marker
 * instruction (bench/insnmark.c: xchg %bx,%bx in user mode).
 *
 *   qemu-system-x86_64 ... -plugin insnplugin.so,out=FILE
 *
 * FILE gets one line per marker: "M <vcpu> <k0> <u0> <k1> <u1> ..." and one
 * at exit ("X ..."). With prof=1, each "M" line is followed by the blocks
 * that ran since the previous marker: "P <vaddr> <insns on vCPU0> <on
 * vCPU1>" (hex address, instructions counted in that block), for a
 * per-function profile once the addresses are mapped to symbols. Counting is per translated block (its instruction
 * count, added when the block starts), which is exact unless a block is
 * left early by an exception; that happens alike in every window.
 *
 * Debian ships qemu-system-x86 with plugin support but without
 * qemu-plugin.h: the few declarations needed (QEMU 7.2 API, version 1)
 * are below.
 */
#include <inttypes.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* --- the part of qemu-plugin.h (QEMU 7.2) this plugin uses --- */
typedef uint64_t qemu_plugin_id_t;
struct qemu_plugin_tb;
struct qemu_plugin_insn;
typedef struct qemu_info_t {
	const char *target_name;
	struct {
		int min;
		int cur;
	} version;
	bool system_emulation;
	union {
		struct {
			int smp_vcpus;
			int max_vcpus;
		} system;
	};
} qemu_info_t;
enum qemu_plugin_cb_flags {
	QEMU_PLUGIN_CB_NO_REGS,
	QEMU_PLUGIN_CB_R_REGS,
	QEMU_PLUGIN_CB_RW_REGS,
};
typedef void (*qemu_plugin_vcpu_udata_cb_t)(unsigned int vcpu_index, void *userdata);
typedef void (*qemu_plugin_vcpu_tb_trans_cb_t)(qemu_plugin_id_t id,
					       struct qemu_plugin_tb *tb);
typedef void (*qemu_plugin_udata_cb_t)(qemu_plugin_id_t id, void *userdata);

void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t id,
					   qemu_plugin_vcpu_tb_trans_cb_t cb);
void qemu_plugin_register_vcpu_tb_exec_cb(struct qemu_plugin_tb *tb,
					  qemu_plugin_vcpu_udata_cb_t cb,
					  enum qemu_plugin_cb_flags flags, void *userdata);
void qemu_plugin_register_vcpu_insn_exec_cb(struct qemu_plugin_insn *insn,
					    qemu_plugin_vcpu_udata_cb_t cb,
					    enum qemu_plugin_cb_flags flags,
					    void *userdata);
void qemu_plugin_register_atexit_cb(qemu_plugin_id_t id, qemu_plugin_udata_cb_t cb,
				    void *userdata);
size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *tb);
uint64_t qemu_plugin_tb_vaddr(const struct qemu_plugin_tb *tb);
struct qemu_plugin_insn *qemu_plugin_tb_get_insn(const struct qemu_plugin_tb *tb,
						 size_t idx);
const void *qemu_plugin_insn_data(const struct qemu_plugin_insn *insn);
size_t qemu_plugin_insn_size(const struct qemu_plugin_insn *insn);
/* --- end of the API part --- */

__attribute__((visibility("default"))) int qemu_plugin_version = 1;

#define MAX_VCPUS 32
#define KERNEL_HALF 0xffff800000000000ULL	/* x86-64: kernel text is up there */

/* One cache line per vCPU: each vCPU thread writes only its own. */
struct vcpu_count {
	uint64_t kernel;
	uint64_t user;
} __attribute__((aligned(64)));

static struct vcpu_count counts[MAX_VCPUS];
static unsigned int n_vcpus = 1;
static FILE *out;

/*
 * prof=1: per translated block, its executions on vCPU 0 and 1 (the
 * profile is of the forwarder's CPU; lossy under concurrency, fine for a
 * profile) and what was already reported.
 */
#define PROF_VCPUS 2
struct block {
	uint64_t vaddr;
	uint64_t n_insns;
	uint64_t runs[PROF_VCPUS];
	uint64_t shown[PROF_VCPUS];
	struct block *next;
};

static bool prof;
static struct block *blocks;
static pthread_mutex_t blocks_lock = PTHREAD_MUTEX_INITIALIZER;

/* Block udata: instruction count, top bit set for kernel blocks. */
#define UD_KERNEL (1ULL << 63)

static void block_exec(unsigned int vcpu, void *udata)
{
	uint64_t v = (uintptr_t)udata;

	if (vcpu >= MAX_VCPUS)
		return;
	if (v & UD_KERNEL)
		counts[vcpu].kernel += v & ~UD_KERNEL;
	else
		counts[vcpu].user += v;
}

static void block_exec_prof(unsigned int vcpu, void *udata)
{
	struct block *b = udata;

	if (vcpu >= MAX_VCPUS)
		return;
	if (b->vaddr >= KERNEL_HALF)
		counts[vcpu].kernel += b->n_insns;
	else
		counts[vcpu].user += b->n_insns;
	if (vcpu < PROF_VCPUS)
		b->runs[vcpu]++;
}

static void dump_profile(void)
{
	struct block *b;
	unsigned int i;

	pthread_mutex_lock(&blocks_lock);
	for (b = blocks; b; b = b->next) {
		uint64_t d[PROF_VCPUS];
		bool any = false;

		for (i = 0; i < PROF_VCPUS; i++) {
			uint64_t r = __atomic_load_n(&b->runs[i], __ATOMIC_RELAXED);

			d[i] = r - b->shown[i];
			b->shown[i] = r;
			any |= d[i] != 0;
		}
		if (any)
			fprintf(out, "P %" PRIx64 " %" PRIu64 " %" PRIu64 "\n", b->vaddr,
				d[0] * b->n_insns, d[1] * b->n_insns);
	}
	pthread_mutex_unlock(&blocks_lock);
}

static void dump(char tag, unsigned int vcpu)
{
	unsigned int i;

	fprintf(out, "%c %u", tag, vcpu);
	for (i = 0; i < n_vcpus; i++)
		fprintf(out, " %" PRIu64 " %" PRIu64,
			__atomic_load_n(&counts[i].kernel, __ATOMIC_RELAXED),
			__atomic_load_n(&counts[i].user, __ATOMIC_RELAXED));
	fputc('\n', out);
	if (prof)
		dump_profile();
	fflush(out);
}

static void marker_exec(unsigned int vcpu, void *udata)
{
	(void)udata;
	dump('M', vcpu);
}

/* xchg %bx,%bx: never emitted by compilers, a no-op for the guest. */
static bool is_marker(struct qemu_plugin_insn *insn)
{
	static const unsigned char magic[] = { 0x66, 0x87, 0xdb };

	return qemu_plugin_insn_size(insn) == sizeof(magic) &&
	       !memcmp(qemu_plugin_insn_data(insn), magic, sizeof(magic));
}

static void block_translate(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
	uint64_t va = qemu_plugin_tb_vaddr(tb);
	size_t i, n = qemu_plugin_tb_n_insns(tb);
	bool kernel = va >= KERNEL_HALF;

	(void)id;
	if (prof) {
		struct block *b = calloc(1, sizeof(*b));

		if (b) {
			b->vaddr = va;
			b->n_insns = n;
			pthread_mutex_lock(&blocks_lock);
			b->next = blocks;
			blocks = b;
			pthread_mutex_unlock(&blocks_lock);
			qemu_plugin_register_vcpu_tb_exec_cb(tb, block_exec_prof,
							     QEMU_PLUGIN_CB_NO_REGS, b);
		}
	} else {
		qemu_plugin_register_vcpu_tb_exec_cb(tb, block_exec, QEMU_PLUGIN_CB_NO_REGS,
						     (void *)(uintptr_t)(n | (kernel ? UD_KERNEL : 0)));
	}
	if (kernel)
		return;
	for (i = 0; i < n; i++) {
		struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);

		if (is_marker(insn))
			qemu_plugin_register_vcpu_insn_exec_cb(insn, marker_exec,
							       QEMU_PLUGIN_CB_NO_REGS, NULL);
	}
}

static void at_exit(qemu_plugin_id_t id, void *udata)
{
	(void)id;
	(void)udata;
	dump('X', 0);
	fclose(out);
}

__attribute__((visibility("default")))
int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info, int argc,
			char **argv)
{
	const char *path = NULL;
	int i;

	for (i = 0; i < argc; i++)
		if (!strncmp(argv[i], "out=", 4))
			path = argv[i] + 4;
		else if (!strcmp(argv[i], "prof=1"))
			prof = true;
	if (!path) {
		fprintf(stderr, "insnplugin: out=FILE is required\n");
		return -1;
	}
	out = fopen(path, "w");
	if (!out) {
		perror(path);
		return -1;
	}
	if (info->system_emulation)
		n_vcpus = info->system.max_vcpus < MAX_VCPUS ? info->system.max_vcpus : MAX_VCPUS;
	qemu_plugin_register_vcpu_tb_trans_cb(id, block_translate);
	qemu_plugin_register_atexit_cb(id, at_exit, NULL);
	return 0;
}

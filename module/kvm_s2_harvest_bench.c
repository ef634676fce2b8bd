// SPDX-License-Identifier: GPL-2.0-only
/*
 * Cost of harvesting the stage-2 hardware dirty state, against its floor.
 *
 * For each size in pages=, the module builds a stage-2 page table of its own
 * mapping that many 4K pages writable-clean (DBM, no S2AP_W), plays the
 * hardware by setting S2AP_W on every dirty_every-th page, then times, reps=
 * times each:
 *
 *   floor    a plain read of every descriptor of the last-level table pages,
 *            counting the writable-dirty ones;
 *   bitmap   the same read, also setting the page's bit in a bitmap;
 *   walk     kvm_pgtable_walk() over the range with an empty leaf callback;
 *   harvest  kvm_pgtable_stage2_harvest_dirty() over the range.
 *
 * and then the harvest of one chunk of chunk= pages in the middle of the
 * range, chunk_loops= times in a row: with CLEAR harvesting only its range,
 * that cost must not grow with the size of the table.
 *
 * Output addresses are never accessed, so they need not be memory.  Nothing
 * here needs a TLB invalidation, but tearing down a table may issue one, so
 * the module only loads on a VHE host, like the KUnit suite.  It prints one
 * line per measurement to the kernel log, each starting with "s2bench:", and
 * then stays loaded doing nothing; remove it with rmmod.
 */

#define pr_fmt(fmt) "s2bench: " fmt

#include <linux/bitmap.h>
#include <linux/kvm_host.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include <linux/vmalloc.h>
#include <asm/cpufeature.h>
#include <asm/kvm_pgtable.h>
#include <asm/virt.h>

MODULE_IMPORT_NS("EXPORTED_FOR_KUNIT_TESTING");

#define BENCH_IPA_BITS		40
#define BENCH_BASE		SZ_1G
#define BENCH_PTES		(PAGE_SIZE / sizeof(kvm_pte_t))

#define S2_PTE_W		KVM_PTE_LEAF_ATTR_LO_S2_S2AP_W
#define S2_PTE_DBM		KVM_PTE_LEAF_ATTR_HI_S2_DBM

static unsigned long pages[8] = { 4096, 16384, 65536, 262144, 1048576 };
static int nr_pages = 5;
module_param_array(pages, ulong, &nr_pages, 0444);
MODULE_PARM_DESC(pages, "table sizes, in 4K pages (multiples of 512)");

static uint reps = 5;
module_param(reps, uint, 0444);
MODULE_PARM_DESC(reps, "repetitions of each measurement");

static uint dirty_every = 4;
module_param(dirty_every, uint, 0444);
MODULE_PARM_DESC(dirty_every, "every dirty_every-th page is dirty");

static uint chunk = 64;
module_param(chunk, uint, 0444);
MODULE_PARM_DESC(chunk, "pages of the chunk harvest (as one CLEAR of 64 pages)");

static uint chunk_loops = 1000;
module_param(chunk_loops, uint, 0444);
MODULE_PARM_DESC(chunk_loops, "chunk harvests timed together");

struct bench {
	struct kvm_s2_mmu	mmu;
	struct kvm_pgtable	pgt;
	struct kvm_mmu_memory_cache mc;
	void			*mc_objects[KVM_PGTABLE_LAST_LEVEL + 1];
	kvm_pte_t		**tables;	/* last-level table pages */
	unsigned long		nr_tables;
	unsigned long		*bitmap;
};

static void *bench_zalloc_page(void *arg)
{
	struct kvm_mmu_memory_cache *mc = arg;

	if (mc && mc->nobjs)
		return mc->objects[--mc->nobjs];
	return (void *)get_zeroed_page(GFP_KERNEL);
}

static void *bench_zalloc_pages_exact(size_t size)
{
	return alloc_pages_exact(size, GFP_KERNEL | __GFP_ZERO);
}

static void bench_free_pages_exact(void *addr, size_t size)
{
	free_pages_exact(addr, size);
}

static void bench_get_page(void *addr)
{
	get_page(virt_to_page(addr));
}

static void bench_put_page(void *addr)
{
	put_page(virt_to_page(addr));
}

static int bench_page_count(void *addr)
{
	return page_count(virt_to_page(addr));
}

static void *bench_phys_to_virt(phys_addr_t phys)
{
	return __va(phys);
}

static phys_addr_t bench_virt_to_phys(void *addr)
{
	return __pa(addr);
}

static void bench_no_cmo(void *addr, size_t size)
{
}

static void bench_free_unlinked_table(void *addr, s8 level);

static struct kvm_pgtable_mm_ops bench_mm_ops = {
	.zalloc_page		= bench_zalloc_page,
	.zalloc_pages_exact	= bench_zalloc_pages_exact,
	.free_pages_exact	= bench_free_pages_exact,
	.free_unlinked_table	= bench_free_unlinked_table,
	.get_page		= bench_get_page,
	.put_page		= bench_put_page,
	.page_count		= bench_page_count,
	.phys_to_virt		= bench_phys_to_virt,
	.virt_to_phys		= bench_virt_to_phys,
	.dcache_clean_inval_poc	= bench_no_cmo,
	.icache_inval_pou	= bench_no_cmo,
};

static void bench_free_unlinked_table(void *addr, s8 level)
{
	kvm_pgtable_stage2_free_unlinked(&bench_mm_ops, addr, level);
}

/* Map pages, never blocks: the harvest only looks at pages. */
static bool bench_force_pte(u64 addr, u64 end, enum kvm_pgtable_prot prot)
{
	return true;
}

static int bench_topup(struct bench *b)
{
	while (b->mc.nobjs < ARRAY_SIZE(b->mc_objects)) {
		void *page = (void *)get_zeroed_page(GFP_KERNEL);

		if (!page)
			return -ENOMEM;
		b->mc.objects[b->mc.nobjs++] = page;
	}
	return 0;
}

struct bench_mark {
	struct bench	*b;
	unsigned long	page;
	unsigned long	dirty;
};

/* Play the hardware: dirty every dirty_every-th page; find the tables. */
static int bench_mark_visitor(const struct kvm_pgtable_visit_ctx *ctx,
			      enum kvm_pgtable_walk_flags visit)
{
	struct bench_mark *m = ctx->arg;
	kvm_pte_t pte = ctx->old;

	if (ctx->level != KVM_PGTABLE_LAST_LEVEL || !kvm_pte_valid(pte) ||
	    !(pte & S2_PTE_DBM) || (pte & S2_PTE_W))
		return -EINVAL;
	if (!(m->page % BENCH_PTES))
		m->b->tables[m->page / BENCH_PTES] = ctx->ptep;
	if (!(m->page % dirty_every)) {
		WRITE_ONCE(*ctx->ptep, pte | S2_PTE_W);
		m->dirty++;
	}
	m->page++;
	return 0;
}

static int bench_setup(struct bench *b, unsigned long npages, unsigned long *dirty)
{
	struct bench_mark m = { .b = b };
	struct kvm_pgtable_walker walker = {
		.cb	= bench_mark_visitor,
		.flags	= KVM_PGTABLE_WALK_LEAF,
		.arg	= &m,
	};
	u64 mmfr0 = read_sanitised_ftr_reg(SYS_ID_AA64MMFR0_EL1);
	u64 mmfr1 = read_sanitised_ftr_reg(SYS_ID_AA64MMFR1_EL1);
	u64 addr, end = BENCH_BASE + npages * PAGE_SIZE;
	int ret;

	b->mmu.vtcr = kvm_get_vtcr(mmfr0, mmfr1, BENCH_IPA_BITS);
	b->mmu.pgt = &b->pgt;
	b->mc.capacity = ARRAY_SIZE(b->mc_objects);
	b->mc.objects = b->mc_objects;
	ret = __kvm_pgtable_stage2_init(&b->pgt, &b->mmu, &bench_mm_ops, 0,
					bench_force_pte);
	if (ret)
		return ret;
	b->mmu.pgd_phys = __pa(b->pgt.pgd);

	b->nr_tables = npages / BENCH_PTES;
	b->tables = kvcalloc(b->nr_tables, sizeof(*b->tables), GFP_KERNEL);
	b->bitmap = vzalloc(BITS_TO_LONGS(npages) * sizeof(long));
	if (!b->tables || !b->bitmap)
		return -ENOMEM;

	/* One last-level table at a time, so a few pages of cache suffice. */
	for (addr = BENCH_BASE; addr < end; addr += SZ_2M) {
		ret = bench_topup(b);
		if (!ret)
			ret = kvm_pgtable_stage2_map(&b->pgt, addr, SZ_2M, addr,
						     KVM_PGTABLE_PROT_R | KVM_PGTABLE_PROT_DBM,
						     &b->mc, 0);
		if (ret)
			return ret;
		cond_resched();
	}

	ret = kvm_pgtable_walk(&b->pgt, BENCH_BASE, end - BENCH_BASE, &walker);
	if (ret)
		return ret;
	if (m.page != npages)
		return -EINVAL;
	*dirty = m.dirty;
	return 0;
}

static void bench_teardown(struct bench *b)
{
	if (b->pgt.pgd)
		kvm_pgtable_stage2_destroy(&b->pgt);
	while (b->mc.nobjs)
		free_page((unsigned long)b->mc.objects[--b->mc.nobjs]);
	kvfree(b->tables);
	vfree(b->bitmap);
}

static bool bench_pte_dirty(kvm_pte_t pte)
{
	return kvm_pte_valid(pte) && (pte & S2_PTE_DBM) && (pte & S2_PTE_W);
}

static long bench_floor(struct bench *b)
{
	unsigned long t, i;
	long dirty = 0;

	for (t = 0; t < b->nr_tables; t++)
		for (i = 0; i < BENCH_PTES; i++)
			dirty += bench_pte_dirty(READ_ONCE(b->tables[t][i]));
	return dirty;
}

static long bench_floor_bitmap(struct bench *b)
{
	unsigned long t, i;
	long dirty = 0;

	for (t = 0; t < b->nr_tables; t++) {
		for (i = 0; i < BENCH_PTES; i++) {
			if (bench_pte_dirty(READ_ONCE(b->tables[t][i]))) {
				__set_bit_le(t * BENCH_PTES + i, b->bitmap);
				dirty++;
			}
		}
	}
	return dirty;
}

static int bench_empty_visitor(const struct kvm_pgtable_visit_ctx *ctx,
			       enum kvm_pgtable_walk_flags visit)
{
	return 0;
}

static long bench_walk(struct bench *b, u64 size)
{
	struct kvm_pgtable_walker walker = {
		.cb	= bench_empty_visitor,
		.flags	= KVM_PGTABLE_WALK_LEAF | KVM_PGTABLE_WALK_SHARED,
	};

	return kvm_pgtable_walk(&b->pgt, BENCH_BASE, size, &walker);
}

static long bench_harvest(struct bench *b, u64 addr, u64 size)
{
	return kvm_pgtable_stage2_harvest_dirty(&b->pgt, addr, size, b->bitmap,
						BENCH_BASE, KVM_PGTABLE_WALK_SHARED);
}

/* Run @what once, return its time in ns; -1 if it did not find @want. */
#define bench_time(what, want)						\
({									\
	u64 __t0 = ktime_get_ns();					\
	long __r = (what);						\
	u64 __ns = ktime_get_ns() - __t0;				\
	__r == (want) ? (s64)__ns : (s64)-1;				\
})

static int bench_size(unsigned long npages)
{
	u64 size = npages * PAGE_SIZE;
	u64 mid = BENCH_BASE + (npages / 2) * PAGE_SIZE;
	s64 floor, bitmap, walk, harvest, chunk_ns;
	unsigned long dirty, chunk_dirty, i;
	struct bench *b;
	long found;
	uint rep;
	int ret;

	b = kzalloc_obj(*b, GFP_KERNEL);
	if (!b)
		return -ENOMEM;
	ret = bench_setup(b, npages, &dirty);
	if (ret) {
		pr_err("cannot build a table of %lu pages: %d\n", npages, ret);
		goto out;
	}

	/* The dirty pages of the chunk, as bench_mark_visitor() chose them. */
	chunk_dirty = 0;
	for (i = npages / 2; i < npages / 2 + chunk; i++)
		chunk_dirty += !(i % dirty_every);

	/* Once unmeasured, so every pass finds the same cache state. */
	bench_floor(b);
	bench_harvest(b, BENCH_BASE, size);

	for (rep = 1; rep <= reps; rep++) {
		floor = bench_time(bench_floor(b), dirty);
		bitmap = bench_time(bench_floor_bitmap(b), dirty);
		walk = bench_time(bench_walk(b, size), 0);
		harvest = bench_time(bench_harvest(b, BENCH_BASE, size), dirty);
		if (floor < 0 || bitmap < 0 || walk < 0 || harvest < 0) {
			pr_err("pages=%lu: a pass did not find the %lu dirty pages\n",
			       npages, dirty);
			ret = -EIO;
			goto out;
		}
		pr_info("full pages=%lu dirty=%lu rep=%u floor_ns=%lld bitmap_ns=%lld walk_ns=%lld harvest_ns=%lld\n",
			npages, dirty, rep, floor, bitmap, walk, harvest);
		cond_resched();
	}

	for (rep = 1; rep <= reps; rep++) {
		u64 t0 = ktime_get_ns();

		for (i = 0; i < chunk_loops; i++) {
			found = bench_harvest(b, mid, (u64)chunk * PAGE_SIZE);
			if (found != chunk_dirty) {
				pr_err("pages=%lu: chunk harvest found %ld dirty pages, not %lu\n",
				       npages, found, chunk_dirty);
				ret = -EIO;
				goto out;
			}
		}
		chunk_ns = ktime_get_ns() - t0;
		pr_info("chunk pages=%lu chunk=%u dirty=%lu rep=%u loops=%u ns_per_chunk=%llu\n",
			npages, chunk, chunk_dirty, rep, chunk_loops,
			div_u64(chunk_ns, chunk_loops));
		cond_resched();
	}
out:
	bench_teardown(b);
	kfree(b);
	return ret;
}

static int __init bench_init(void)
{
	int i, ret;

	if (!has_vhe()) {
		pr_err("needs a VHE host (tearing down a table may invalidate TLBs)\n");
		return -ENODEV;
	}
	if (!reps || !dirty_every || !chunk || !chunk_loops) {
		pr_err("reps, dirty_every, chunk and chunk_loops must not be 0\n");
		return -EINVAL;
	}
	for (i = 0; i < nr_pages; i++) {
		if (!pages[i] || pages[i] % BENCH_PTES || pages[i] < 2 * chunk) {
			pr_err("pages=%lu: not a multiple of %lu, or below two chunks\n",
			       pages[i], BENCH_PTES);
			return -EINVAL;
		}
	}

	pr_info("start reps=%u dirty_every=%u chunk=%u chunk_loops=%u\n",
		reps, dirty_every, chunk, chunk_loops);
	for (i = 0; i < nr_pages; i++) {
		ret = bench_size(pages[i]);
		if (ret)
			return ret;
	}
	pr_info("done\n");
	return 0;
}

static void __exit bench_exit(void)
{
}

module_init(bench_init);
module_exit(bench_exit);

MODULE_DESCRIPTION("Cost of the stage-2 hardware dirty state harvest against a plain read");
MODULE_LICENSE("GPL");

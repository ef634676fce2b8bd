// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests for the arm64 KVM stage-2 page-table code
 * (arch/arm64/kvm/hyp/pgtable.c).
 *
 * Each case builds a real struct kvm_pgtable for a stage-2 MMU of its own,
 * backed by the mm_ops below, which count table pages in and out.  Output
 * addresses are never accessed, so they need not be memory.
 *
 * The walker issues real TLB invalidations through kvm_call_hyp().  With VHE
 * those run in the host against the unused VMID 0; in nVHE they would enter
 * the hypervisor with an MMU it has not mapped, so the suite only runs on a
 * VHE host and is skipped elsewhere.
 */

#include <kunit/test.h>
#include <linux/bitmap.h>
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/kprobes.h>
#include <linux/kthread.h>
#include <linux/kvm_host.h>
#include <linux/mm.h>
#include <linux/sizes.h>
#include <asm/cpufeature.h>
#include <asm/kvm_pgtable.h>
#include <asm/virt.h>

MODULE_IMPORT_NS("EXPORTED_FOR_KUNIT_TESTING");

#define S2_TEST_IPA_BITS	40
#define S2_GB(n)		((u64)(n) * SZ_1G)
#define S2_TEST_BASE		S2_GB(1)	/* 1G aligned */

/* Permission and access bits that the tests compare. */
#define S2_PTE_W		KVM_PTE_LEAF_ATTR_LO_S2_S2AP_W
#define S2_PTE_R		KVM_PTE_LEAF_ATTR_LO_S2_S2AP_R
#define S2_PTE_AF		KVM_PTE_LEAF_ATTR_LO_S2_AF
#define S2_PTE_DBM		KVM_PTE_LEAF_ATTR_HI_S2_DBM

/* Pages of the hardware dirty state cases: one last-level table. */
#define S2_DBM_PAGES		64

struct s2_test {
	struct kvm_s2_mmu	mmu;
	struct kvm_pgtable	pgt;
	struct kvm_mmu_memory_cache mc;
	int			pages_in;	/* table pages handed to the walker */
	int			pages_out;	/* table pages it released */
	int			unlinked_freed;	/* free_unlinked_table() calls */
	/* mark_hw_dirty() reports, per page from dbm_base */
	u64			dbm_base;
	atomic_t		reported[S2_DBM_PAGES];
	atomic_t		reported_outside;
	/* the pages of 2M block reports at dbm_block */
	u64			dbm_block;
	atomic_t		reported_block_pages;
	/* bbm_skipped() calls */
	int			splits_nobbm;
	int			collapses_nobbm;
	/* a kthread reading the tables: stopped before they are freed */
	struct task_struct	*poller;
	/* TLB invalidations of mmu: how many, the range of the last one */
	atomic_t		tlbi;
	u64			tlbi_start;
	u64			tlbi_end;
	/* the count of invalidations when the walker freed a table or reported */
	int			tlbi_at_free;
	int			tlbi_at_report;
};

/* mm_ops callbacks carry no context: the running case's state. */
static struct s2_test *s2;

static void *s2_zalloc_page(void *arg)
{
	struct kvm_mmu_memory_cache *mc = arg;
	void *page;

	if (mc && mc->nobjs)
		page = mc->objects[--mc->nobjs];
	else
		page = (void *)get_zeroed_page(GFP_KERNEL);
	if (page)
		s2->pages_in++;
	return page;
}

static void *s2_zalloc_pages_exact(size_t size)
{
	return alloc_pages_exact(size, GFP_KERNEL | __GFP_ZERO);
}

static void s2_free_pages_exact(void *addr, size_t size)
{
	free_pages_exact(addr, size);
}

static void s2_get_page(void *addr)
{
	get_page(virt_to_page(addr));
}

static void s2_put_page(void *addr)
{
	struct page *page = virt_to_page(addr);

	if (page_count(page) == 1)
		s2->pages_out++;
	put_page(page);
}

static int s2_page_count(void *addr)
{
	return page_count(virt_to_page(addr));
}

static void *s2_phys_to_virt(phys_addr_t phys)
{
	return __va(phys);
}

static phys_addr_t s2_virt_to_phys(void *addr)
{
	return __pa(addr);
}

/* The output addresses are not memory: no cache maintenance on them. */
static void s2_dcache_clean_inval_poc(void *addr, size_t size)
{
}

static void s2_icache_inval_pou(void *addr, size_t size)
{
}

static void s2_free_unlinked_table(void *addr, s8 level);

static void s2_mark_hw_dirty(struct kvm_s2_mmu *mmu, u64 addr, u64 phys, u64 size)
{
	u64 i = (addr - s2->dbm_base) / PAGE_SIZE;

	s2->tlbi_at_report = atomic_read(&s2->tlbi);
	if (mmu == &s2->mmu && size == PAGE_SIZE && addr >= s2->dbm_base &&
	    i < S2_DBM_PAGES)
		atomic_inc(&s2->reported[i]);
	else if (mmu == &s2->mmu && size == SZ_2M && s2->dbm_block &&
		 addr == s2->dbm_block && phys == s2->dbm_block)
		atomic_add(size / PAGE_SIZE, &s2->reported_block_pages);
	else
		atomic_inc(&s2->reported_outside);
}

/*
 * The no-break split and collapse (the BBM level 3 patches, after the dirty
 * logging ones) add kvm_pgtable_mm_ops.bbm_skipped; Kbuild defines
 * S2_HAS_BBM_SKIPPED when the kernel has it.  Without it the module builds
 * against the dirty logging patches alone, and the no-break cases skip.
 */
#ifdef S2_HAS_BBM_SKIPPED
static void s2_bbm_skipped(struct kvm_s2_mmu *mmu, bool collapse)
{
	if (collapse)
		s2->collapses_nobbm++;
	else
		s2->splits_nobbm++;
}
#endif

/* The kernel splits and collapses blocks without a break here. */
static bool s2_skips_bbm(void)
{
#ifdef S2_HAS_BBM_SKIPPED
	return cpus_have_final_cap(ARM64_HAS_BBML3);
#else
	return false;
#endif
}

static struct kvm_pgtable_mm_ops s2_mm_ops = {
	.zalloc_page		= s2_zalloc_page,
	.zalloc_pages_exact	= s2_zalloc_pages_exact,
	.free_pages_exact	= s2_free_pages_exact,
	.free_unlinked_table	= s2_free_unlinked_table,
	.get_page		= s2_get_page,
	.put_page		= s2_put_page,
	.page_count		= s2_page_count,
	.phys_to_virt		= s2_phys_to_virt,
	.virt_to_phys		= s2_virt_to_phys,
	.dcache_clean_inval_poc	= s2_dcache_clean_inval_poc,
	.icache_inval_pou	= s2_icache_inval_pou,
	.mark_hw_dirty		= s2_mark_hw_dirty,
#ifdef S2_HAS_BBM_SKIPPED
	.bbm_skipped		= s2_bbm_skipped,
#endif
};

static void s2_free_unlinked_table(void *addr, s8 level)
{
	s2->tlbi_at_free = atomic_read(&s2->tlbi);
	s2->unlinked_freed++;
	kvm_pgtable_stage2_free_unlinked(&s2_mm_ops, addr, level);
}

/*
 * The TLB invalidations the walker asks for, seen where they start: with VHE,
 * kvm_call_hyp() calls the hypervisor function directly, so a kprobe on it
 * sees each invalidation of the case's MMU and its range.
 */
static void s2_tlbi_seen(struct kvm_s2_mmu *mmu, u64 start, u64 end)
{
	struct s2_test *t = READ_ONCE(s2);

	if (!t || mmu != &t->mmu)
		return;
	t->tlbi_start = start;
	t->tlbi_end = end;
	atomic_inc(&t->tlbi);
}

/* __kvm_tlb_flush_vmid_range(mmu, start, pages) */
static int s2_tlbi_range_pre(struct kprobe *kp, struct pt_regs *regs)
{
	s2_tlbi_seen((struct kvm_s2_mmu *)regs->regs[0], regs->regs[1],
		     regs->regs[1] + (regs->regs[2] << PAGE_SHIFT));
	return 0;
}

/* __kvm_tlb_flush_vmid(mmu), without FEAT_TLBIRANGE: the whole VMID */
static int s2_tlbi_vmid_pre(struct kprobe *kp, struct pt_regs *regs)
{
	s2_tlbi_seen((struct kvm_s2_mmu *)regs->regs[0], 0, U64_MAX);
	return 0;
}

static struct kprobe s2_tlbi_probes[] = {
	{
		.symbol_name	= "__kvm_tlb_flush_vmid_range",
		.pre_handler	= s2_tlbi_range_pre,
	}, {
		.symbol_name	= "__kvm_tlb_flush_vmid",
		.pre_handler	= s2_tlbi_vmid_pre,
	},
};

static int s2_tlbi_probed;	/* how many are registered */
static int s2_tlbi_probe_err;	/* register_kprobe() of the next one */

/* At least one invalidation since @from, and the last covered the range. */
static bool s2_tlbi_covers(int from, u64 addr, u64 size)
{
	return atomic_read(&s2->tlbi) > from && s2->tlbi_start <= addr &&
	       s2->tlbi_end >= addr + size;
}

static void s2_require_tlbi_probes(struct kunit *test)
{
	KUNIT_ASSERT_EQ_MSG(test, s2_tlbi_probed, ARRAY_SIZE(s2_tlbi_probes),
			    "cannot see the TLB invalidations: register_kprobe(%s) returned %d",
			    s2_tlbi_probes[s2_tlbi_probed].symbol_name, s2_tlbi_probe_err);
}

/* Fill @mc with @nr zeroed pages, as kvm_mmu_topup_memory_cache() would. */
/* The no-break cases only run where the kernel skips the break. */
static void s2_require_bbml3(struct kunit *test)
{
#ifndef S2_HAS_BBM_SKIPPED
	kunit_skip(test, "the kernel has no split or collapse without a break (kvm_pgtable_mm_ops.bbm_skipped)");
#endif
	if (!cpus_have_final_cap(ARM64_HAS_BBML3))
		kunit_skip(test, "no BBM level 3 without conflict aborts (ARM64_HAS_BBML3)");
}

static void s2_topup(struct kunit *test, struct kvm_mmu_memory_cache *mc, int nr)
{
	if (!mc->objects) {
		mc->capacity = PTRS_PER_PTE + 1;
		mc->objects = kunit_kcalloc(test, mc->capacity, sizeof(void *), GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, mc->objects);
	}
	KUNIT_ASSERT_LE(test, nr, mc->capacity);
	while (mc->nobjs < nr) {
		void *page = (void *)get_zeroed_page(GFP_KERNEL);

		KUNIT_ASSERT_NOT_NULL(test, page);
		mc->objects[mc->nobjs++] = page;
	}
}

static void s2_drain(struct kvm_mmu_memory_cache *mc)
{
	while (mc->nobjs)
		free_page((unsigned long)mc->objects[--mc->nobjs]);
}

static int s2_test_init(struct kunit *test)
{
	u64 mmfr0, mmfr1;
	int ret;

	if (!has_vhe())
		kunit_skip(test, "needs a VHE host (the walker's TLBIs would enter nVHE hyp)");

	s2 = kunit_kzalloc(test, sizeof(*s2), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, s2);

	mmfr0 = read_sanitised_ftr_reg(SYS_ID_AA64MMFR0_EL1);
	mmfr1 = read_sanitised_ftr_reg(SYS_ID_AA64MMFR1_EL1);
	s2->mmu.vtcr = kvm_get_vtcr(mmfr0, mmfr1, S2_TEST_IPA_BITS);
	s2->mmu.pgt = &s2->pgt;

	ret = kvm_pgtable_stage2_init(&s2->pgt, &s2->mmu, &s2_mm_ops);
	KUNIT_ASSERT_EQ(test, ret, 0);
	s2->mmu.pgd_phys = __pa(s2->pgt.pgd);

	/* The split walker draws its tables from the MMU's split cache. */
	s2_topup(test, &s2->mmu.split_page_cache, 0);
	s2_topup(test, &s2->mc, 0);
	return 0;
}

static void s2_test_exit(struct kunit *test)
{
	if (!s2)
		return;
	if (s2->poller)
		kthread_stop(s2->poller);
	kvm_pgtable_stage2_destroy(&s2->pgt);
	s2_drain(&s2->mc);
	s2_drain(&s2->mmu.split_page_cache);
	s2 = NULL;
}

static int s2_map(struct kunit *test, u64 addr, u64 size, u64 phys,
		  enum kvm_pgtable_prot prot)
{
	/* At most one table page per level below the PGD, per call. */
	s2_topup(test, &s2->mc, KVM_PGTABLE_LAST_LEVEL);
	return kvm_pgtable_stage2_map(&s2->pgt, addr, size, phys, prot, &s2->mc, 0);
}

static kvm_pte_t s2_leaf(struct kunit *test, u64 addr, s8 *level)
{
	kvm_pte_t pte = 0;
	s8 l = -1;

	KUNIT_ASSERT_EQ(test, kvm_pgtable_get_leaf(&s2->pgt, addr, &pte, &l), 0);
	if (level)
		*level = l;
	return pte;
}

static u64 s2_pte_oa(kvm_pte_t pte)
{
	return pte & KVM_PTE_ADDR_MASK;
}

/* Everything in a leaf but its output address. */
static kvm_pte_t s2_pte_attrs(kvm_pte_t pte)
{
	return pte & ~KVM_PTE_ADDR_MASK & ~KVM_PTE_TYPE;
}

/* Map and unmap one leaf at levels 3 (page), 2 (2M block) and 1 (1G block). */
static const s8 s2_leaf_levels[] = { 3, 2, 1 };

static void s2_level_desc(const s8 *level, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "level %d (%llu KiB)", *level,
		 kvm_granule_size(*level) / SZ_1K);
}

KUNIT_ARRAY_PARAM(s2_levels, s2_leaf_levels, s2_level_desc);

static void s2_map_unmap_level(struct kunit *test)
{
	const s8 want = *(const s8 *)test->param_value;
	u64 size = kvm_granule_size(want);
	u64 addr = S2_TEST_BASE + S2_GB(4);
	u64 phys = S2_TEST_BASE + S2_GB(8);
	kvm_pte_t pte;
	s8 level;

	KUNIT_ASSERT_EQ(test, s2_map(test, addr, size, phys, KVM_PGTABLE_PROT_RW), 0);

	pte = s2_leaf(test, addr + size - PAGE_SIZE, &level);
	KUNIT_EXPECT_EQ(test, level, want);
	KUNIT_EXPECT_TRUE(test, kvm_pte_valid(pte));
	KUNIT_EXPECT_EQ(test, s2_pte_oa(pte), phys);
	KUNIT_EXPECT_EQ(test, pte & (S2_PTE_R | S2_PTE_W | S2_PTE_AF),
			S2_PTE_R | S2_PTE_W | S2_PTE_AF);
	KUNIT_EXPECT_EQ(test, !!(pte & KVM_PTE_TYPE), want == KVM_PGTABLE_LAST_LEVEL);
	KUNIT_EXPECT_EQ(test, kvm_pgtable_stage2_pte_prot(pte), KVM_PGTABLE_PROT_RW);

	/* Neighbours stay unmapped. */
	KUNIT_EXPECT_FALSE(test, kvm_pte_valid(s2_leaf(test, addr - PAGE_SIZE, NULL)));
	KUNIT_EXPECT_FALSE(test, kvm_pte_valid(s2_leaf(test, addr + size, NULL)));

	KUNIT_ASSERT_EQ(test, kvm_pgtable_stage2_unmap(&s2->pgt, addr, size), 0);
	pte = s2_leaf(test, addr, &level);
	KUNIT_EXPECT_FALSE(test, kvm_pte_valid(pte));

	/* Every table page taken for the mapping went back. */
	KUNIT_EXPECT_EQ(test, s2->pages_in, s2->pages_out);
}

static int s2_pgd_page_count(void)
{
	return page_count(virt_to_page(s2->pgt.pgd));
}

static void s2_refcount_after_unmap(struct kunit *test)
{
	u64 base = S2_TEST_BASE;
	int pgd_count = s2_pgd_page_count();
	int i;

	/* Pages, 2M blocks and a 1G block, spread over several tables. */
	for (i = 0; i < 64; i++)
		KUNIT_ASSERT_EQ(test, s2_map(test, base + i * 3 * PAGE_SIZE, PAGE_SIZE,
					     base + i * PAGE_SIZE, KVM_PGTABLE_PROT_RW), 0);
	for (i = 1; i < 8; i++)
		KUNIT_ASSERT_EQ(test, s2_map(test, base + i * SZ_2M * 5, SZ_2M,
					     base + i * SZ_2M, KVM_PGTABLE_PROT_R), 0);
	KUNIT_ASSERT_EQ(test, s2_map(test, base + S2_GB(2), SZ_1G, base,
				     KVM_PGTABLE_PROT_RWX), 0);

	/* One level-2 table for the first 1G, one level-3 table for the pages. */
	KUNIT_EXPECT_EQ(test, s2->pages_in, 2);
	KUNIT_EXPECT_EQ(test, s2->pages_out, 0);
	KUNIT_EXPECT_EQ(test, s2_pgd_page_count(), pgd_count + 2);

	KUNIT_ASSERT_EQ(test, kvm_pgtable_stage2_unmap(&s2->pgt, base, S2_GB(3)), 0);
	KUNIT_EXPECT_EQ(test, s2->pages_in, s2->pages_out);
	KUNIT_EXPECT_EQ(test, s2_pgd_page_count(), pgd_count);
}

static void s2_wrprotect_relax_perms(struct kunit *test)
{
	u64 addr = S2_TEST_BASE;
	kvm_pte_t pte;
	int i;

	KUNIT_ASSERT_EQ(test, s2_map(test, addr, 8 * PAGE_SIZE, addr, KVM_PGTABLE_PROT_RW), 0);
	KUNIT_ASSERT_EQ(test, kvm_pgtable_stage2_wrprotect(&s2->pgt, addr, 8 * PAGE_SIZE), 0);
	for (i = 0; i < 8; i++) {
		pte = s2_leaf(test, addr + i * PAGE_SIZE, NULL);
		KUNIT_EXPECT_TRUE(test, kvm_pte_valid(pte));
		KUNIT_EXPECT_EQ(test, pte & (S2_PTE_R | S2_PTE_W), S2_PTE_R);
	}

	/* A write fault on page 3 relaxes just that page. */
	KUNIT_ASSERT_EQ(test, kvm_pgtable_stage2_relax_perms(&s2->pgt, addr + 3 * PAGE_SIZE,
							     KVM_PGTABLE_PROT_W, 0), 0);
	for (i = 0; i < 8; i++) {
		pte = s2_leaf(test, addr + i * PAGE_SIZE, NULL);
		KUNIT_EXPECT_EQ(test, !!(pte & S2_PTE_W), i == 3);
		KUNIT_EXPECT_EQ(test, s2_pte_oa(pte), addr + i * PAGE_SIZE);
	}

	/* relax_perms only adds permissions: asking for R changes nothing. */
	KUNIT_ASSERT_EQ(test, kvm_pgtable_stage2_relax_perms(&s2->pgt, addr + 3 * PAGE_SIZE,
							     KVM_PGTABLE_PROT_R, 0), 0);
	KUNIT_EXPECT_TRUE(test, s2_leaf(test, addr + 3 * PAGE_SIZE, NULL) & S2_PTE_W);
}

static void s2_young(struct kunit *test)
{
	u64 addr = S2_TEST_BASE;

	KUNIT_ASSERT_EQ(test, s2_map(test, addr, 4 * PAGE_SIZE, addr, KVM_PGTABLE_PROT_RW), 0);
	KUNIT_EXPECT_TRUE(test, s2_leaf(test, addr, NULL) & S2_PTE_AF);

	/* Test without clearing, then test-and-clear, then nothing is young. */
	KUNIT_EXPECT_TRUE(test, kvm_pgtable_stage2_test_clear_young(&s2->pgt, addr,
								    4 * PAGE_SIZE, false));
	KUNIT_EXPECT_TRUE(test, s2_leaf(test, addr, NULL) & S2_PTE_AF);
	KUNIT_EXPECT_TRUE(test, kvm_pgtable_stage2_test_clear_young(&s2->pgt, addr,
								    4 * PAGE_SIZE, true));
	KUNIT_EXPECT_FALSE(test, s2_leaf(test, addr + 2 * PAGE_SIZE, NULL) & S2_PTE_AF);
	KUNIT_EXPECT_FALSE(test, kvm_pgtable_stage2_test_clear_young(&s2->pgt, addr,
								     4 * PAGE_SIZE, true));

	/* mkyoung marks exactly one page young again, and keeps it valid. */
	kvm_pgtable_stage2_mkyoung(&s2->pgt, addr + PAGE_SIZE, 0);
	KUNIT_EXPECT_TRUE(test, s2_leaf(test, addr + PAGE_SIZE, NULL) & S2_PTE_AF);
	KUNIT_EXPECT_TRUE(test, kvm_pte_valid(s2_leaf(test, addr + PAGE_SIZE, NULL)));
	KUNIT_EXPECT_FALSE(test, s2_leaf(test, addr, NULL) & S2_PTE_AF);
	KUNIT_EXPECT_TRUE(test, kvm_pgtable_stage2_test_clear_young(&s2->pgt, addr,
								    4 * PAGE_SIZE, false));
}

/*
 * Map a block of @size at @addr, check it sits at @want_level, then split it
 * eagerly with @nr_pages in the split cache.  Returns the block descriptor.
 */
static kvm_pte_t s2_map_and_split(struct kunit *test, u64 addr, u64 size, u64 phys,
				  enum kvm_pgtable_prot prot, s8 want_level, int nr_pages)
{
	kvm_pte_t block;
	s8 level;

	KUNIT_ASSERT_EQ(test, s2_map(test, addr, size, phys, prot), 0);
	block = s2_leaf(test, addr, &level);
	KUNIT_ASSERT_EQ(test, level, want_level);

	s2_topup(test, &s2->mmu.split_page_cache, nr_pages);
	KUNIT_ASSERT_EQ(test, kvm_pgtable_stage2_split(&s2->pgt, addr, size,
						       &s2->mmu.split_page_cache), 0);
	return block;
}

/*
 * Every @step of [@addr, @addr + @size) is now a valid page mapping the same
 * offset from @phys, with the attributes of @block.
 */
static void s2_expect_split(struct kunit *test, u64 addr, u64 size, u64 step,
			    u64 phys, kvm_pte_t block)
{
	kvm_pte_t pte;
	u64 off;
	s8 level;

	for (off = 0; off < size; off += step) {
		pte = s2_leaf(test, addr + off, &level);
		KUNIT_ASSERT_EQ(test, level, KVM_PGTABLE_LAST_LEVEL);
		KUNIT_ASSERT_TRUE(test, kvm_pte_valid(pte));
		KUNIT_EXPECT_EQ(test, s2_pte_oa(pte), phys + off);
		KUNIT_EXPECT_EQ(test, s2_pte_attrs(pte), s2_pte_attrs(block));
	}
}

/* Eager split of a 2M block: 512 pages, same output addresses and attributes. */
static void s2_split_block(struct kunit *test)
{
	u64 addr = S2_TEST_BASE + SZ_2M, phys = S2_TEST_BASE + 64 * SZ_2M;
	kvm_pte_t block;

	block = s2_map_and_split(test, addr, SZ_2M, phys, KVM_PGTABLE_PROT_RWX, 2, 1);
	KUNIT_EXPECT_EQ(test, s2->mmu.split_page_cache.nobjs, 0);
	s2_expect_split(test, addr, SZ_2M, PAGE_SIZE, phys, block);

	/* Splitting again finds no block and takes no page. */
	s2_topup(test, &s2->mmu.split_page_cache, 1);
	KUNIT_ASSERT_EQ(test, kvm_pgtable_stage2_split(&s2->pgt, addr, SZ_2M,
						       &s2->mmu.split_page_cache), 0);
	KUNIT_EXPECT_EQ(test, s2->mmu.split_page_cache.nobjs, 1);
}

/* A 1G block splits into 2M tables of pages when the cache allows it. */
static void s2_split_1g_block(struct kunit *test)
{
	u64 addr = S2_GB(2), phys = S2_GB(5);
	kvm_pte_t block;

	block = s2_map_and_split(test, addr, SZ_1G, phys, KVM_PGTABLE_PROT_R, 1,
				 PTRS_PER_PTE + 1);
	s2_expect_split(test, addr, SZ_1G, SZ_2M + PAGE_SIZE, phys, block);
}

/* Mapping a block over a table of pages replaces the table: a collapse. */
static void s2_collapse_table(struct kunit *test)
{
	u64 addr = S2_TEST_BASE + 4 * SZ_2M, phys = S2_TEST_BASE + 32 * SZ_2M;
	kvm_pte_t pte;
	s8 level;
	int i, tables;

	for (i = 0; i < PTRS_PER_PTE; i++)
		KUNIT_ASSERT_EQ(test, s2_map(test, addr + i * PAGE_SIZE, PAGE_SIZE,
					     phys + i * PAGE_SIZE, KVM_PGTABLE_PROT_RW), 0);
	s2_leaf(test, addr, &level);
	KUNIT_ASSERT_EQ(test, level, KVM_PGTABLE_LAST_LEVEL);
	tables = s2->pages_in - s2->pages_out;

	KUNIT_ASSERT_EQ(test, s2_map(test, addr, SZ_2M, phys, KVM_PGTABLE_PROT_RW), 0);
	pte = s2_leaf(test, addr + SZ_1M, &level);
	KUNIT_EXPECT_EQ(test, level, 2);
	KUNIT_EXPECT_EQ(test, s2_pte_oa(pte), phys);
	KUNIT_EXPECT_EQ(test, kvm_pgtable_stage2_pte_prot(pte), KVM_PGTABLE_PROT_RW);

	/* The page table went through free_unlinked_table() and was freed. */
	KUNIT_EXPECT_EQ(test, s2->unlinked_freed, 1);
	KUNIT_EXPECT_EQ(test, s2->pages_in - s2->pages_out, tables - 1);
}

struct s2_range_walk {
	u64	start, end;
	int	leaves, valid, outside;
};

static int s2_range_visitor(const struct kvm_pgtable_visit_ctx *ctx,
			    enum kvm_pgtable_walk_flags visit)
{
	struct s2_range_walk *w = ctx->arg;

	w->leaves++;
	if (kvm_pte_valid(ctx->old))
		w->valid++;
	if (ctx->addr + kvm_granule_size(ctx->level) <= w->start || ctx->addr >= w->end)
		w->outside++;
	return 0;
}

/* The walker visits the range asked for and changes nothing outside it. */
static void s2_walk_range(struct kunit *test)
{
	u64 addr = S2_TEST_BASE + SZ_2M - 16 * PAGE_SIZE;	/* straddles two tables */
	const int nr = 48, first = 5, count = 27;
	struct s2_range_walk w = {
		.start	= addr + first * PAGE_SIZE,
		.end	= addr + (first + count) * PAGE_SIZE,
	};
	struct kvm_pgtable_walker walker = {
		.cb	= s2_range_visitor,
		.flags	= KVM_PGTABLE_WALK_LEAF,
		.arg	= &w,
	};
	kvm_pte_t pte;
	int i;

	KUNIT_ASSERT_EQ(test, s2_map(test, addr, nr * PAGE_SIZE, addr, KVM_PGTABLE_PROT_RW), 0);

	KUNIT_ASSERT_EQ(test, kvm_pgtable_walk(&s2->pgt, w.start, w.end - w.start, &walker), 0);
	KUNIT_EXPECT_EQ(test, w.leaves, count);
	KUNIT_EXPECT_EQ(test, w.valid, count);
	KUNIT_EXPECT_EQ(test, w.outside, 0);

	KUNIT_ASSERT_EQ(test, kvm_pgtable_stage2_wrprotect(&s2->pgt, w.start, w.end - w.start), 0);
	for (i = 0; i < nr; i++) {
		bool inside = i >= first && i < first + count;

		pte = s2_leaf(test, addr + i * PAGE_SIZE, NULL);
		KUNIT_EXPECT_TRUE(test, kvm_pte_valid(pte));
		KUNIT_EXPECT_EQ_MSG(test, !!(pte & S2_PTE_W), !inside, "page %d", i);
	}

	KUNIT_ASSERT_EQ(test, kvm_pgtable_stage2_unmap(&s2->pgt, w.start, w.end - w.start), 0);
	for (i = 0; i < nr; i++) {
		bool inside = i >= first && i < first + count;

		pte = s2_leaf(test, addr + i * PAGE_SIZE, NULL);
		KUNIT_EXPECT_EQ_MSG(test, kvm_pte_valid(pte), !inside, "page %d", i);
	}
}

/*
 * Hardware dirty state (DBM). Nothing walks these tables in hardware: the
 * cases play the CPU's part, setting S2AP[1] of writable-clean leaves with a
 * compare-and-exchange as the hardware's atomic update does.
 */
static bool s2_hw_write(kvm_pte_t *ptep)
{
	kvm_pte_t old = READ_ONCE(*ptep);

	if (!kvm_pte_valid(old) || !(old & S2_PTE_DBM) || (old & S2_PTE_W))
		return false;
	return try_cmpxchg(ptep, &old, old | S2_PTE_W);
}

struct s2_pteps {
	u64		base;
	kvm_pte_t	**ptep;
};

static int s2_pteps_visitor(const struct kvm_pgtable_visit_ctx *ctx,
			    enum kvm_pgtable_walk_flags visit)
{
	struct s2_pteps *p = ctx->arg;

	if (ctx->level == KVM_PGTABLE_LAST_LEVEL && kvm_pte_valid(ctx->old))
		p->ptep[(ctx->addr - p->base) >> PAGE_SHIFT] = ctx->ptep;
	return 0;
}

/* @ptep[i]: the descriptor of page i from @base if it is valid, or NULL. */
static void s2_find_pteps(struct kunit *test, u64 base, u64 nr, kvm_pte_t **ptep)
{
	struct s2_pteps p = { .base = base, .ptep = ptep };
	struct kvm_pgtable_walker walker = {
		.cb	= s2_pteps_visitor,
		.flags	= KVM_PGTABLE_WALK_LEAF,
		.arg	= &p,
	};

	memset(ptep, 0, nr * sizeof(*ptep));
	KUNIT_ASSERT_EQ(test, kvm_pgtable_walk(&s2->pgt, base, nr * PAGE_SIZE, &walker), 0);
}

struct s2_ptep_walk {
	kvm_pte_t	*ptep[S2_DBM_PAGES];
};

/* Map the DBM pages writable (W, no DBM) and find their descriptors. */
static void s2_dbm_setup(struct kunit *test, u64 base, struct s2_ptep_walk *w,
			 enum kvm_pgtable_prot prot)
{
	int i;

	s2->dbm_base = base;
	KUNIT_ASSERT_EQ(test, s2_map(test, base, S2_DBM_PAGES * PAGE_SIZE, base, prot), 0);
	s2_find_pteps(test, base, S2_DBM_PAGES, w->ptep);
	for (i = 0; i < S2_DBM_PAGES; i++)
		KUNIT_ASSERT_NOT_NULL(test, w->ptep[i]);
}

static int s2_reported(int i)
{
	return atomic_read(&s2->reported[i]);
}

/* Clean makes writable pages writable-clean; harvest finds exactly the dirty ones. */
static void s2_dbm_clean_harvest(struct kunit *test)
{
	u64 base = S2_TEST_BASE + S2_GB(4), block = S2_TEST_BASE + S2_GB(5);
	unsigned long *bmap = kunit_kzalloc(test, BITS_TO_LONGS(S2_DBM_PAGES) *
					    sizeof(long), GFP_KERNEL);
	struct s2_ptep_walk w = {};
	kvm_pte_t pte;
	long dirty;
	int i;

	KUNIT_ASSERT_NOT_NULL(test, bmap);
	s2_dbm_setup(test, base, &w, KVM_PGTABLE_PROT_RW);
	KUNIT_ASSERT_EQ(test, s2_map(test, block, SZ_2M, block, KVM_PGTABLE_PROT_RW), 0);

	KUNIT_ASSERT_EQ(test, kvm_pgtable_stage2_wrclean(&s2->pgt, base,
							 S2_DBM_PAGES * PAGE_SIZE), 0);
	KUNIT_ASSERT_EQ(test, kvm_pgtable_stage2_wrclean(&s2->pgt, block, SZ_2M), 0);
	for (i = 0; i < S2_DBM_PAGES; i++) {
		pte = READ_ONCE(*w.ptep[i]);
		KUNIT_EXPECT_EQ_MSG(test, pte & (S2_PTE_W | S2_PTE_DBM | S2_PTE_R),
				    S2_PTE_DBM | S2_PTE_R, "page %d", i);
	}
	/* A block is write-protected, never writable-clean. */
	pte = s2_leaf(test, block, NULL);
	KUNIT_EXPECT_EQ(test, pte & (S2_PTE_W | S2_PTE_DBM), 0);

	/* The "hardware" writes every third page. */
	for (i = 0; i < S2_DBM_PAGES; i += 3)
		KUNIT_EXPECT_TRUE(test, s2_hw_write(w.ptep[i]));

	dirty = kvm_pgtable_stage2_harvest_dirty(&s2->pgt, base, S2_DBM_PAGES * PAGE_SIZE,
						 bmap, base, 0);
	KUNIT_EXPECT_EQ(test, dirty, (S2_DBM_PAGES + 2) / 3);
	for (i = 0; i < S2_DBM_PAGES; i++)
		KUNIT_EXPECT_EQ_MSG(test, test_bit_le(i, bmap), !(i % 3), "page %d", i);

	/* Harvest does not clean: a second harvest finds the same pages. */
	bitmap_zero(bmap, S2_DBM_PAGES);
	KUNIT_EXPECT_EQ(test, kvm_pgtable_stage2_harvest_dirty(&s2->pgt, base,
							       S2_DBM_PAGES * PAGE_SIZE,
							       bmap, base, 0), dirty);

	/* Cleaning pages 8..15 leaves the other dirty pages dirty. */
	KUNIT_ASSERT_EQ(test, kvm_pgtable_stage2_wrclean(&s2->pgt, base + 8 * PAGE_SIZE,
							 8 * PAGE_SIZE), 0);
	bitmap_zero(bmap, S2_DBM_PAGES);
	kvm_pgtable_stage2_harvest_dirty(&s2->pgt, base, S2_DBM_PAGES * PAGE_SIZE, bmap, base, 0);
	for (i = 0; i < S2_DBM_PAGES; i++)
		KUNIT_EXPECT_EQ_MSG(test, test_bit_le(i, bmap),
				    !(i % 3) && (i < 8 || i >= 16), "page %d", i);

	/* A harvest with a bitmap base below the range offsets its bits. */
	bitmap_zero(bmap, S2_DBM_PAGES);
	kvm_pgtable_stage2_harvest_dirty(&s2->pgt, base + 32 * PAGE_SIZE, 32 * PAGE_SIZE,
					 bmap, base, 0);
	for (i = 0; i < S2_DBM_PAGES; i++)
		KUNIT_EXPECT_EQ_MSG(test, test_bit_le(i, bmap), i >= 32 && !(i % 3),
				    "page %d", i);

	/* Clean and harvest never report: the caller owns that dirty state. */
	KUNIT_EXPECT_EQ(test, atomic_read(&s2->reported_outside), 0);
	for (i = 0; i < S2_DBM_PAGES; i++)
		KUNIT_EXPECT_EQ(test, s2_reported(i), 0);
}

/*
 * A harvest of any range of pages, with bit 0 of the bitmap at any page, sets
 * the bits of exactly the writable-dirty pages of the range: from the first
 * and last entries of a table, across tables, words of the bitmap and a
 * block, past invalid entries; in an exclusive and in a shared walk.
 */
#define S2_HARVEST_PAGES	(3 * PTRS_PER_PTE)
#define S2_HARVEST_BITS		(S2_HARVEST_PAGES + 2 * BITS_PER_LONG)

static void s2_harvest_ranges(struct kunit *test)
{
	static const struct { u32 first, nr, off; } cases[] = {
		{ 0, S2_HARVEST_PAGES, 0 }, { 0, S2_HARVEST_PAGES, 13 },
		{ 1, 1, 0 }, { 5, 600, 0 }, { 63, 2, 0 }, { 511, 2, 0 },
		{ 500, 1036, 77 }, { 1023, 513, 13 }, { 1100, 436, 0 },
		{ 0, 512, 0 }, { 37, 63, 64 }, { 1535, 1, 5 }, { 512, 512, 3 },
	};
	u64 base = S2_TEST_BASE + S2_GB(4);
	unsigned long *bmap = kunit_kcalloc(test, BITS_TO_LONGS(S2_HARVEST_BITS),
					    sizeof(long), GFP_KERNEL);
	bool *dirty = kunit_kcalloc(test, S2_HARVEST_PAGES, sizeof(bool), GFP_KERNEL);
	kvm_pte_t **ptep = kunit_kcalloc(test, S2_HARVEST_PAGES, sizeof(*ptep), GFP_KERNEL);
	int c, f, i, t;

	KUNIT_ASSERT_NOT_NULL(test, bmap);
	KUNIT_ASSERT_NOT_NULL(test, dirty);
	KUNIT_ASSERT_NOT_NULL(test, ptep);

	/* Tables of pages at 0 and 1024, a block at 512; 100..103 unmapped. */
	for (t = 0; t < 3; t++) {
		u64 addr = base + t * SZ_2M;

		KUNIT_ASSERT_EQ(test, s2_map(test, addr, SZ_2M, addr, KVM_PGTABLE_PROT_RW), 0);
		if (t == 1)
			continue;
		s2_topup(test, &s2->mmu.split_page_cache, 1);
		KUNIT_ASSERT_EQ(test, kvm_pgtable_stage2_split(&s2->pgt, addr, SZ_2M,
							       &s2->mmu.split_page_cache), 0);
	}
	KUNIT_ASSERT_EQ(test, kvm_pgtable_stage2_unmap(&s2->pgt, base + 100 * PAGE_SIZE,
						       4 * PAGE_SIZE), 0);
	KUNIT_ASSERT_EQ(test, kvm_pgtable_stage2_wrclean(&s2->pgt, base,
							 S2_HARVEST_PAGES * PAGE_SIZE), 0);
	s2_find_pteps(test, base, S2_HARVEST_PAGES, ptep);
	KUNIT_ASSERT_NULL(test, ptep[100]);
	KUNIT_ASSERT_NULL(test, ptep[600]);
	KUNIT_ASSERT_NOT_NULL(test, ptep[1535]);

	/* The "hardware" writes an irregular set of pages. */
	for (i = 0; i < S2_HARVEST_PAGES; i++) {
		if (!ptep[i] || (i % 7 && i % 11 != 3 && i != 511 && i != 1535))
			continue;
		KUNIT_ASSERT_TRUE(test, s2_hw_write(ptep[i]));
		dirty[i] = true;
	}

	for (f = 0; f < 2; f++) {
		for (c = 0; c < ARRAY_SIZE(cases); c++) {
			u32 first = cases[c].first, nr = cases[c].nr, off = cases[c].off;
			int bad = -1, want = 0;
			long got;

			bitmap_zero(bmap, S2_HARVEST_BITS);
			got = kvm_pgtable_stage2_harvest_dirty(&s2->pgt,
							       base + first * PAGE_SIZE,
							       nr * PAGE_SIZE, bmap,
							       base - off * PAGE_SIZE,
							       f ? KVM_PGTABLE_WALK_SHARED : 0);
			for (i = 0; i < S2_HARVEST_BITS; i++) {
				int page = i - off;
				bool in = page >= first && page < first + nr && dirty[page];

				want += in;
				if (bad < 0 && test_bit_le(i, bmap) != in)
					bad = i;
			}
			KUNIT_EXPECT_EQ_MSG(test, got, want, "pages %u+%u, bit 0 at page -%u%s",
					    first, nr, off, f ? ", shared" : "");
			KUNIT_EXPECT_EQ_MSG(test, bad, -1, "pages %u+%u, bit 0 at page -%u%s",
					    first, nr, off, f ? ", shared" : "");
		}
	}

	/* Harvests never report, nor clean: the dirty pages are still dirty. */
	KUNIT_EXPECT_EQ(test, atomic_read(&s2->reported_outside), 0);
	for (i = 0; i < S2_HARVEST_PAGES; i++)
		if (dirty[i])
			KUNIT_EXPECT_TRUE(test, READ_ONCE(*ptep[i]) & S2_PTE_W);
}

/* Write-protect, unmap, break-before-make and collapse report dirty leaves. */
static void s2_dbm_updates_report(struct kunit *test)
{
	u64 base = S2_TEST_BASE + S2_GB(4);
	struct s2_ptep_walk w = {};
	kvm_pte_t pte;
	int i;

	s2_dbm_setup(test, base, &w, KVM_PGTABLE_PROT_R | KVM_PGTABLE_PROT_DBM);
	for (i = 0; i < S2_DBM_PAGES; i++) {
		pte = READ_ONCE(*w.ptep[i]);
		KUNIT_ASSERT_EQ(test, pte & (S2_PTE_W | S2_PTE_DBM), S2_PTE_DBM);
	}

	/* Write-protect pages 0..15 (0, 2, ... dirty): DBM goes, dirty is reported. */
	for (i = 0; i < 16; i += 2)
		s2_hw_write(w.ptep[i]);
	KUNIT_ASSERT_EQ(test, kvm_pgtable_stage2_wrprotect(&s2->pgt, base, 16 * PAGE_SIZE), 0);
	for (i = 0; i < 16; i++) {
		pte = READ_ONCE(*w.ptep[i]);
		KUNIT_EXPECT_EQ_MSG(test, pte & (S2_PTE_W | S2_PTE_DBM), 0, "page %d", i);
		KUNIT_EXPECT_EQ_MSG(test, s2_reported(i), !(i & 1), "page %d", i);
	}

	/* Aging keeps the dirty state: nothing to report. */
	s2_hw_write(w.ptep[20]);
	KUNIT_EXPECT_TRUE(test, kvm_pgtable_stage2_test_clear_young(&s2->pgt,
								    base + 20 * PAGE_SIZE,
								    PAGE_SIZE, true));
	KUNIT_EXPECT_EQ(test, READ_ONCE(*w.ptep[20]) & (S2_PTE_W | S2_PTE_AF), S2_PTE_W);
	KUNIT_EXPECT_EQ(test, s2_reported(20), 0);

	/* Unmap reports the dirty pages it removes, once. */
	s2_hw_write(w.ptep[21]);
	KUNIT_ASSERT_EQ(test, kvm_pgtable_stage2_unmap(&s2->pgt, base + 16 * PAGE_SIZE,
						       16 * PAGE_SIZE), 0);
	for (i = 16; i < 32; i++)
		KUNIT_EXPECT_EQ_MSG(test, s2_reported(i), i == 20 || i == 21, "page %d", i);

	/* Break-before-make (a new output address) reports the old dirty leaf. */
	s2_hw_write(w.ptep[40]);
	KUNIT_ASSERT_EQ(test, s2_map(test, base + 40 * PAGE_SIZE, PAGE_SIZE, base + SZ_1G,
				     KVM_PGTABLE_PROT_R | KVM_PGTABLE_PROT_DBM), 0);
	KUNIT_EXPECT_EQ(test, s2_reported(40), 1);
	KUNIT_EXPECT_EQ(test, s2_pte_oa(READ_ONCE(*w.ptep[40])), base + SZ_1G);

	/* Collapsing the table into a block reports its dirty leaves. */
	s2_hw_write(w.ptep[50]);
	s2_hw_write(w.ptep[63]);
	KUNIT_ASSERT_EQ(test, s2_map(test, base, SZ_2M, base, KVM_PGTABLE_PROT_RW), 0);
	KUNIT_EXPECT_EQ(test, s2->unlinked_freed, 1);
	for (i = 32; i < S2_DBM_PAGES; i++)
		KUNIT_EXPECT_EQ_MSG(test, s2_reported(i), i == 40 || i == 50 || i == 63,
				    "page %d", i);
	KUNIT_EXPECT_EQ(test, atomic_read(&s2->reported_outside), 0);
}

static int s2_leaf_ptep_visitor(const struct kvm_pgtable_visit_ctx *ctx,
				enum kvm_pgtable_walk_flags visit)
{
	kvm_pte_t **ptep = ctx->arg;

	*ptep = ctx->ptep;
	return 0;
}

/* The descriptor of the leaf that maps @addr, at whatever level. */
static kvm_pte_t *s2_leaf_ptep(struct kunit *test, u64 addr)
{
	kvm_pte_t *ptep = NULL;
	struct kvm_pgtable_walker walker = {
		.cb	= s2_leaf_ptep_visitor,
		.flags	= KVM_PGTABLE_WALK_LEAF,
		.arg	= &ptep,
	};

	KUNIT_ASSERT_EQ(test, kvm_pgtable_walk(&s2->pgt, addr, PAGE_SIZE, &walker), 0);
	KUNIT_ASSERT_NOT_NULL(test, ptep);
	return ptep;
}

/*
 * Only page mappings carry DBM. A block mapped with it is write-protected
 * instead. relax_perms() of a page that another vCPU
 * has just collapsed into a block, as a write fault in a dirty-logged memslot
 * asks for it (R|W|DBM, shared walk), gives up and leaves the block as it
 * was; write-clean of a block that has DBM all the same takes W and DBM away
 * and reports the block whole, whatever part of it the mask covered.
 */
static void s2_dbm_never_on_block(struct kunit *test)
{
	u64 block = S2_TEST_BASE + S2_GB(5);
	kvm_pte_t pte, *ptep;
	s8 level;

	s2->dbm_block = block;
	/* Mapped with DBM (writable-clean), a block is write-protected instead. */
	KUNIT_ASSERT_EQ(test, s2_map(test, block, SZ_2M, block,
				     KVM_PGTABLE_PROT_RW | KVM_PGTABLE_PROT_DBM), 0);
	pte = s2_leaf(test, block, &level);
	KUNIT_EXPECT_EQ(test, level, 2);
	KUNIT_EXPECT_EQ(test, pte & (S2_PTE_R | S2_PTE_W | S2_PTE_DBM), S2_PTE_R);
	KUNIT_ASSERT_EQ(test, kvm_pgtable_stage2_unmap(&s2->pgt, block, SZ_2M), 0);

	KUNIT_ASSERT_EQ(test, s2_map(test, block, SZ_2M, block, KVM_PGTABLE_PROT_RW), 0);
	KUNIT_EXPECT_EQ(test, kvm_pgtable_stage2_relax_perms(&s2->pgt, block + 5 * PAGE_SIZE,
							     KVM_PGTABLE_PROT_RW |
							     KVM_PGTABLE_PROT_DBM,
							     KVM_PGTABLE_WALK_SHARED), -EAGAIN);
	pte = s2_leaf(test, block + 5 * PAGE_SIZE, &level);
	KUNIT_EXPECT_EQ(test, level, 2);
	KUNIT_EXPECT_EQ(test, pte & (S2_PTE_R | S2_PTE_W | S2_PTE_DBM), S2_PTE_R | S2_PTE_W);

	/* The same on a read-only block: no W, no DBM. */
	KUNIT_ASSERT_EQ(test, kvm_pgtable_stage2_wrprotect(&s2->pgt, block, SZ_2M), 0);
	KUNIT_EXPECT_EQ(test, kvm_pgtable_stage2_relax_perms(&s2->pgt, block,
							     KVM_PGTABLE_PROT_RW |
							     KVM_PGTABLE_PROT_DBM,
							     KVM_PGTABLE_WALK_SHARED), -EAGAIN);
	KUNIT_EXPECT_EQ(test, s2_leaf(test, block, NULL) & (S2_PTE_W | S2_PTE_DBM), 0);

	/* A page still gets DBM. */
	KUNIT_ASSERT_EQ(test, s2_map(test, S2_TEST_BASE, PAGE_SIZE, S2_TEST_BASE,
				     KVM_PGTABLE_PROT_R), 0);
	KUNIT_EXPECT_EQ(test, kvm_pgtable_stage2_relax_perms(&s2->pgt, S2_TEST_BASE,
							     KVM_PGTABLE_PROT_RW |
							     KVM_PGTABLE_PROT_DBM,
							     KVM_PGTABLE_WALK_SHARED), 0);
	KUNIT_EXPECT_EQ(test, s2_leaf(test, S2_TEST_BASE, NULL) & (S2_PTE_W | S2_PTE_DBM),
			S2_PTE_W | S2_PTE_DBM);

	/* DBM on a block by hand, writable-clean and then writable-dirty. */
	ptep = s2_leaf_ptep(test, block);
	WRITE_ONCE(*ptep, READ_ONCE(*ptep) | S2_PTE_DBM);
	KUNIT_ASSERT_EQ(test, kvm_pgtable_stage2_wrclean(&s2->pgt, block + 7 * PAGE_SIZE,
							 PAGE_SIZE), 0);
	KUNIT_EXPECT_EQ(test, READ_ONCE(*ptep) & (S2_PTE_W | S2_PTE_DBM), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&s2->reported_block_pages), 0);

	WRITE_ONCE(*ptep, READ_ONCE(*ptep) | S2_PTE_W | S2_PTE_DBM);
	KUNIT_ASSERT_EQ(test, kvm_pgtable_stage2_wrclean(&s2->pgt, block + 7 * PAGE_SIZE,
							 PAGE_SIZE), 0);
	KUNIT_EXPECT_EQ(test, READ_ONCE(*ptep) & (S2_PTE_W | S2_PTE_DBM), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&s2->reported_block_pages), PTRS_PER_PTE);
	KUNIT_EXPECT_EQ(test, atomic_read(&s2->reported_outside), 0);
}

/*
 * DBM only goes where the fault path would put it: Normal cacheable memory.
 * Write-clean of a writable Device or Normal-NC page write-protects it, as
 * write-protection logging does, and never gives it DBM.
 */
static void s2_wrclean_skips_uncached(struct kunit *test)
{
	static const enum kvm_pgtable_prot attr[] = {
		KVM_PGTABLE_PROT_DEVICE, KVM_PGTABLE_PROT_NORMAL_NC, 0,
	};
	u64 base = S2_TEST_BASE + S2_GB(6);
	int i;

	for (i = 0; i < ARRAY_SIZE(attr); i++) {
		u64 addr = base + i * PAGE_SIZE;
		kvm_pte_t pte;

		KUNIT_ASSERT_EQ(test, s2_map(test, addr, PAGE_SIZE, addr,
					     KVM_PGTABLE_PROT_RW | attr[i]), 0);
		KUNIT_ASSERT_EQ(test, kvm_pgtable_stage2_wrclean(&s2->pgt, addr,
								 PAGE_SIZE), 0);
		pte = s2_leaf(test, addr, NULL);
		KUNIT_EXPECT_EQ_MSG(test, pte & (S2_PTE_W | S2_PTE_DBM),
				    attr[i] ? 0 : S2_PTE_DBM, "prot %#lx",
				    (unsigned long)attr[i]);
	}
}

/*
 * A block that is writable-dirty (DBM set by hand: the walkers never set it)
 * is dirty in every page: the harvest finds each page of the range, and an
 * unmap or a split that removes it reports all 512 of them.
 */
static void s2_dbm_block_dirty_reported(struct kunit *test)
{
	u64 block = S2_TEST_BASE + S2_GB(5);
	unsigned long *bmap = kunit_kcalloc(test, BITS_TO_LONGS(PTRS_PER_PTE),
					    sizeof(long), GFP_KERNEL);
	kvm_pte_t *ptep;
	bool nobbm;
	int i, tlbi;

	KUNIT_ASSERT_NOT_NULL(test, bmap);
	s2->dbm_block = block;
	KUNIT_ASSERT_EQ(test, s2_map(test, block, SZ_2M, block, KVM_PGTABLE_PROT_RW), 0);
	ptep = s2_leaf_ptep(test, block);
	WRITE_ONCE(*ptep, READ_ONCE(*ptep) | S2_PTE_DBM);

	KUNIT_EXPECT_EQ(test, kvm_pgtable_stage2_harvest_dirty(&s2->pgt, block, SZ_2M,
							       bmap, block, 0), PTRS_PER_PTE);
	KUNIT_EXPECT_EQ(test, bitmap_weight(bmap, PTRS_PER_PTE), PTRS_PER_PTE);

	/* Part of the block, at an offset in the bitmap; a shared walk too. */
	bitmap_zero(bmap, PTRS_PER_PTE);
	KUNIT_EXPECT_EQ(test, kvm_pgtable_stage2_harvest_dirty(&s2->pgt,
							       block + 100 * PAGE_SIZE,
							       10 * PAGE_SIZE, bmap, block,
							       KVM_PGTABLE_WALK_SHARED), 10);
	for (i = 0; i < PTRS_PER_PTE; i++)
		KUNIT_EXPECT_EQ_MSG(test, test_bit_le(i, bmap), i >= 100 && i < 110,
				    "page %d", i);
	/* The harvest does not report: the bitmap is the caller's. */
	KUNIT_EXPECT_EQ(test, atomic_read(&s2->reported_block_pages), 0);

	KUNIT_ASSERT_EQ(test, kvm_pgtable_stage2_unmap(&s2->pgt, block, SZ_2M), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&s2->reported_block_pages), PTRS_PER_PTE);

	/*
	 * An eager split: with a break, or (BBM level 3, the vhe-v3 boot)
	 * replacing the live block by a table, after whose invalidation the
	 * block is reported: until then a CPU may still write through it.
	 */
	atomic_set(&s2->reported_block_pages, 0);
	KUNIT_ASSERT_EQ(test, s2_map(test, block, SZ_2M, block, KVM_PGTABLE_PROT_RW), 0);
	ptep = s2_leaf_ptep(test, block);
	WRITE_ONCE(*ptep, READ_ONCE(*ptep) | S2_PTE_DBM);
	s2_topup(test, &s2->mmu.split_page_cache, 1);
	nobbm = s2_skips_bbm();
	if (nobbm)
		s2_require_tlbi_probes(test);
	tlbi = atomic_read(&s2->tlbi);
	KUNIT_ASSERT_EQ(test, kvm_pgtable_stage2_split(&s2->pgt, block, SZ_2M,
						       &s2->mmu.split_page_cache), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&s2->reported_block_pages), PTRS_PER_PTE);
	KUNIT_EXPECT_EQ(test, atomic_read(&s2->reported_outside), 0);
	if (nobbm) {
		KUNIT_EXPECT_EQ(test, s2->splits_nobbm, 1);
		KUNIT_EXPECT_GT_MSG(test, s2->tlbi_at_report, tlbi,
				    "dirty state reported before the invalidation");
	}
}

/*
 * The race: a kthread plays the hardware, making writable-clean pages dirty
 * as fast as it can and counting each one it made dirty, while the test runs
 * every software update of a DBM leaf in turn. Every dirty state the
 * "hardware" set must be found exactly once: harvested (then cleaned),
 * reported by an update, or still in the leaf at the end.
 */
#define S2_RACE_PAGES		(S2_DBM_PAGES - 1)	/* the last one pins the table */
#define S2_RACE_ROUNDS		60

struct s2_race {
	struct s2_ptep_walk	w;
	atomic_t		hw_set[S2_RACE_PAGES];
	atomic_t		hw_attempts;
};

static int s2_race_hw(void *arg)
{
	struct s2_race *r = arg;
	int i;

	while (!kthread_should_stop()) {
		for (i = 0; i < S2_RACE_PAGES; i++) {
			if (s2_hw_write(r->w.ptep[i]))
				atomic_inc(&r->hw_set[i]);
		}
		atomic_inc(&r->hw_attempts);
		cond_resched();
	}
	return 0;
}

static void s2_race_harvest(struct kunit *test, u64 base, unsigned long *bmap, int *collected)
{
	int i;

	bitmap_zero(bmap, S2_DBM_PAGES);
	KUNIT_ASSERT_GE(test, kvm_pgtable_stage2_harvest_dirty(&s2->pgt, base,
							       S2_RACE_PAGES * PAGE_SIZE,
							       bmap, base, 0), 0);
	for (i = 0; i < S2_RACE_PAGES; i++) {
		if (!test_bit_le(i, bmap))
			continue;
		/* A dirty leaf stays dirty until cleaned: clean exactly it. */
		KUNIT_ASSERT_EQ(test, kvm_pgtable_stage2_wrclean(&s2->pgt, base + i * PAGE_SIZE,
								 PAGE_SIZE), 0);
		collected[i]++;
	}
}

static void s2_dbm_race(struct kunit *test)
{
	const enum kvm_pgtable_prot clean = KVM_PGTABLE_PROT_R | KVM_PGTABLE_PROT_DBM;
	u64 base = S2_TEST_BASE + S2_GB(4), size = S2_RACE_PAGES * PAGE_SIZE;
	unsigned long *bmap = kunit_kzalloc(test, BITS_TO_LONGS(S2_DBM_PAGES) *
					    sizeof(long), GFP_KERNEL);
	struct s2_race *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);
	int *collected = kunit_kcalloc(test, S2_RACE_PAGES, sizeof(int), GFP_KERNEL);
	struct task_struct *hw;
	int round, i, lost = 0, extra = 0, total = 0;
	kvm_pte_t pte;

	KUNIT_ASSERT_NOT_NULL(test, bmap);
	KUNIT_ASSERT_NOT_NULL(test, r);
	KUNIT_ASSERT_NOT_NULL(test, collected);
	s2_dbm_setup(test, base, &r->w, clean);
	s2_topup(test, &s2->mc, KVM_PGTABLE_LAST_LEVEL);

	hw = kthread_run(s2_race_hw, r, "s2-dbm-hw");
	KUNIT_ASSERT_FALSE(test, IS_ERR(hw));

	for (round = 0; round < S2_RACE_ROUNDS; round++) {
		switch (round % 5) {
		case 0:	/* aging keeps dirty state, AF goes */
			kvm_pgtable_stage2_test_clear_young(&s2->pgt, base, size, true);
			break;
		case 1:	/* write-protect, then make writable-clean again */
			kvm_pgtable_stage2_wrprotect(&s2->pgt, base, size);
			for (i = 0; i < S2_RACE_PAGES; i++)
				kvm_pgtable_stage2_relax_perms(&s2->pgt, base + i * PAGE_SIZE,
							       clean, 0);
			break;
		case 2:	/* unmap and map again (MMU notifier, memslot removal) */
			kvm_pgtable_stage2_unmap(&s2->pgt, base, size);
			s2_topup(test, &s2->mc, KVM_PGTABLE_LAST_LEVEL);
			kvm_pgtable_stage2_map(&s2->pgt, base, size, base, clean, &s2->mc, 0);
			break;
		case 3:	/* break-before-make to the other output address, and back */
			s2_topup(test, &s2->mc, KVM_PGTABLE_LAST_LEVEL);
			kvm_pgtable_stage2_map(&s2->pgt, base, size, base + SZ_1G, clean,
					       &s2->mc, 0);
			kvm_pgtable_stage2_map(&s2->pgt, base, size, base, clean, &s2->mc, 0);
			break;
		case 4:	/* KVM_GET_DIRTY_LOG: harvest, then clean what was found */
			s2_race_harvest(test, base, bmap, collected);
			break;
		}
		cond_resched();
	}

	kthread_stop(hw);

	/* What the "hardware" left dirty in the leaves. */
	bitmap_zero(bmap, S2_DBM_PAGES);
	kvm_pgtable_stage2_harvest_dirty(&s2->pgt, base, size, bmap, base, 0);

	for (i = 0; i < S2_RACE_PAGES; i++) {
		int set = atomic_read(&r->hw_set[i]);
		int found = collected[i] + s2_reported(i) + test_bit_le(i, bmap);

		total += set;
		if (found < set)
			lost += set - found;
		else
			extra += found - set;
		pte = READ_ONCE(*r->w.ptep[i]);
		KUNIT_EXPECT_TRUE_MSG(test, kvm_pte_valid(pte), "page %d", i);
	}

	kunit_info(test, "%d rounds, %d hardware passes, %d dirty states set, %d lost, %d extra\n",
		   S2_RACE_ROUNDS, atomic_read(&r->hw_attempts), total, lost, extra);
	KUNIT_EXPECT_GT(test, total, 0);
	KUNIT_EXPECT_EQ(test, lost, 0);
	KUNIT_EXPECT_EQ(test, extra, 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&s2->reported_outside), 0);
}

/*
 * FEAT_BBM level 3 without TLB conflict aborts (ARM64_HAS_BBML3): splits and
 * collapses replace the live entry, which must never be seen invalid. A
 * kthread polls the entry the whole time, as a vCPU's table walk would.
 */
struct s2_poll {
	kvm_pte_t		*ptep;
	atomic_t		reads;
	atomic_t		invalid;
	struct completion	started;
};

static int s2_poll_fn(void *arg)
{
	struct s2_poll *p = arg;

	while (!kthread_should_stop()) {
		if (!kvm_pte_valid(READ_ONCE(*p->ptep)))
			atomic_inc(&p->invalid);
		if (atomic_inc_return(&p->reads) == 1)
			complete(&p->started);
		cond_resched();
	}
	return 0;
}

/*
 * Until the poller has read the entry once more: it then saw every state the
 * entry went through so far, not only the last. A kthread that has not run
 * yet when kthread_stop() comes never runs at all.
 */
static bool s2_poll_wait(struct s2_poll *p)
{
	int from = atomic_read(&p->reads);
	unsigned long end = jiffies + 10 * HZ;

	while (atomic_read(&p->reads) == from) {
		if (time_after(jiffies, end))
			return false;
		cond_resched();
	}
	return true;
}

static int s2_level2_visitor(const struct kvm_pgtable_visit_ctx *ctx,
			     enum kvm_pgtable_walk_flags visit)
{
	kvm_pte_t **ptep = ctx->arg;

	if (ctx->level == 2)
		*ptep = ctx->ptep;
	return 0;
}

/* The level-2 entry that maps @addr. */
static kvm_pte_t *s2_level2_ptep(struct kunit *test, u64 addr)
{
	kvm_pte_t *ptep = NULL;
	struct kvm_pgtable_walker walker = {
		.cb	= s2_level2_visitor,
		.flags	= KVM_PGTABLE_WALK_LEAF | KVM_PGTABLE_WALK_TABLE_PRE,
		.arg	= &ptep,
	};

	KUNIT_ASSERT_EQ(test, kvm_pgtable_walk(&s2->pgt, addr, PAGE_SIZE, &walker), 0);
	KUNIT_ASSERT_NOT_NULL(test, ptep);
	return ptep;
}

/* Every page of the 2M range at @addr maps @phys + offset with @attrs. */
static void s2_expect_pages(struct kunit *test, u64 addr, u64 phys, kvm_pte_t attrs)
{
	kvm_pte_t pte;
	s8 level;
	int i;

	for (i = 0; i < PTRS_PER_PTE; i++) {
		pte = s2_leaf(test, addr + i * PAGE_SIZE, &level);
		KUNIT_ASSERT_EQ_MSG(test, level, KVM_PGTABLE_LAST_LEVEL, "page %d", i);
		KUNIT_ASSERT_EQ_MSG(test, s2_pte_oa(pte), phys + i * PAGE_SIZE, "page %d", i);
		KUNIT_ASSERT_EQ_MSG(test, s2_pte_attrs(pte), attrs, "page %d", i);
	}
}

static void s2_nobbm_split_collapse(struct kunit *test)
{
	u64 addr = S2_TEST_BASE + S2_GB(4), phys = S2_TEST_BASE + S2_GB(8);
	struct s2_poll *p = kunit_kzalloc(test, sizeof(*p), GFP_KERNEL);
	int round, rounds = 16, tlbi;
	kvm_pte_t block;
	s8 level;

	s2_require_bbml3(test);

	s2_require_tlbi_probes(test);
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_ASSERT_EQ(test, s2_map(test, addr, SZ_2M, phys, KVM_PGTABLE_PROT_RW), 0);
	block = s2_leaf(test, addr, &level);
	KUNIT_ASSERT_EQ(test, level, 2);
	p->ptep = s2_level2_ptep(test, addr);
	init_completion(&p->started);

	s2->poller = kthread_run(s2_poll_fn, p, "s2-bbm-poll");
	if (IS_ERR(s2->poller))
		s2->poller = NULL;
	KUNIT_ASSERT_NOT_NULL(test, s2->poller);
	KUNIT_ASSERT_NE_MSG(test, wait_for_completion_timeout(&p->started, 10 * HZ), 0,
			    "the poller did not start in 10 s");

	for (round = 0; round < rounds; round++) {
		/* Eager split: a table of pages, same addresses and attributes. */
		tlbi = atomic_read(&s2->tlbi);
		s2_topup(test, &s2->mmu.split_page_cache, 1);
		KUNIT_ASSERT_EQ(test, kvm_pgtable_stage2_split(&s2->pgt, addr, SZ_2M,
							       &s2->mmu.split_page_cache), 0);
		KUNIT_ASSERT_TRUE(test, kvm_pte_valid(READ_ONCE(*p->ptep)));
		/* The block may still be in a TLB: the range is invalidated. */
		KUNIT_EXPECT_TRUE_MSG(test, s2_tlbi_covers(tlbi, addr, SZ_2M),
				      "split %d: %d invalidations, last %llx-%llx", round,
				      atomic_read(&s2->tlbi) - tlbi, s2->tlbi_start, s2->tlbi_end);
		KUNIT_EXPECT_TRUE(test, s2_poll_wait(p));
		if (!round)
			s2_expect_pages(test, addr, phys, s2_pte_attrs(block));

		/* Collapse: the same block again, the table freed. */
		tlbi = atomic_read(&s2->tlbi);
		KUNIT_ASSERT_EQ(test, s2_map(test, addr, SZ_2M, phys, KVM_PGTABLE_PROT_RW), 0);
		KUNIT_ASSERT_EQ(test, READ_ONCE(*p->ptep), block);
		/* ... and only after the invalidation of the whole range. */
		KUNIT_EXPECT_TRUE_MSG(test, s2_tlbi_covers(tlbi, addr, SZ_2M),
				      "collapse %d: %d invalidations, last %llx-%llx", round,
				      atomic_read(&s2->tlbi) - tlbi, s2->tlbi_start, s2->tlbi_end);
		KUNIT_EXPECT_GT_MSG(test, s2->tlbi_at_free, tlbi,
				    "collapse %d: table freed before any invalidation", round);
		KUNIT_EXPECT_TRUE(test, s2_poll_wait(p));
	}

	/* Fault-time split: mapping one page elsewhere keeps the others. */
	KUNIT_ASSERT_EQ(test, s2_map(test, addr + PAGE_SIZE, PAGE_SIZE, phys + SZ_1G,
				     KVM_PGTABLE_PROT_RW), 0);
	KUNIT_EXPECT_EQ(test, s2_pte_oa(s2_leaf(test, addr, NULL)), phys);
	KUNIT_EXPECT_EQ(test, s2_pte_oa(s2_leaf(test, addr + PAGE_SIZE, NULL)), phys + SZ_1G);
	KUNIT_EXPECT_EQ(test, s2_pte_oa(s2_leaf(test, addr + SZ_2M - PAGE_SIZE, NULL)),
			phys + SZ_2M - PAGE_SIZE);

	kthread_stop(s2->poller);
	s2->poller = NULL;

	/* That table maps a page elsewhere: collapsing it needs the break. */
	KUNIT_ASSERT_EQ(test, s2_map(test, addr, SZ_2M, phys, KVM_PGTABLE_PROT_RW), 0);

	kunit_info(test, "%d polls, %d saw the entry invalid; %d splits and %d collapses without a break\n",
		   atomic_read(&p->reads), atomic_read(&p->invalid),
		   s2->splits_nobbm, s2->collapses_nobbm);
	KUNIT_EXPECT_EQ(test, s2->splits_nobbm, rounds + 1);
	KUNIT_EXPECT_EQ(test, s2->collapses_nobbm, rounds);
	KUNIT_EXPECT_EQ(test, s2->unlinked_freed, rounds + 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&p->invalid), 0);
	KUNIT_EXPECT_GE(test, atomic_read(&p->reads), 2 * rounds + 1);
	KUNIT_EXPECT_EQ(test, s2_leaf(test, addr, NULL), block);
}

/* A collapse without a break still reports the dirty state of the table. */
static void s2_nobbm_collapse_reports_dirty(struct kunit *test)
{
	u64 base = S2_TEST_BASE + S2_GB(4);
	struct s2_ptep_walk w;
	int i, tlbi;

	s2_require_bbml3(test);

	s2_require_tlbi_probes(test);
	/* A whole table of identity pages, the first 64 writable-clean. */
	KUNIT_ASSERT_EQ(test, s2_map(test, base, SZ_2M, base, KVM_PGTABLE_PROT_RW), 0);
	s2_topup(test, &s2->mmu.split_page_cache, 1);
	KUNIT_ASSERT_EQ(test, kvm_pgtable_stage2_split(&s2->pgt, base, SZ_2M,
						       &s2->mmu.split_page_cache), 0);
	s2->dbm_base = base;
	KUNIT_ASSERT_EQ(test, kvm_pgtable_stage2_wrclean(&s2->pgt, base,
							 S2_DBM_PAGES * PAGE_SIZE), 0);
	s2_find_pteps(test, base, S2_DBM_PAGES, w.ptep);
	s2_hw_write(w.ptep[3]);
	s2_hw_write(w.ptep[40]);

	tlbi = atomic_read(&s2->tlbi);
	KUNIT_ASSERT_EQ(test, s2_map(test, base, SZ_2M, base, KVM_PGTABLE_PROT_RW), 0);
	KUNIT_EXPECT_EQ(test, s2->collapses_nobbm, 1);
	for (i = 0; i < S2_DBM_PAGES; i++)
		KUNIT_EXPECT_EQ_MSG(test, s2_reported(i), i == 3 || i == 40, "page %d", i);
	/*
	 * Until the invalidation completes, a CPU may still write through the
	 * old table: its dirty state is read after that, not before.
	 */
	KUNIT_EXPECT_TRUE(test, s2_tlbi_covers(tlbi, base, SZ_2M));
	KUNIT_EXPECT_GT_MSG(test, s2->tlbi_at_report, tlbi,
			    "dirty state reported before the invalidation");
}

struct s2_attrs_walk {
	kvm_pte_t	want;		/* MemAttr and SH of the block */
	int		valid;
	int		other;		/* valid leaves with other attributes */
};

static int s2_attrs_visitor(const struct kvm_pgtable_visit_ctx *ctx,
			    enum kvm_pgtable_walk_flags visit)
{
	const kvm_pte_t attrs = KVM_PTE_LEAF_ATTR_LO_S2_MEMATTR |
				KVM_PTE_LEAF_ATTR_LO_S2_SH;
	struct s2_attrs_walk *w = ctx->arg;

	if (!kvm_pte_valid(ctx->old))
		return 0;
	w->valid++;
	if ((ctx->old & attrs) != w->want)
		w->other++;
	return 0;
}

/*
 * A fault-time split without a break builds the table from the block's
 * permissions, which say nothing of its memory type: a Device block (with
 * nested virtualisation, MMIO of a device assigned to L2) must not become
 * Normal cacheable pages.  Map one Device page inside a Device block, in a
 * shared walk as the fault handler does: every valid leaf is still Device,
 * and the block took the break.  The eager split, which builds its table the
 * same way, also keeps the break for a Device block, not for a Normal one.
 */
static void s2_nobbm_split_keeps_attrs(struct kunit *test)
{
	u64 block = S2_TEST_BASE + S2_GB(6);
	struct s2_attrs_walk w = {};
	struct kvm_pgtable_walker walker = {
		.cb	= s2_attrs_visitor,
		.flags	= KVM_PGTABLE_WALK_LEAF,
		.arg	= &w,
	};
	kvm_pte_t pte;
	s8 level;

	s2_require_bbml3(test);

	KUNIT_ASSERT_EQ(test, s2_map(test, block, SZ_2M, block,
				     KVM_PGTABLE_PROT_RW | KVM_PGTABLE_PROT_DEVICE), 0);
	pte = s2_leaf(test, block, &level);
	KUNIT_ASSERT_EQ(test, level, 2);
	w.want = pte & (KVM_PTE_LEAF_ATTR_LO_S2_MEMATTR | KVM_PTE_LEAF_ATTR_LO_S2_SH);

	s2_topup(test, &s2->mc, KVM_PGTABLE_LAST_LEVEL);
	KUNIT_ASSERT_EQ(test, kvm_pgtable_stage2_map(&s2->pgt, block + 3 * PAGE_SIZE,
						     PAGE_SIZE, block + 3 * PAGE_SIZE,
						     KVM_PGTABLE_PROT_R |
						     KVM_PGTABLE_PROT_DEVICE,
						     &s2->mc, KVM_PGTABLE_WALK_SHARED), 0);
	pte = s2_leaf(test, block + 3 * PAGE_SIZE, &level);
	KUNIT_EXPECT_EQ(test, level, KVM_PGTABLE_LAST_LEVEL);
	KUNIT_EXPECT_EQ(test, pte & (S2_PTE_R | S2_PTE_W), S2_PTE_R);

	KUNIT_ASSERT_EQ(test, kvm_pgtable_walk(&s2->pgt, block, SZ_2M, &walker), 0);
	KUNIT_EXPECT_GE(test, w.valid, 1);
	KUNIT_EXPECT_EQ_MSG(test, w.other, 0,
			    "%d of %d valid leaves lost the block's memory type",
			    w.other, w.valid);
	KUNIT_EXPECT_EQ(test, s2->splits_nobbm, 0);

	/*
	 * The eager split builds its table the same way: a Device block
	 * keeps break-before-make (its memory type is the upstream split's
	 * business), a Normal one is replaced live.
	 */
	KUNIT_ASSERT_EQ(test, s2_map(test, block + SZ_2M, SZ_2M, block + SZ_2M,
				     KVM_PGTABLE_PROT_RW | KVM_PGTABLE_PROT_DEVICE), 0);
	s2_topup(test, &s2->mmu.split_page_cache, 1);
	KUNIT_ASSERT_EQ(test, kvm_pgtable_stage2_split(&s2->pgt, block + SZ_2M, SZ_2M,
						       &s2->mmu.split_page_cache), 0);
	KUNIT_EXPECT_EQ_MSG(test, s2->splits_nobbm, 0,
			    "a Device block was replaced without a break");

	KUNIT_ASSERT_EQ(test, s2_map(test, block + 2 * SZ_2M, SZ_2M, block + 2 * SZ_2M,
				     KVM_PGTABLE_PROT_RW), 0);
	s2_topup(test, &s2->mmu.split_page_cache, 1);
	KUNIT_ASSERT_EQ(test, kvm_pgtable_stage2_split(&s2->pgt, block + 2 * SZ_2M, SZ_2M,
						       &s2->mmu.split_page_cache), 0);
	KUNIT_EXPECT_EQ(test, s2->splits_nobbm, 1);
}

/*
 * The fault that splits a block without a break maps its page in the same
 * walk. A write fault in a dirty-logged memslot (R|W|DBM, shared walk) on a
 * page of a write-protected Normal block returns 0 with that page
 * writable, so that the fault path marks it dirty, instead of -EAGAIN and
 * a second fault to relax it. Its permissions are only ever added to, as
 * by relax_perms(): the block's X stays.
 */
static void s2_nobbm_split_maps_fault(struct kunit *test)
{
	u64 block = S2_TEST_BASE + S2_GB(7), addr = block + 9 * PAGE_SIZE;
	kvm_pte_t pte;
	s8 level;

	s2_require_bbml3(test);

	KUNIT_ASSERT_EQ(test, s2_map(test, block, SZ_2M, block,
				     KVM_PGTABLE_PROT_R | KVM_PGTABLE_PROT_X), 0);
	s2_topup(test, &s2->mc, KVM_PGTABLE_LAST_LEVEL);
	KUNIT_EXPECT_EQ(test, kvm_pgtable_stage2_map(&s2->pgt, addr, PAGE_SIZE, addr,
						     KVM_PGTABLE_PROT_RW |
						     KVM_PGTABLE_PROT_DBM,
						     &s2->mc, KVM_PGTABLE_WALK_SHARED), 0);
	KUNIT_EXPECT_EQ(test, s2->splits_nobbm, 1);

	pte = s2_leaf(test, addr, &level);
	KUNIT_EXPECT_EQ(test, level, KVM_PGTABLE_LAST_LEVEL);
	KUNIT_EXPECT_EQ(test, pte & (S2_PTE_R | S2_PTE_W | S2_PTE_DBM),
			S2_PTE_R | S2_PTE_W | S2_PTE_DBM);
	KUNIT_EXPECT_EQ(test, pte & KVM_PTE_LEAF_ATTR_HI_S2_XN, 0);

	pte = s2_leaf(test, addr + PAGE_SIZE, &level);
	KUNIT_EXPECT_EQ(test, level, KVM_PGTABLE_LAST_LEVEL);
	KUNIT_EXPECT_EQ(test, pte & (S2_PTE_R | S2_PTE_W | S2_PTE_DBM), S2_PTE_R);

	/* An exec fault on a page of a block without X gets X. */
	block += SZ_2M;
	addr = block + 3 * PAGE_SIZE;
	KUNIT_ASSERT_EQ(test, s2_map(test, block, SZ_2M, block, KVM_PGTABLE_PROT_R), 0);
	s2_topup(test, &s2->mc, KVM_PGTABLE_LAST_LEVEL);
	KUNIT_EXPECT_EQ(test, kvm_pgtable_stage2_map(&s2->pgt, addr, PAGE_SIZE, addr,
						     KVM_PGTABLE_PROT_R | KVM_PGTABLE_PROT_X,
						     &s2->mc, KVM_PGTABLE_WALK_SHARED), 0);
	KUNIT_EXPECT_EQ(test, s2_leaf(test, addr, NULL) & KVM_PTE_LEAF_ATTR_HI_S2_XN, 0);
	KUNIT_EXPECT_NE(test, s2_leaf(test, addr + PAGE_SIZE, NULL) &
			KVM_PTE_LEAF_ATTR_HI_S2_XN, 0);

	/*
	 * Only the entries of the block just split are relaxed: a map that
	 * goes on into a page of another table that only differs in its
	 * permissions still leaves that page to relax_perms() (-EAGAIN).
	 */
	block += SZ_2M;
	KUNIT_ASSERT_EQ(test, s2_map(test, block, SZ_2M, block, KVM_PGTABLE_PROT_R), 0);
	KUNIT_ASSERT_EQ(test, s2_map(test, block + SZ_2M, PAGE_SIZE, block + SZ_2M,
				     KVM_PGTABLE_PROT_R), 0);
	s2_topup(test, &s2->mc, KVM_PGTABLE_LAST_LEVEL);
	KUNIT_EXPECT_EQ(test, kvm_pgtable_stage2_map(&s2->pgt, block + SZ_2M - PAGE_SIZE,
						     2 * PAGE_SIZE, block + SZ_2M - PAGE_SIZE,
						     KVM_PGTABLE_PROT_RW,
						     &s2->mc, KVM_PGTABLE_WALK_SHARED), -EAGAIN);
	KUNIT_EXPECT_EQ(test, s2_leaf(test, block + SZ_2M - PAGE_SIZE, NULL) & S2_PTE_W,
			S2_PTE_W);
	KUNIT_EXPECT_EQ(test, s2_leaf(test, block + SZ_2M, NULL) & S2_PTE_W, 0);
}

static struct kunit_case s2_pgtable_cases[] = {
	KUNIT_CASE_PARAM(s2_map_unmap_level, s2_levels_gen_params),
	KUNIT_CASE(s2_refcount_after_unmap),
	KUNIT_CASE(s2_wrprotect_relax_perms),
	KUNIT_CASE(s2_young),
	KUNIT_CASE(s2_split_block),
	KUNIT_CASE(s2_split_1g_block),
	KUNIT_CASE(s2_collapse_table),
	KUNIT_CASE(s2_walk_range),
	KUNIT_CASE(s2_dbm_clean_harvest),
	KUNIT_CASE(s2_harvest_ranges),
	KUNIT_CASE(s2_dbm_updates_report),
	KUNIT_CASE(s2_dbm_race),
	KUNIT_CASE(s2_dbm_never_on_block),
	KUNIT_CASE(s2_dbm_block_dirty_reported),
	KUNIT_CASE(s2_wrclean_skips_uncached),
	KUNIT_CASE(s2_nobbm_split_collapse),
	KUNIT_CASE(s2_nobbm_collapse_reports_dirty),
	KUNIT_CASE(s2_nobbm_split_keeps_attrs),
	KUNIT_CASE(s2_nobbm_split_maps_fault),
	{}
};

static int s2_suite_init(struct kunit_suite *suite)
{
	/* Only the cases that watch the invalidations fail without them. */
	while (s2_tlbi_probed < ARRAY_SIZE(s2_tlbi_probes)) {
		s2_tlbi_probe_err = register_kprobe(&s2_tlbi_probes[s2_tlbi_probed]);
		if (s2_tlbi_probe_err)
			break;
		s2_tlbi_probed++;
	}
	return 0;
}

static void s2_suite_exit(struct kunit_suite *suite)
{
	while (s2_tlbi_probed)
		unregister_kprobe(&s2_tlbi_probes[--s2_tlbi_probed]);
}

static struct kunit_suite s2_pgtable_suite = {
	.name		= "kvm_arm64_s2_pgtable",
	.suite_init	= s2_suite_init,
	.suite_exit	= s2_suite_exit,
	.init		= s2_test_init,
	.exit		= s2_test_exit,
	.test_cases	= s2_pgtable_cases,
};

kunit_test_suite(s2_pgtable_suite);

MODULE_DESCRIPTION("KUnit tests for the arm64 KVM stage-2 page-table walker");
MODULE_LICENSE("GPL");

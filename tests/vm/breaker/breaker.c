// SPDX-License-Identifier: GPL-2.0
/*
 * A module that misbehaves on request, for tests/vm/selftest: it proves
 * that the VM runner turns each kind of kernel bug into a failed run.
 *
 *   insmod lvs_breaker.ko warn=1   WARN_ON() during init
 *   insmod lvs_breaker.ko leak=1   lose kmalloc()ed buffers (kmemleak)
 */
#include <linux/module.h>
#include <linux/slab.h>

static bool warn;
module_param(warn, bool, 0444);
MODULE_PARM_DESC(warn, "WARN during init");

static bool leak;
module_param(leak, bool, 0444);
MODULE_PARM_DESC(leak, "leak buffers during init");

/*
 * Several buffers, because a pointer to the last one may linger in a freed
 * stack that kmemleak still scans; the earlier ones are surely lost.
 */
#define BREAKER_LEAKS	16

static int __init breaker_init(void)
{
	void *lost;
	int i;

	WARN_ON(warn);
	for (i = 0; leak && i < BREAKER_LEAKS; i++) {
		lost = kmalloc(1024, GFP_KERNEL);
		OPTIMIZER_HIDE_VAR(lost);
	}
	return 0;
}

static void __exit breaker_exit(void)
{
}

module_init(breaker_init);
module_exit(breaker_exit);

MODULE_DESCRIPTION("lvs test harness: a module that misbehaves on request");
MODULE_LICENSE("GPL");

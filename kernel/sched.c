// SPDX-License-Identifier: GPL-2.0
/*
 * The scheduler registry.
 *
 * Each scheduling algorithm is a module (a file in sched/, lvs_<name>.ko) that
 * registers a struct lvs_scheduler here at load. A service names its
 * scheduler; lvs_sched_get() finds it, loading the module on demand through
 * the alias every scheduler module carries, MODULE_ALIAS("lvs_sched_<name>"),
 * and pins the module for as long as the service uses it. The name comes
 * from the user: it is only ever asked for as that alias, so it cannot load
 * another lvs module (lvs_kunit, ...), and only when it is a word of
 * lower-case letters, digits and '_' short enough to be a scheduler's.
 *
 * The list is short and changes only on module load and unload: a mutex
 * protects it, and lookups happen in process context only.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ctype.h>
#include <linux/kmod.h>
#include <linux/module.h>

#include "lvs.h"

static LIST_HEAD(lvs_schedulers);
static DEFINE_MUTEX(lvs_sched_mutex);

static struct lvs_scheduler *lvs_sched_find(const char *name)
{
	struct lvs_scheduler *sched;

	lockdep_assert_held(&lvs_sched_mutex);
	list_for_each_entry(sched, &lvs_schedulers, list)
		if (!strcmp(sched->name, name))
			return sched;
	return NULL;
}

int lvs_sched_register(struct lvs_scheduler *sched)
{
	int err = 0;

	if (!sched->name || !sched->schedule ||
	    strlen(sched->name) >= LVS_SCHED_NAME_MAXLEN)
		return -EINVAL;

	mutex_lock(&lvs_sched_mutex);
	if (lvs_sched_find(sched->name))
		err = -EEXIST;
	else
		list_add_tail(&sched->list, &lvs_schedulers);
	mutex_unlock(&lvs_sched_mutex);
	if (err)
		pr_err("scheduler %s is registered twice\n", sched->name);
	return err;
}
EXPORT_SYMBOL_GPL(lvs_sched_register);

/*
 * A scheduler module can only be unloaded when no service holds it (the
 * module reference taken by lvs_sched_get()), so nothing uses it here.
 */
void lvs_sched_unregister(struct lvs_scheduler *sched)
{
	mutex_lock(&lvs_sched_mutex);
	list_del(&sched->list);
	mutex_unlock(&lvs_sched_mutex);
}
EXPORT_SYMBOL_GPL(lvs_sched_unregister);

static const struct lvs_scheduler *lvs_sched_try_get(const char *name)
{
	struct lvs_scheduler *sched;

	mutex_lock(&lvs_sched_mutex);
	sched = lvs_sched_find(name);
	if (sched && !try_module_get(sched->owner))
		sched = NULL;
	mutex_unlock(&lvs_sched_mutex);
	return sched;
}

/* Whether @name can be a scheduler's, so worth asking modprobe for. */
static bool lvs_sched_name_valid(const char *name)
{
	size_t len = strnlen(name, LVS_SCHED_NAME_MAXLEN);
	const char *p;

	if (!len || len >= LVS_SCHED_NAME_MAXLEN)
		return false;
	for (p = name; *p; p++)
		if (!islower(*p) && !isdigit(*p) && *p != '_')
			return false;
	return true;
}

/*
 * Find scheduler @name, loading its module if needed; NULL if none.
 * Context: process.
 */
const struct lvs_scheduler *lvs_sched_get(const char *name)
{
	const struct lvs_scheduler *sched;

	sched = lvs_sched_try_get(name);
	if (sched)
		return sched;
	if (!lvs_sched_name_valid(name) ||
	    request_module("lvs_sched_%s", name))
		return NULL;
	return lvs_sched_try_get(name);
}
EXPORT_SYMBOL_IF_KUNIT(lvs_sched_get);

void lvs_sched_put(const struct lvs_scheduler *sched)
{
	module_put(sched->owner);
}
EXPORT_SYMBOL_IF_KUNIT(lvs_sched_put);

unsigned long lvs_sched_lblc_expiration(const struct lvs_service *svc)
{
	return READ_ONCE(svc->lnet->sysctl.lblc_expiration);
}
EXPORT_SYMBOL_GPL(lvs_sched_lblc_expiration);

unsigned long lvs_sched_lblcr_expiration(const struct lvs_service *svc)
{
	return READ_ONCE(svc->lnet->sysctl.lblcr_expiration);
}
EXPORT_SYMBOL_GPL(lvs_sched_lblcr_expiration);

/* SPDX-License-Identifier: Apache-2.0 */
/* Freeing a parsed config; safe on zeroed and on partly filled structs. */
#include "parse_internal.h"

#include <stdlib.h>
#include <string.h>

void spec_strv_free(struct spec_strv *v)
{
	for (size_t i = 0; i < v->n; i++)
		free(v->v[i]);
	free(v->v);
	v->v = NULL;
	v->n = 0;
}

void spec_kv_list_free(struct spec_kv_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].key);
		free(l->v[i].value);
	}
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

static void capabilities_free(struct spec_capabilities *c)
{
	spec_strv_free(&c->bounding);
	spec_strv_free(&c->effective);
	spec_strv_free(&c->permitted);
	spec_strv_free(&c->inheritable);
	spec_strv_free(&c->ambient);
}

void spec_process_free(struct spec_process *p)
{
	if (!p)
		return;
	free(p->user.additional_gids);
	free(p->user.username);
	spec_strv_free(&p->args);
	free(p->command_line);
	spec_strv_free(&p->env);
	free(p->cwd);
	capabilities_free(&p->caps);
	for (size_t i = 0; i < p->n_rlimits; i++)
		free(p->rlimits[i].type);
	free(p->rlimits);
	free(p->apparmor_profile);
	free(p->selinux_label);
	free(p->exec_cpu_affinity_initial);
	free(p->exec_cpu_affinity_final);
	memset(p, 0, sizeof(*p));
}

static void hook_list_free(struct spec_hook_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].path);
		spec_strv_free(&l->v[i].args);
		spec_strv_free(&l->v[i].env);
	}
	free(l->v);
}

static void throttle_list_free(struct spec_throttle_list *l)
{
	free(l->v);
}

void spec_resources_free(struct spec_resources *r)
{
	for (size_t i = 0; i < r->n_devices; i++)
		free(r->devices[i].access);
	free(r->devices);
	free(r->cpu.cpus);
	free(r->cpu.mems);
	free(r->blkio.weight_device);
	throttle_list_free(&r->blkio.throttle_read_bps);
	throttle_list_free(&r->blkio.throttle_write_bps);
	throttle_list_free(&r->blkio.throttle_read_iops);
	throttle_list_free(&r->blkio.throttle_write_iops);
	for (size_t i = 0; i < r->n_hugepage_limits; i++)
		free(r->hugepage_limits[i].page_size);
	free(r->hugepage_limits);
	for (size_t i = 0; i < r->network.n_priorities; i++)
		free(r->network.priorities[i].name);
	free(r->network.priorities);
	for (size_t i = 0; i < r->n_rdma; i++)
		free(r->rdma[i].device);
	free(r->rdma);
	spec_kv_list_free(&r->unified);
	memset(r, 0, sizeof(*r));
}

static void seccomp_free(struct spec_seccomp *s)
{
	free(s->default_action_name);
	spec_strv_free(&s->architectures);
	spec_strv_free(&s->flags);
	free(s->listener_path);
	free(s->listener_metadata);
	for (size_t i = 0; i < s->n_syscalls; i++) {
		spec_strv_free(&s->syscalls[i].names);
		free(s->syscalls[i].action_name);
		free(s->syscalls[i].args);
	}
	free(s->syscalls);
}

void spec_linux_free(struct spec_linux *l)
{
	for (size_t i = 0; i < l->n_namespaces; i++)
		free(l->namespaces[i].path);
	free(l->namespaces);
	free(l->uid_mappings);
	free(l->gid_mappings);
	for (size_t i = 0; i < l->n_devices; i++)
		free(l->devices[i].path);
	free(l->devices);
	free(l->cgroups_path);
	spec_resources_free(&l->resources);
	free(l->intel_rdt.clos_id);
	free(l->intel_rdt.l3_cache_schema);
	free(l->intel_rdt.mem_bw_schema);
	spec_strv_free(&l->intel_rdt.schemata);
	for (size_t i = 0; i < l->n_net_devices; i++) {
		free(l->net_devices[i].host_name);
		free(l->net_devices[i].name);
	}
	free(l->net_devices);
	free(l->memory_policy.nodes);
	spec_kv_list_free(&l->sysctl);
	seccomp_free(&l->seccomp);
	free(l->rootfs_propagation);
	spec_strv_free(&l->masked_paths);
	spec_strv_free(&l->readonly_paths);
	free(l->mount_label);
	free(l->personality.domain);
	spec_strv_free(&l->personality.flags);
	memset(l, 0, sizeof(*l));
}

void spec_free(struct spec *s)
{
	if (!s)
		return;
	free(s->oci_version);
	free(s->root.path);
	for (size_t i = 0; i < s->n_mounts; i++) {
		struct spec_mount *m = &s->mounts[i];

		free(m->destination);
		free(m->type);
		free(m->source);
		spec_strv_free(&m->options);
		free(m->uid_mappings);
		free(m->gid_mappings);
	}
	free(s->mounts);
	spec_process_free(&s->process);
	free(s->hostname);
	free(s->domainname);
	hook_list_free(&s->hooks.prestart);
	hook_list_free(&s->hooks.create_runtime);
	hook_list_free(&s->hooks.create_container);
	hook_list_free(&s->hooks.start_container);
	hook_list_free(&s->hooks.poststart);
	hook_list_free(&s->hooks.poststop);
	spec_kv_list_free(&s->annotations);
	spec_linux_free(&s->linux_);
	memset(s, 0, sizeof(*s));
}

# What podman hands a runtime from /usr/share/containers/seccomp.json: the
# .linux.seccomp for amd64 and a container without extra capabilities (the
# entries gated on a capability are dropped), as OCI's syntax has it.
# Used by tests/integration/seccomp.bats and tests/unit/test_seccomp.c.
{defaultAction, defaultErrnoRet,
 architectures: ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
 syscalls: [.syscalls[]
	| select((.includes.caps // []) == [])
	| select((.includes.arches // ["amd64"]) | index("amd64"))
	| select((.excludes.arches // []) == [])
	| del(.includes, .excludes, .comment)]}

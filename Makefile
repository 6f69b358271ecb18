# kura — build, install, test, fuzz, bench, demo.  `make help` lists targets.
VERSION      := 0.1.0
COMMIT       := $(shell git rev-parse --short HEAD 2>/dev/null || echo unknown)
PREFIX       ?= /usr/local
DESTDIR      ?=
BINDIR       := $(PREFIX)/bin
LIBEXECDIR   := $(PREFIX)/libexec
MANDIR       := $(PREFIX)/share/man
COMPLDIR     := $(PREFIX)/share/bash-completion/completions
B            := build
FUZZ_SECONDS ?= 60

CC       ?= gcc
MUSL_CC  ?= musl-gcc
CLANG    ?= clang

WARN     := -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wstrict-prototypes \
            -Wmissing-prototypes -Wmissing-declarations -Wswitch-enum -Wno-unused-parameter \
            -Wno-format-truncation
HARDEN   := -D_FORTIFY_SOURCE=2 -fstack-protector-strong -fstack-clash-protection
# includes name their module: "cgroup/cgroup.h", "specs/spec.h", "bootstrap/sync.h"
# (a header of the same folder by its name); make layers checks the direction
INC      := -I. -Isupervisor
DEFS     := -D_GNU_SOURCE -DKURA_VERSION='"$(VERSION)"' -DKURA_COMMIT='"$(COMMIT)"' \
            -DKURA_LIBEXECDIR='"$(LIBEXECDIR)"'
CFLAGS   ?= -O2 -g
KCFLAGS  := $(CFLAGS) -std=gnu11 $(WARN) $(HARDEN) $(INC) $(DEFS) -fPIE
# kura is static-pie: no ld.so and no shared libc pages, so each of its two
# execs per container is cheaper and its peak RSS stays small (README).
KLDFLAGS := -static-pie -Wl,-z,relro,-z,now
KLIBS    := -ljansson -lcap-ng -lseccomp

SUP_SRC  := $(sort $(filter-out supervisor/systemd/%,$(wildcard supervisor/*.c supervisor/*/*.c specs/*.c)) \
            bootstrap/bootstrap.c)
LIB_SRC  := $(filter-out supervisor/main.c,$(SUP_SRC))
SUP_OBJ  := $(SUP_SRC:%.c=$(B)/obj/%.o)
LIB_OBJ  := $(LIB_SRC:%.c=$(B)/obj/%.o)
SHIM_SRC := $(sort $(wildcard shim/*.c)) bootstrap/bootstrap.c
SHIM_OBJ := $(SHIM_SRC:%.c=$(B)/shim-obj/%.o)
UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(B)/tests/%)
ASAN_OBJ := $(LIB_SRC:%.c=$(B)/asan/%.o)
ASAN_BIN := $(UNIT_SRC:tests/unit/%.c=$(B)/asan/tests/%)
ASAN_FLAGS := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all

.PHONY: all deps install check unit unit-asan integration fuzz fuzz-build bench demo \
        check-engines clean help deb layers

all: $(B)/kura $(B)/kura-shim $(B)/kura-systemd $(B)/kura.bash

help:
	@echo "make            build build/kura, build/kura-shim and build/kura-systemd"
	@echo "make demo       build, make a busybox bundle, run a real container"
	@echo "make check      install deps, layers, build, unit tests (plain + ASan/UBSan), fuzz 20s per harness, integration, engines"
	@echo "make layers     the include graph by module; fails on an include against the allowed direction"
	@echo "make fuzz       run every fuzz harness (tests/fuzz) for FUZZ_SECONDS each (default 60)"
	@echo "make bench      kura against crun, runc and a floor program: wall, CPU, RSS, parallel"
	@echo "make install    PREFIX=$(PREFIX) DESTDIR=..."
	@echo "make deb        a Debian package, $(B)/kura_$(VERSION)_ARCH.deb (built for PREFIX=/usr)"

deps:
	@scripts/install-deps.sh

# ---- the supervisor ----
# V=1 shows every command; by default one short line each
V ?= 0
ifeq ($(V),0)
Q := @
endif

$(B)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@[ -n "$(Q)" ] && echo "  CC      $<" || true
	$(Q)$(CC) $(KCFLAGS) -MMD -MP -c $< -o $@

# glibc warns that getpwuid/initgroups want its shared NSS modules in a static
# link; they come with capng_change_id in libcap-ng's single archive member
# (no --gc-sections can split it), kura never calls it: those lines are dropped.
CAPNG_NOISE := -e 'in function .capng_change_id.:$$' -e 'Using .getpwuid. in statically' \
               -e 'Using .initgroups. in statically'
$(B)/kura: $(SUP_OBJ)
	@[ -n "$(Q)" ] && echo "  LD      $@" || true
	$(Q)$(CC) $(KCFLAGS) $(KLDFLAGS) -o $@ $^ $(KLIBS) 2> $@.ld-err; rc=$$?; \
		grep -v $(CAPNG_NOISE) $@.ld-err >&2; rm -f $@.ld-err; exit $$rc

# ---- the systemd driver's D-Bus half: dynamic, Debian has no static libsystemd ----
$(B)/kura-systemd: supervisor/systemd/kura-systemd.c
	@mkdir -p $(dir $@)
	@[ -n "$(Q)" ] && echo "  CC      $@" || true
	$(Q)$(CC) $(CFLAGS) -std=gnu11 $(WARN) $(HARDEN) -D_GNU_SOURCE -fPIE -pie \
		-Wl,-z,relro,-z,now -o $@ $< -lsystemd

# ---- the shim: static musl; musl-gcc needs the kernel headers shown to it ----
$(B)/musl-include/.stamp:
	@mkdir -p $(dir $@)
	$(Q)ln -sfn /usr/include/linux $(dir $@)linux
	$(Q)ln -sfn /usr/include/asm-generic $(dir $@)asm-generic
	$(Q)ln -sfn /usr/include/x86_64-linux-gnu/asm $(dir $@)asm
	@touch $@

SHIM_CFLAGS := -Os -g -std=gnu11 $(WARN) -D_GNU_SOURCE -fstack-protector-strong \
               -I. -I$(B)/musl-include -fno-asynchronous-unwind-tables
$(B)/shim-obj/%.o: %.c $(B)/musl-include/.stamp
	@mkdir -p $(dir $@)
	@[ -n "$(Q)" ] && echo "  MUSLCC  $<" || true
	$(Q)$(MUSL_CC) $(SHIM_CFLAGS) -MMD -MP -c $< -o $@

$(B)/kura-shim: $(SHIM_OBJ)
	@[ -n "$(Q)" ] && echo "  LD      $@" || true
	$(Q)$(MUSL_CC) -static -Os -Wl,--gc-sections -o $@ $^

# ---- unit tests (cmocka) ----
$(B)/tests/%: tests/unit/%.c $(LIB_OBJ)
	@mkdir -p $(dir $@)
	@[ -n "$(Q)" ] && echo "  TEST    $@" || true
	$(Q)$(CC) $(KCFLAGS) -Itests/unit -o $@ $< $(LIB_OBJ) $(KLIBS) -lcmocka

# kept: only a pattern rule names them, and make would delete them as intermediates
.SECONDARY: $(ASAN_OBJ)
$(B)/asan/%.o: %.c
	@mkdir -p $(dir $@)
	@[ -n "$(Q)" ] && echo "  ASANCC  $<" || true
	$(Q)$(CC) $(filter-out -O2 -D_FORTIFY_SOURCE=2,$(KCFLAGS)) $(ASAN_FLAGS) -MMD -MP -c $< -o $@

$(B)/asan/tests/%: tests/unit/%.c $(ASAN_OBJ)
	@mkdir -p $(dir $@)
	@[ -n "$(Q)" ] && echo "  TEST    $@" || true
	$(Q)$(CC) $(filter-out -O2 -D_FORTIFY_SOURCE=2,$(KCFLAGS)) $(ASAN_FLAGS) -Itests/unit -o $@ $< $(ASAN_OBJ) $(KLIBS) -lcmocka

unit: $(UNIT_BIN)
	@scripts/run-unit.sh $(UNIT_BIN)

unit-asan: $(ASAN_BIN)
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		UNIT_NAME=unit-asan scripts/run-unit.sh $(ASAN_BIN)

# ---- fuzzing (libFuzzer) ----
# One harness per parser of bytes a user or a container controls:
# tests/fuzz/fuzz_NAME.c, seed corpus tests/fuzz/NAME/.  Adding one is adding
# its NAME here; it is linked with every kura object (built by clang with
# coverage and ASan/UBSan into $(B)/fuzz-obj/), so it may call any of them.
FUZZERS    := bootstrap spec pathres cgroup ids initdata
FUZZ_BIN   := $(FUZZERS:%=$(B)/fuzz/fuzz_%)
FUZZ_OBJ   := $(LIB_SRC:%.c=$(B)/fuzz-obj/%.o)
FUZZ_SAN   := -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_CFLAGS := -g -O1 -fno-omit-frame-pointer -std=gnu11 $(WARN) -Wno-unknown-warning-option \
               -Wno-format-nonliteral $(INC) $(DEFS) $(FUZZ_SAN)
.SECONDARY: $(FUZZ_OBJ)

$(B)/fuzz-obj/%.o: %.c
	@mkdir -p $(dir $@)
	@[ -n "$(Q)" ] && echo "  FUZZCC  $<" || true
	$(Q)$(CLANG) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -MMD -MP -c $< -o $@

$(B)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz.h $(FUZZ_OBJ)
	@mkdir -p $(dir $@)
	@[ -n "$(Q)" ] && echo "  FUZZLD  $@" || true
	$(Q)$(CLANG) $(FUZZ_CFLAGS) -fsanitize=fuzzer -Itests/fuzz -o $@ $< $(FUZZ_OBJ) $(KLIBS)

fuzz-build: $(FUZZ_BIN)

# every harness for FUZZ_SECONDS each: one line per harness, then a summary
fuzz: fuzz-build
	@pass=0; fail=0; \
	for f in $(FUZZERS); do \
		if scripts/run-fuzz.sh $(B)/fuzz/fuzz_$$f tests/fuzz/$$f $(FUZZ_SECONDS); then \
			pass=$$((pass + 1)); else fail=$$((fail + 1)); fi; \
	done; \
	echo "fuzz: $$pass passed, $$fail failed"; \
	[ $$fail -eq 0 ]

# ---- integration (bats, real containers, as root) ----
$(B)/tests/recvtty: tests/helpers/recvtty.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -std=gnu11 $(WARN) $(HARDEN) -D_GNU_SOURCE -o $@ $<

integration: all $(B)/tests/recvtty
	@KURA=$(abspath $(B)/kura) scripts/run-bats.sh integration tests/integration

# podman, containerd and docker (installed from Debian's packages by the suites)
check-engines: all
	@KURA=$(abspath $(B)/kura) scripts/run-bats.sh engines tests/engines

# the include directions docs/architecture.md allows; prints the graph
layers:
	@scripts/layers.sh

check: deps
	@$(MAKE) --no-print-directory layers
	@$(MAKE) --no-print-directory all
	@$(MAKE) --no-print-directory unit
	@$(MAKE) --no-print-directory unit-asan
	@$(MAKE) --no-print-directory fuzz FUZZ_SECONDS=20
	@$(MAKE) --no-print-directory integration
	@$(MAKE) --no-print-directory check-engines

demo: deps all
	@scripts/demo.sh $(abspath $(B))

# the floor of the bench (tests/bench/floor.c): static musl, as the shim
FLOOR_CFLAGS := -O2 -std=gnu11 $(WARN) -D_GNU_SOURCE -I$(B)/musl-include -static
bench: deps all $(B)/musl-include/.stamp
	@scripts/install-deps.sh bench
	@[ -n "$(Q)" ] && echo "  MUSLCC  $(B)/floor" || true
	$(Q)$(MUSL_CC) $(FLOOR_CFLAGS) -o $(B)/floor tests/bench/floor.c
	@scripts/bench.sh $(abspath $(B)/kura) $(abspath $(B)/floor)

# bash completion, generated from the binary's own help: never out of step with it
$(B)/kura.bash: $(B)/kura scripts/gen-completion.sh
	@[ -n "$(Q)" ] && echo "  GEN     $@" || true
	$(Q)scripts/gen-completion.sh $(B)/kura > $@.tmp && mv $@.tmp $@

install: all
	install -D -m 0755 $(B)/kura $(DESTDIR)$(BINDIR)/kura
	install -D -m 0755 $(B)/kura-shim $(DESTDIR)$(LIBEXECDIR)/kura/kura-shim
	install -D -m 0755 $(B)/kura-systemd $(DESTDIR)$(LIBEXECDIR)/kura/kura-systemd
	install -D -m 0644 docs/kura.8 $(DESTDIR)$(MANDIR)/man8/kura.8
	install -D -m 0644 $(B)/kura.bash $(DESTDIR)$(COMPLDIR)/kura

# A Debian package (dpkg-deb): kura looks for its shim in $(LIBEXECDIR)/kura,
# so the package's binaries are built apart, for PREFIX=/usr, in $(B)/deb-build.
deb:
	@$(MAKE) --no-print-directory B=$(abspath $(B))/deb-build PREFIX=/usr all
	@scripts/mkdeb.sh $(abspath $(B))/deb-build $(VERSION) $(abspath $(B))

clean:
	rm -rf $(B)

-include $(shell find $(B) -name '*.d' 2>/dev/null)

# SPDX-License-Identifier: ISC
# mirage-audit: the one entry point (build, setup, examples, tests, demo, bench, install).
#
#   make                 build build/mirage-audit
#   make setup           install missing Debian packages (as root), or list them
#   make examples        build the example unikernels under build/examples/
#   make test            run the whole test suite; the last line is "N passed, N failed,
#                        N skipped" (exit 1 when anything failed). A skip says why (README,
#                        "Tests", lists those of a clean run); a tool `make setup` installs
#                        that is missing is a failure, not a skip
#   make test-golden [UPDATE=1]  the golden tests alone (tests/golden/); UPDATE=1
#                        rewrites tests/golden/expected/ for review in the commit
#   make test-mutants    build the tool with each deliberate fault of tests/mutants/ and
#                        say which test killed it (exit 1 if one survived)
#   make demo            setup + build + examples + report of the default example with its
#                        build (the Build section, packages) and its size by package, and
#                        its review page (build/demo/review.html)
#   make bench           speed and memory ratios against nm/readelf/objdump
#   make fuzz [FUZZ_SECONDS=60]  build the libFuzzer targets (clang) and run each N seconds
#   make install PREFIX=/usr/local [DESTDIR=]
#   V=1                  show the commands
#   SANITIZE=address,undefined   build with sanitizers (separate build tree)
#   VALGRIND=1           make test: a sample of the runs under valgrind (tests/lib.sh);
#                        VALGRIND_ALL=1 runs every one (hours)

PREFIX ?= /usr/local
prefix ?= $(PREFIX)
bindir ?= $(prefix)/bin
datadir ?= $(prefix)/share/mirage-audit
mandir ?= $(prefix)/share/man

CC ?= cc
CFLAGS ?= -O2 -g
PKG_CONFIG ?= pkg-config
LIBS_PC := libelf libdw capstone libcgraph libgvc jansson libcrypto

ifeq ($(V),1)
Q :=
else
Q := @
endif

ifneq ($(SANITIZE),)
BUILD ?= build-san
SAN_FLAGS := -fsanitize=$(SANITIZE) -fno-sanitize-recover=all -fno-omit-frame-pointer
else
BUILD ?= build
SAN_FLAGS :=
endif

VERSION := 0.1.0
# The examples are always built without sanitizers, in one place.
EXAMPLES_DIR := build/examples

# The bundled default input of `make demo`.
DEMO_IMAGE := $(EXAMPLES_DIR)/ocaml-full/ocaml-full.hvt

WARN := -Wall -Wextra -Werror -Wformat=2 -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	-Wno-unused-parameter
PC_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(LIBS_PC) 2>/dev/null)
PC_LIBS = $(shell $(PKG_CONFIG) --libs $(LIBS_PC) 2>/dev/null)
ALL_CFLAGS = -std=gnu11 -D_GNU_SOURCE $(WARN) $(CFLAGS) $(SAN_FLAGS) -I. $(PC_CFLAGS) \
	-DMA_VERSION='"$(VERSION)"' -DMA_DATADIR='"$(datadir)"' $(EXTRA_CFLAGS)
ALL_LDFLAGS = $(SAN_FLAGS) $(LDFLAGS)

SRCS := $(wildcard audit/*/*.c analyzers/*.c reports/*.c)
OBJS := $(patsubst %.c,$(BUILD)/obj/%.o,$(SRCS)) $(BUILD)/obj/rules_default.o \
	$(BUILD)/obj/catalogue_default.o
DEPS := $(OBJS:.o=.d)
BIN := $(BUILD)/mirage-audit
# tests/build/build-dump.c: prints a loaded struct build (the build inputs) as lines.
BUILD_DUMP := $(BUILD)/tests/build-dump
# tests/review/review-page.c: the review page of a saved report document (tests/review/).
REVIEW_PAGE := $(BUILD)/tests/review-page

.PHONY: all setup check-deps examples test test-golden demo bench install uninstall clean lint \
	fuzz fuzz-build
all: $(BIN) $(BUILD_DUMP) $(REVIEW_PAGE)

# --- setup ---------------------------------------------------------------
# Debian packages: the tool's libraries, the examples' toolchain and OCaml
# libraries, and what the tests compare against (binutils, valgrind, python3, ROPgadget;
# chromium opens the review page headless, tests/review/).
DEB_PKGS := gcc libc6-dev make pkg-config binutils libelf-dev libdw-dev libcapstone-dev \
	libgraphviz-dev libjansson-dev libssl-dev openssl ocaml-nox ocaml-findlib libcstruct-ocaml-dev \
	liblwt-ocaml-dev libmirage-crypto-ocaml-dev libzarith-ocaml-dev \
	gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu python3 python3-jsonschema valgrind \
	clang libclang-rt-dev python3-ropgadget chromium

setup:
	$(Q)missing=$$(for p in $(DEB_PKGS); do \
		dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; \
	done); \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "setup: installing:" $$missing; \
		export DEBIAN_FRONTEND=noninteractive; \
		apt-get update -qq && apt-get install -y -qq --no-install-recommends $$missing >/dev/null || \
			{ echo "setup: apt-get install failed for:" $$missing >&2; exit 2; }; \
	else \
		echo "setup: missing Debian packages:" $$missing >&2; \
		echo "setup: run 'make setup' as root, or: apt-get install" $$missing >&2; \
		exit 2; \
	fi
	$(Q)$(MAKE) --no-print-directory $(CDX_SCHEMA)

# The SARIF 2.1.0 JSON schema the tests validate `check -f sarif` against. It is
# OASIS's, so it is fetched, not committed: from the npm registry, inside the
# package @microsoft/jest-sarif (MIT), and pinned by its SHA-256. npm comes with
# Debian's nodejs; setup installs it when missing.
# npm for the schemas fetched from its registry: installed with apt-get (as root) when missing.
NEED_NPM = command -v npm >/dev/null || { \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
				npm >/dev/null; \
		else echo "setup: npm is missing (apt-get install npm)" >&2; exit 2; fi; }
SARIF_SCHEMA := build/tools/sarif-2.1.0.json
SARIF_PKG := @microsoft/jest-sarif@1.0.0-beta.0
SARIF_SHA256 := 2d99159ae54a3eea97f81781cff48780548657c35949f4b7f25e99a2ba4de4f8

$(SARIF_SCHEMA):
	$(Q)$(NEED_NPM)
	$(Q)rm -rf $(dir $@)npm && mkdir -p $(dir $@)npm && cd $(dir $@)npm && \
		npm pack --silent $(SARIF_PKG) >/dev/null && tar xzf *.tgz && \
		echo '$(SARIF_SHA256)  package/lib/schemas/sarif-2.1.0-rtm.5.json' | sha256sum -c --quiet && \
		mv package/lib/schemas/sarif-2.1.0-rtm.5.json ../$(notdir $@).tmp || \
		{ echo "setup: cannot fetch the SARIF schema ($(SARIF_PKG))" >&2; exit 2; }
	$(Q)rm -rf $(dir $@)npm && mv $@.tmp $@

# The CycloneDX 1.5 JSON schema (and the SPDX and JSF schemas it refers to) that
# tests/build/t-cyclonedx.sh validates `report -f cyclonedx` against: CycloneDX's own,
# fetched from the npm registry inside @cyclonedx/cyclonedx-library (Apache-2.0), pinned
# by SHA-256, never committed. `make setup` fetches it.
CDX_PKG := @cyclonedx/cyclonedx-library@10.3.0
CDX_DIR := build/cyclonedx
CDX_SCHEMA := $(CDX_DIR)/package/res/schema/bom-1.5.SNAPSHOT.schema.json
CDX_SHA256 := 7e88444a06e0924f13dc3833cda313872c772763b47a4e1ac55e77992b8f0a44  bom-1.5.SNAPSHOT.schema.json\n4b345e2329f209f34e960ae2a8e7cb46a166907e6a45e94978565925dc47b359  spdx.SNAPSHOT.schema.json\n8bae002c25e723db7ee1f26afde680ae1a2b1a8f6b4b4b0fd65dc3becb090aae  jsf-0.82.SNAPSHOT.schema.json

$(CDX_SCHEMA):
	$(Q)$(NEED_NPM)
	$(Q)rm -rf $(CDX_DIR).tmp && mkdir -p $(CDX_DIR).tmp && cd $(CDX_DIR).tmp && \
		npm pack --silent $(CDX_PKG) >/dev/null && tar xzf *.tgz && \
		cd package/res/schema && printf '$(CDX_SHA256)\n' | sha256sum -c --quiet || \
		{ echo "setup: cannot fetch the CycloneDX schema ($(CDX_PKG))" >&2; exit 2; }
	$(Q)rm -rf $(CDX_DIR) && mv $(CDX_DIR).tmp $(CDX_DIR)

check-deps:
	$(Q)$(PKG_CONFIG) --exists $(LIBS_PC) || { \
		echo "mirage-audit: missing libraries (pkg-config $(LIBS_PC)); run 'make setup' as root" >&2; \
		exit 2; }

# --- the tool ------------------------------------------------------------
$(BIN): $(OBJS) | check-deps
	@$(if $(Q),printf '  LINK    %s\n' $@)
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $(OBJS) $(PC_LIBS) -lm

$(BUILD_DUMP): $(BUILD)/obj/tests/build/build-dump.o $(filter-out $(BUILD)/obj/audit/cli/main.o,$(OBJS)) | check-deps
	@mkdir -p $(dir $@)
	@$(if $(Q),printf '  LINK    %s\n' $@)
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PC_LIBS) -lm

$(REVIEW_PAGE): $(BUILD)/obj/tests/review/review-page.o $(filter-out $(BUILD)/obj/audit/cli/main.o,$(OBJS)) | check-deps
	@mkdir -p $(dir $@)
	@$(if $(Q),printf '  LINK    %s\n' $@)
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PC_LIBS) -lm

$(BUILD)/obj/%.o: %.c $(BUILD)/CFLAGS | check-deps
	@mkdir -p $(dir $@)
	@$(if $(Q),printf '  CC      %s\n' $<)
	$(Q)$(CC) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

# The default attribution rules are compiled in, so the tool works uninstalled.
$(BUILD)/obj/rules_default.c: analyzers/attribution.rules tests/tools/embed.sh
	@mkdir -p $(dir $@)
	$(Q)sh tests/tools/embed.sh rules_default_text < $< > $@.tmp && mv $@.tmp $@

$(BUILD)/obj/rules_default.o: $(BUILD)/obj/rules_default.c
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/obj/catalogue_default.c: analyzers/facilities.catalogue tests/tools/embed.sh
	@mkdir -p $(dir $@)
	$(Q)sh tests/tools/embed.sh catalogue_default_text < $< > $@.tmp && mv $@.tmp $@

$(BUILD)/obj/catalogue_default.o: $(BUILD)/obj/catalogue_default.c
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $@ $<

# Rebuild everything when the flags change (git's GIT-CFLAGS idea).
$(BUILD)/CFLAGS: FORCE
	@mkdir -p $(BUILD)
	@echo '$(ALL_CFLAGS) $(ALL_LDFLAGS)' | cmp -s - $@ || echo '$(ALL_CFLAGS) $(ALL_LDFLAGS)' > $@

.PHONY: FORCE
FORCE:

-include $(DEPS) $(BUILD)/obj/tests/build/build-dump.d $(BUILD)/obj/tests/review/review-page.d

# --- examples ------------------------------------------------------------
include examples/examples.mk

# --- tests, demo, bench ----------------------------------------------------
test: setup $(BIN) $(BUILD_DUMP) $(REVIEW_PAGE) examples $(SARIF_SCHEMA) $(CDX_SCHEMA)
	$(Q)SARIF_SCHEMA=$(abspath $(SARIF_SCHEMA)) CDX_SCHEMA=$(abspath $(CDX_SCHEMA)) \
		BUILD=$(BUILD) MA=$(abspath $(BIN)) \
		BUILD_DUMP=$(abspath $(BUILD_DUMP)) REVIEW_PAGE=$(abspath $(REVIEW_PAGE)) \
		EXAMPLES=$(abspath $(EXAMPLES_DIR)) VALGRIND=$(VALGRIND) VALGRIND_ALL=$(VALGRIND_ALL) \
		SANITIZE=$(SANITIZE) sh tests/run.sh

test-golden: $(BIN) examples
	$(Q)BUILD=$(BUILD) MA=$(abspath $(BIN)) EXAMPLES=$(abspath $(EXAMPLES_DIR)) UPDATE=$(UPDATE) \
		TESTS_GLOB='tests/golden/t-*.sh' sh tests/run.sh

# One build of the tool per mutant (tests/mutants/README.md), seeded with this build's
# objects; the tests run against it with the normal examples.
.PHONY: test-mutants
test-mutants: setup $(BIN) examples $(SARIF_SCHEMA) $(CDX_SCHEMA)
	$(Q)SARIF_SCHEMA=$(abspath $(SARIF_SCHEMA)) CDX_SCHEMA=$(abspath $(CDX_SCHEMA)) \
		BUILD=$(BUILD) EXAMPLES=$(abspath $(EXAMPLES_DIR)) sh tests/mutants/run.sh

demo: setup $(BIN) examples
	$(Q)$(BIN) report --build $(dir $(DEMO_IMAGE)) $(DEMO_IMAGE)
	$(Q)$(BIN) size -d package,library -n 8 --build $(dir $(DEMO_IMAGE)) $(DEMO_IMAGE)
	@mkdir -p build/demo
	$(Q)$(BIN) review -q --build $(dir $(DEMO_IMAGE)) -o build/demo/review.html $(DEMO_IMAGE)
	@echo "demo: the review page of $(DEMO_IMAGE): build/demo/review.html"
	$(Q)while read -r name image _; do \
		$(BIN) graph --level facility -o build/demo/$$name.facilities.png \
			$(EXAMPLES_DIR)/$$image || exit 2; \
	done < $(EXAMPLES_DIR)/LIST; echo "demo: facility graphs in build/demo/*.facilities.png"

bench: setup $(BIN) examples
	$(Q)MA=$(abspath $(BIN)) EXAMPLES=$(abspath $(EXAMPLES_DIR)) sh tests/bench/run.sh

# The floor rule reads the objects with nm, so lint builds them first.
lint: $(OBJS)
	$(Q)BUILD=$(BUILD) sh tests/tools/lint.sh

# --- fuzz ------------------------------------------------------------------
# libFuzzer targets (tests/fuzz/README.md), built with clang into build/fuzz/:
# the tool's objects (all but audit/cli/main.c) with -fsanitize=fuzzer-no-link, the
# targets with -fsanitize=fuzzer. `make fuzz FUZZ_SECONDS=N` seeds each corpus
# from the examples, runs each target N seconds (one at a time) and minimises.
FUZZ_CC ?= clang
FUZZ_SECONDS ?= 60
FUZZ_TARGETS := load notes reach json map opam
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
# clang's -Wformat-nonliteral also flags the va_list helpers behind diag_err(), which
# gcc accepts: the format attribute sits on their printf-like callers.
FUZZ_CFLAGS = -std=gnu11 -D_GNU_SOURCE $(WARN) -Wno-format-nonliteral -O1 -g $(FUZZ_SAN) -I. \
	$(PC_CFLAGS) -DMA_VERSION='"$(VERSION)"' -DMA_DATADIR='"$(datadir)"'
FUZZ_OBJS := $(patsubst %.c,build/fuzz/obj/%.o,$(filter-out audit/cli/main.c,$(SRCS)) \
	tests/fuzz/fuzz_common.c) build/fuzz/obj/rules_default.o build/fuzz/obj/catalogue_default.o
FUZZ_BINS := $(patsubst %,build/fuzz/fuzz_%,$(FUZZ_TARGETS))

fuzz-build: $(FUZZ_BINS)
.SECONDARY: $(FUZZ_OBJS) $(patsubst %,build/fuzz/obj/tests/fuzz/fuzz_%.o,$(FUZZ_TARGETS))

build/fuzz/obj/%.o: %.c build/fuzz/CFLAGS | check-deps
	@mkdir -p $(dir $@)
	@$(if $(Q),printf '  FUZZCC  %s\n' $<)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -MMD -MP -c -o $@ $<

build/fuzz/obj/%_default.o: $(BUILD)/obj/%_default.c build/fuzz/CFLAGS
	@mkdir -p $(dir $@)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -c -o $@ $<

build/fuzz/fuzz_%: build/fuzz/obj/tests/fuzz/fuzz_%.o $(FUZZ_OBJS)
	@$(if $(Q),printf '  LINK    %s\n' $@)
	$(Q)$(FUZZ_CC) $(FUZZ_SAN) -fsanitize=fuzzer -o $@ $^ $(PC_LIBS) -lm

build/fuzz/CFLAGS: FORCE
	@mkdir -p build/fuzz
	@echo '$(FUZZ_CC) $(FUZZ_CFLAGS)' | cmp -s - $@ || echo '$(FUZZ_CC) $(FUZZ_CFLAGS)' > $@

-include $(wildcard build/fuzz/obj/*/*.d build/fuzz/obj/*/*/*.d)

fuzz: setup $(BIN) fuzz-build examples
	$(Q)MA=$(abspath $(BIN)) sh tests/fuzz/seeds.sh $(abspath $(EXAMPLES_DIR)) build/fuzz/corpus
	$(Q)rc=0; for t in $(FUZZ_TARGETS); do \
		sh tests/fuzz/run.sh $$t $(FUZZ_SECONDS) || rc=2; \
	done; exit $$rc

# --- install ---------------------------------------------------------------
install: $(BIN)
	install -d '$(DESTDIR)$(bindir)' '$(DESTDIR)$(datadir)' '$(DESTDIR)$(mandir)/man1'
	install -m 755 $(BIN) '$(DESTDIR)$(bindir)/mirage-audit'
	install -m 644 analyzers/attribution.rules '$(DESTDIR)$(datadir)/attribution.rules'
	install -m 644 analyzers/facilities.catalogue '$(DESTDIR)$(datadir)/facilities.catalogue'
	install -m 644 docs/mirage-audit.1 '$(DESTDIR)$(mandir)/man1/mirage-audit.1'

uninstall:
	rm -f '$(DESTDIR)$(bindir)/mirage-audit' '$(DESTDIR)$(datadir)/attribution.rules' \
		'$(DESTDIR)$(datadir)/facilities.catalogue' \
		'$(DESTDIR)$(mandir)/man1/mirage-audit.1'

clean:
	rm -rf build build-san

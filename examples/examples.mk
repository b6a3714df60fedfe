# SPDX-License-Identifier: ISC
# Example unikernels: `make examples` builds them all under $(EXAMPLES_DIR).
# Included by the top Makefile, which provides EXAMPLES_DIR, Q and CC.
# Sources stay in examples/; everything built (objects, archives, generated
# C, link maps, images, data files) goes to $(EXAMPLES_DIR).
#
#   tender                         spt-style loader for solo5-hello
#   solo5-hello/solo5-hello.spt    freestanding C, Solo5 spt layout
#   ocaml-net/ocaml-net.spt        OCaml + Lwt + Cstruct, net only
#   ocaml-full/ocaml-full.hvt      OCaml, net + block + mirage-crypto
#   xen-pvh/xen-pvh.xen            Solo5 xen (PVH) layout, OCaml Xen drivers
#   ocaml-net-stripped/ocaml-net.stripped.spt   strip(1) of ocaml-net
#   gc-sections/gc-sections.plain.spt   freestanding C, -ffunction-sections, linked
#                                  plainly; gc-sections.gc.spt with --gc-sections,
#                                  gc-sections.removed.txt the sections ld removed
#   aarch64-hello/aarch64-hello.hvt     freestanding C for AArch64 (hvt), cross-built;
#                                  aarch64-hello.gc.hvt and .removed.txt likewise
#   ocaml-declared/ocaml-declared.spt   OCaml, net only, but declares a block device too
#   solo5-seeded/solo5-seeded.spt  freestanding C, net only; execve, dlopen, dlsym and
#                                  an mc_ helper linked and never called; a private key
#                                  and a certificate planted (made by openssl at build time)
#   ocaml-net-crypto/ocaml-net-crypto.spt   ocaml-net plus mirage-crypto and a block
#                                  device: the second variant for diff and check
#   ocaml-functor/ocaml-functor.spt  OCaml, no devices: a functor applied to a module
#                                  with more fields than its signature
#   LIST                           "<name> <image> <runnable>" per image
#   <name>/build.log, <name>/manifest.json, <name>/mirage/context and (OCaml)
#   <name>/mirage/<name>.opam.locked: what a real build directory carries
#   besides the map (see EX_ARTEFACTS); <name>/<image>.startup.s: the OCaml
#   startup file ocamlopt -dstartup kept

EX := $(EXAMPLES_DIR)
EX_SRC := examples
EX_COM := $(EX_SRC)/common
OCAMLFIND ?= ocamlfind
STRIP ?= strip

, := ,
# Fixed flags, on purpose not the user's CFLAGS: the images are test
# fixtures, and their ground truth (OCaml symbol stamps, the printed lines,
# the layout) must not move with the build options of the tool.
EX_WARN := -Wall -Wextra -Werror
EX_CFLAGS := -std=gnu11 -O2 -g $(EX_WARN) -MMD -MP -I$(EX_COM)/include
# The freestanding guest: no libc, no PIE, no stack protector (it needs TLS).
EX_FREE_CFLAGS := $(EX_CFLAGS) -ffreestanding -fno-pie -fno-stack-protector -I$(EX_COM)/spt
EX_FREE_LDFLAGS := -ffreestanding -nostdlib -static -fno-pie -no-pie -Wl,--build-id=none \
	-Wl,-z,noexecstack

ifneq ($(Q),)
EX_QUIET_CC = @printf '  CC      %s\n' $@;
EX_QUIET_GEN = @printf '  GEN     %s\n' $@;
EX_QUIET_LINK = @printf '  LINK    %s\n' $@;
EX_QUIET_OCAML = @printf '  OCAMLOPT %s\n' $@;
endif

# What a real build carries besides the image and its map (docs/build.md): each
# compile, archive and link recipe runs through logrun.sh, which writes the
# command and its stderr to TARGET.log in the shape of dune's _build/log (the
# OCaml links with -verbose -dstartup, so ocamlopt's own "+ as" and "+ gcc"
# lines follow, and TARGET.startup.s stays next to the image). The image's
# link then assembles its inputs' fragments into the example's build.log
# (rewritten on every link), copies the source's manifest.json, and writes
# mirage/context (the target, as `mirage configure` saves it) and, for OCaml
# links, mirage/<name>.opam.locked from what findlib says the link used.
# Only the image LIST names writes them (gc-sections and aarch64-hello link a
# second image in the same directory).
EX_LOGRUN := sh $(EX_COM)/tools/logrun.sh
# $(1): findlib packages of the link (comma-separated; empty for C), $(2): more
# fragments to put in the log before the prerequisites' (archive members).
define EX_ARTEFACTS
	@sh $(EX_COM)/tools/buildlog.sh $(dir $@)build.log $@ $(2) $^
	@mkdir -p $(dir $@)mirage && cp $(EX_SRC)/$(notdir $(patsubst %/,%,$(dir $@)))/manifest.json \
		$(dir $@)manifest.json.tmp && mv $(dir $@)manifest.json.tmp $(dir $@)manifest.json
	@printf '%s\n' --target=$(patsubst .%,%,$(suffix $@)) > $(dir $@)mirage/context.tmp && \
		mv $(dir $@)mirage/context.tmp $(dir $@)mirage/context
	$(if $(1),@sh $(EX_COM)/tools/opamlock.sh \
		$(dir $@)mirage/$(notdir $(patsubst %/,%,$(dir $@))).opam.locked \
		$(notdir $(patsubst %/,%,$(dir $@))) $(1))
endef

EX_IMAGES := $(EX)/solo5-hello/solo5-hello.spt $(EX)/ocaml-net/ocaml-net.spt \
	$(EX)/ocaml-full/ocaml-full.hvt $(EX)/xen-pvh/xen-pvh.xen \
	$(EX)/ocaml-net-stripped/ocaml-net.stripped.spt \
	$(EX)/gc-sections/gc-sections.plain.spt $(EX)/gc-sections/gc-sections.gc.spt \
	$(EX)/gc-sections/gc-sections.removed.txt \
	$(EX)/aarch64-hello/aarch64-hello.hvt $(EX)/aarch64-hello/aarch64-hello.gc.hvt \
	$(EX)/aarch64-hello/aarch64-hello.removed.txt \
	$(EX)/ocaml-declared/ocaml-declared.spt $(EX)/solo5-seeded/solo5-seeded.spt \
	$(EX)/ocaml-net-crypto/ocaml-net-crypto.spt $(EX)/ocaml-functor/ocaml-functor.spt
# Input files the runnable examples read (see each truth.txt "run" line).
EX_DATA := $(EX)/solo5-hello/frames.bin $(EX)/solo5-hello/disk.img \
	$(EX)/ocaml-net/frames.bin $(EX)/ocaml-full/frames.bin $(EX)/ocaml-full/disk.img \
	$(EX)/ocaml-net-stripped/frames.bin $(EX)/gc-sections/frames.bin \
	$(EX)/ocaml-declared/frames.bin $(EX)/ocaml-declared/disk.img \
	$(EX)/solo5-seeded/frames.bin

.PHONY: examples
examples: $(EX)/tender $(EX_IMAGES) $(EX_DATA) $(EX)/LIST

# --- host tools ---------------------------------------------------------------
$(EX)/common/gen-manifest: $(EX_COM)/tools/gen_manifest.c
	@mkdir -p $(dir $@)
	$(EX_QUIET_CC)$(CC) $(EX_CFLAGS) -o $@ $<

$(EX)/common/mkframes: $(EX_COM)/tools/mkframes.c
	@mkdir -p $(dir $@)
	$(EX_QUIET_CC)$(CC) $(EX_CFLAGS) -o $@ $<

$(EX)/tender: $(EX_COM)/tender.c
	@mkdir -p $(dir $@)
	$(EX_QUIET_CC)$(CC) $(EX_CFLAGS) -o $@ $<

# Per-example data: the frame file replayed by the net device, a 4 KiB disk.
$(EX)/%/frames.bin: $(EX_COM)/frames.txt $(EX)/common/mkframes
	@mkdir -p $(dir $@)
	$(EX_QUIET_GEN)$(EX)/common/mkframes $< $@

$(EX)/%/disk.img:
	@mkdir -p $(dir $@)
	$(EX_QUIET_GEN)dd if=/dev/zero of=$@ bs=512 count=8 2>/dev/null

# The MFT1 note source, from the example's manifest.json (kept for reading).
.PRECIOUS: $(EX)/%/manifest.c
$(EX)/%/manifest.c: $(EX_SRC)/%/manifest.json $(EX)/common/gen-manifest
	@mkdir -p $(dir $@)
	$(EX_QUIET_GEN)$(EX)/common/gen-manifest $< $@

# --- freestanding spt bindings (common) ---------------------------------------
EX_SPT_OBJS := $(EX)/common/spt/start.o $(EX)/common/spt/bindings.o $(EX)/common/spt/nolibc.o

$(EX)/common/spt/%.o: $(EX_COM)/spt/%.c
	@mkdir -p $(dir $@)
	$(EX_QUIET_CC)$(EX_LOGRUN) $@.log $(CC) $(EX_FREE_CFLAGS) -c -o $@ $<

$(EX)/common/spt/%.o: $(EX_COM)/spt/%.S
	@mkdir -p $(dir $@)
	$(EX_QUIET_CC)$(EX_LOGRUN) $@.log $(CC) $(EX_FREE_CFLAGS) -c -o $@ $<

# --- solo5-hello ----------------------------------------------------------------
EX_HELLO := $(EX)/solo5-hello
EX_HELLO_OBJS := $(EX_SPT_OBJS) $(EX_HELLO)/hello.o $(EX_HELLO)/manifest.o $(EX_HELLO)/notes.o

$(EX_HELLO)/hello.o: $(EX_SRC)/solo5-hello/hello.c
	@mkdir -p $(dir $@)
	$(EX_QUIET_CC)$(EX_LOGRUN) $@.log $(CC) $(EX_FREE_CFLAGS) -c -o $@ $<

$(EX_HELLO)/manifest.o: $(EX_HELLO)/manifest.c
	$(EX_QUIET_CC)$(EX_LOGRUN) $@.log $(CC) $(EX_FREE_CFLAGS) -c -o $@ $<

$(EX_HELLO)/notes.o: $(EX_COM)/notes.c
	@mkdir -p $(dir $@)
	$(EX_QUIET_CC)$(EX_LOGRUN) $@.log $(CC) $(EX_FREE_CFLAGS) -DABI_TARGET=ABI_TARGET_SPT -DABI_VERSION=2 \
		-DWITH_INTERP -c -o $@ $<

$(EX_HELLO)/solo5-hello.spt: $(EX_HELLO_OBJS) $(EX_COM)/spt/solo5.lds
	$(EX_QUIET_LINK)$(EX_LOGRUN) $@.log $(CC) $(EX_FREE_LDFLAGS) -Wl,-T,$(EX_COM)/spt/solo5.lds \
		-Wl,-Map,$(EX_HELLO)/solo5-hello.map -o $@ $(EX_HELLO_OBJS)
	$(call EX_ARTEFACTS)

# --- hosted Solo5 platform for the OCaml examples (common) -----------------------
# main.o replaces the OCaml runtime's main(); everything else is an archive,
# so an image links only the members it uses: without the Block unit, no
# mirage_solo5_block_* stubs and no solo5_block_* calls are linked.
EX_OCAMLWHERE = $(shell $(OCAMLFIND) ocamlc -where 2>/dev/null)
EX_OCAML_PKGS := cstruct lwt mirage-crypto mirage-crypto-rng

# Fail early, naming the Debian packages, when the OCaml toolchain is missing.
$(EX)/common/ocaml-ok:
	@mkdir -p $(dir $@)
	$(Q)$(OCAMLFIND) query $(EX_OCAML_PKGS) >/dev/null 2>&1 || { \
		echo "examples: need ocamlfind and the OCaml libraries $(EX_OCAML_PKGS);" \
			"run 'make setup' (Debian: ocaml-nox ocaml-findlib libcstruct-ocaml-dev" \
			"liblwt-ocaml-dev libmirage-crypto-ocaml-dev)" >&2; exit 2; }
	@touch $@
EX_HOSTED_CFLAGS = $(EX_CFLAGS) -I$(EX_COM)/hosted -I$(EX_OCAMLWHERE)
EX_HOSTED_LIB := $(EX)/common/hosted/libmirage_solo5_bindings.a
EX_HOSTED_LIB_OBJS := $(addprefix $(EX)/common/hosted/,solo5.o net.o block.o \
	mirage_main_stubs.o mirage_net_stubs.o mirage_block_stubs.o)

$(EX)/common/hosted/%.o: $(EX_COM)/hosted/%.c | $(EX)/common/ocaml-ok
	@mkdir -p $(dir $@)
	$(EX_QUIET_CC)$(EX_LOGRUN) $@.log $(CC) $(EX_HOSTED_CFLAGS) -c -o $@ $<

$(EX_HOSTED_LIB): $(EX_HOSTED_LIB_OBJS)
	$(EX_QUIET_GEN)rm -f $@ && $(EX_LOGRUN) $@.log ar rcs $@ $^

# The OCaml platform units, compiled once: Solo5_os (wrapped, with its alias
# module), Console_solo5, and the unwrapped drivers Netif and Block.
EX_OCAMLOPT := $(OCAMLFIND) ocamlopt -g -bin-annot
EX_OC := $(EX)/common/ocaml

$(EX_OC)/%.cmx: $(EX_COM)/ocaml/%.ml | $(EX)/common/ocaml-ok
	@mkdir -p $(dir $@)
	$(EX_QUIET_OCAML)$(EX_LOGRUN) $@.log $(EX_OCAMLOPT) -package cstruct,lwt -I $(EX_OC) -c -o $@ $<

$(EX_OC)/solo5_os.cmx: $(EX_COM)/ocaml/solo5_os.ml $(EX_OC)/solo5_os__Main.cmx \
		$(EX_OC)/solo5_os__Time.cmx
	$(EX_QUIET_OCAML)$(EX_LOGRUN) $@.log $(EX_OCAMLOPT) -no-alias-deps -w -49 -I $(EX_OC) -c -o $@ $<
$(EX_OC)/solo5_os__Main.cmx: $(EX_OC)/solo5_os__Time.cmx
$(EX_OC)/netif.cmx: $(EX_OC)/solo5_os.cmx

EX_OC_NET := $(addprefix $(EX_OC)/,solo5_os__Time.cmx solo5_os__Main.cmx solo5_os.cmx \
	console_solo5.cmx netif.cmx)
EX_OC_BLOCK := $(EX_OC)/block.cmx

# Per-example objects: the application's units, manifest.o, and the ABI1
# and OpenBSD notes (hosted images are plain static executables: no .interp).
$(EX)/%/notes.o: $(EX_COM)/notes.c
	@mkdir -p $(dir $@)
	$(EX_QUIET_CC)$(EX_LOGRUN) $@.log $(CC) $(EX_CFLAGS) -DABI_TARGET=$(EX_ABI_TARGET) \
		-DABI_VERSION=$(EX_ABI_VERSION) $(EX_NOTES_FLAGS) -c -o $@ $<

$(EX)/%/manifest.o: $(EX)/%/manifest.c
	$(EX_QUIET_CC)$(EX_LOGRUN) $@.log $(CC) $(EX_CFLAGS) -c -o $@ $<

# Link a hosted image: ocamlopt with glibc and the OCaml runtime, statically,
# plus the notes fragment and a GNU ld map. --no-warnings hides glibc's
# warning about dlopen() in static links (the runtime never dlopens here).
# $(1): packages, $(2): units in link order, $(3): extra objects.
define EX_HOSTED_LINK
	$(EX_QUIET_LINK)$(EX_LOGRUN) $@.log $(EX_OCAMLOPT) -verbose -dstartup -package $(1) -linkpkg -o $@ $(2) \
		$(EX)/common/hosted/main.o $(3) $(EX_HOSTED_LIB) \
		-ccopt -static -ccopt -Wl,-T,$(EX_COM)/hosted/notes.lds \
		-ccopt -Wl,-Map,$(basename $@).map -ccopt -Wl,--no-warnings
	$(call EX_ARTEFACTS,$(1),$(EX_HOSTED_LIB_OBJS))
endef

# --- ocaml-net --------------------------------------------------------------------
EX_ONET := $(EX)/ocaml-net
EX_ONET_UNITS := $(EX_OC_NET) $(addprefix $(EX_ONET)/,unikernel.cmx main.cmx unused_driver.cmx)
$(EX_ONET)/notes.o: EX_ABI_TARGET := ABI_TARGET_SPT
$(EX_ONET)/notes.o: EX_ABI_VERSION := 2

$(EX_ONET)/%.cmx: $(EX_SRC)/ocaml-net/%.ml $(EX_OC_NET)
	@mkdir -p $(dir $@)
	$(EX_QUIET_OCAML)$(EX_LOGRUN) $@.log $(EX_OCAMLOPT) -package cstruct,lwt -I $(EX_OC) -I $(EX_ONET) -c -o $@ $<
$(EX_ONET)/main.cmx: $(EX_ONET)/unikernel.cmx

$(EX_ONET)/ocaml-net.spt: $(EX_ONET_UNITS) $(EX)/common/hosted/main.o $(EX_ONET)/manifest.o \
		$(EX_ONET)/notes.o $(EX_HOSTED_LIB) $(EX_COM)/hosted/notes.lds
	$(call EX_HOSTED_LINK,cstruct$(,)lwt,$(EX_ONET_UNITS),$(EX_ONET)/manifest.o $(EX_ONET)/notes.o)

# --- ocaml-net-crypto: ocaml-net's units + one unit using mirage-crypto, 2 devices ---
EX_ONC := $(EX)/ocaml-net-crypto
EX_ONC_PKGS := cstruct,lwt,mirage-crypto
EX_ONC_UNITS := $(EX_ONET_UNITS) $(EX_ONC)/extra.cmx
$(EX_ONC)/notes.o: EX_ABI_TARGET := ABI_TARGET_SPT
$(EX_ONC)/notes.o: EX_ABI_VERSION := 2

$(EX_ONC)/extra.cmx: $(EX_SRC)/ocaml-net-crypto/extra.ml
	@mkdir -p $(dir $@)
	$(EX_QUIET_OCAML)$(EX_LOGRUN) $@.log $(EX_OCAMLOPT) -package $(EX_ONC_PKGS) -c -o $@ $<

$(EX_ONC)/ocaml-net-crypto.spt: $(EX_ONC_UNITS) $(EX)/common/hosted/main.o $(EX_ONC)/manifest.o \
		$(EX_ONC)/notes.o $(EX_HOSTED_LIB) $(EX_COM)/hosted/notes.lds
	$(call EX_HOSTED_LINK,$(EX_ONC_PKGS),$(EX_ONC_UNITS),$(EX_ONC)/manifest.o $(EX_ONC)/notes.o)

# --- ocaml-full ---------------------------------------------------------------------
EX_OFULL := $(EX)/ocaml-full
EX_OFULL_PKGS := cstruct,lwt,mirage-crypto,mirage-crypto-rng
EX_OFULL_UNITS := $(EX_OC_NET) $(EX_OC_BLOCK) \
	$(addprefix $(EX_OFULL)/,unikernel.cmx main.cmx unused_codec.cmx)
$(EX_OFULL)/notes.o: EX_ABI_TARGET := ABI_TARGET_SPT
$(EX_OFULL)/notes.o: EX_ABI_VERSION := 2

$(EX_OFULL)/%.cmx: $(EX_SRC)/ocaml-full/%.ml $(EX_OC_NET) $(EX_OC_BLOCK)
	@mkdir -p $(dir $@)
	$(EX_QUIET_OCAML)$(EX_LOGRUN) $@.log $(EX_OCAMLOPT) -package $(EX_OFULL_PKGS) -I $(EX_OC) -I $(EX_OFULL) \
		-c -o $@ $<
$(EX_OFULL)/main.cmx: $(EX_OFULL)/unikernel.cmx

$(EX_OFULL)/ocaml-full.hvt: $(EX_OFULL_UNITS) $(EX)/common/hosted/main.o \
		$(EX_OFULL)/manifest.o $(EX_OFULL)/notes.o $(EX_HOSTED_LIB) $(EX_COM)/hosted/notes.lds
	$(call EX_HOSTED_LINK,$(EX_OFULL_PKGS),$(EX_OFULL_UNITS),$(EX_OFULL)/manifest.o \
		$(EX_OFULL)/notes.o)

# --- ocaml-net-stripped ---------------------------------------------------------------
# strip(1) removes .symtab, .strtab and the DWARF; the segments and the Solo5
# notes are unchanged, so the ocaml-net link map still gives every address
# (copied next to the image under the image's name).
EX_OSTRIP := $(EX)/ocaml-net-stripped

$(EX_OSTRIP)/ocaml-net.stripped.spt: $(EX_ONET)/ocaml-net.spt
	@mkdir -p $(dir $@)
	$(EX_QUIET_GEN)$(STRIP) -o $@ $< && cp $(EX_ONET)/ocaml-net.map $(basename $@).map

# --- xen-pvh ------------------------------------------------------------------------
# Linked like the hosted images (static glibc + OCaml runtime), but with a
# full linker script derived from ld's default one (multiboot header first
# in .text, Solo5 notes plus the Xen PVH note), text at 0x100000 as in
# Solo5's xen layout, and a .interp: it is not meant to run.
EX_XEN := $(EX)/xen-pvh
EX_XEN_UNITS := $(addprefix $(EX_XEN)/,xen_os__Xen.cmx xen_os__Eventchn.cmx xen_os__Xs.cmx \
	xen_os__Main.cmx xen_os.cmx netif.cmx blkfront.cmx unikernel.cmx main.cmx)
EX_XEN_OBJS := $(addprefix $(EX_XEN)/,boot.o xen_stubs.o manifest.o notes.o)
$(EX_XEN)/notes.o: EX_ABI_TARGET := ABI_TARGET_XEN
$(EX_XEN)/notes.o: EX_ABI_VERSION := 1
$(EX_XEN)/notes.o: EX_NOTES_FLAGS := -DWITH_INTERP

$(EX_XEN)/%.cmx: $(EX_SRC)/xen-pvh/%.ml | $(EX)/common/ocaml-ok
	@mkdir -p $(dir $@)
	$(EX_QUIET_OCAML)$(EX_LOGRUN) $@.log $(EX_OCAMLOPT) -package cstruct,lwt -I $(EX_XEN) -c -o $@ $<

$(EX_XEN)/xen_os.cmx: $(EX_SRC)/xen-pvh/xen_os.ml $(EX_XEN)/xen_os__Xen.cmx \
		$(EX_XEN)/xen_os__Eventchn.cmx $(EX_XEN)/xen_os__Xs.cmx $(EX_XEN)/xen_os__Main.cmx
	$(EX_QUIET_OCAML)$(EX_LOGRUN) $@.log $(EX_OCAMLOPT) -no-alias-deps -w -49 -I $(EX_XEN) -c -o $@ $<
$(EX_XEN)/xen_os__Xs.cmx: $(EX_XEN)/xen_os__Xen.cmx $(EX_XEN)/xen_os__Eventchn.cmx
$(EX_XEN)/xen_os__Main.cmx: $(EX_XEN)/xen_os__Eventchn.cmx
$(EX_XEN)/netif.cmx $(EX_XEN)/blkfront.cmx: $(EX_XEN)/xen_os.cmx
$(EX_XEN)/unikernel.cmx: $(EX_XEN)/blkfront.cmx
$(EX_XEN)/main.cmx: $(EX_XEN)/unikernel.cmx $(EX_XEN)/netif.cmx

$(EX_XEN)/boot.o: $(EX_SRC)/xen-pvh/boot.S
	@mkdir -p $(dir $@)
	$(EX_QUIET_CC)$(EX_LOGRUN) $@.log $(CC) $(EX_CFLAGS) -c -o $@ $<

$(EX_XEN)/xen_stubs.o: $(EX_SRC)/xen-pvh/xen_stubs.c | $(EX)/common/ocaml-ok
	@mkdir -p $(dir $@)
	$(EX_QUIET_CC)$(EX_LOGRUN) $@.log $(CC) $(EX_HOSTED_CFLAGS) -c -o $@ $<

$(EX_XEN)/xen.lds: $(EX_COM)/tools/xen-lds.sh
	@mkdir -p $(dir $@)
	$(EX_QUIET_GEN)$$($(CC) -print-prog-name=ld) --verbose | sh $< > $@.tmp && mv $@.tmp $@

$(EX_XEN)/xen-pvh.xen: $(EX_XEN_UNITS) $(EX_XEN_OBJS) $(EX_XEN)/xen.lds
	$(EX_QUIET_LINK)$(EX_LOGRUN) $@.log $(EX_OCAMLOPT) -verbose -dstartup -package cstruct,lwt -linkpkg -o $@ $(EX_XEN_UNITS) \
		$(EX_XEN_OBJS) -ccopt -static -ccopt -Wl,-T,$(EX_XEN)/xen.lds \
		-ccopt -Wl,-Ttext-segment=0x100000 -ccopt -Wl,-Map,$(basename $@).map \
		-ccopt -Wl,--no-warnings
	$(call EX_ARTEFACTS,cstruct$(,)lwt)

# --- linking with and without --gc-sections (gc-sections, aarch64-hello) ------------
# Link $(2) (objects) with $(1) (the compiler driver and its link flags) and
# --gc-sections into $(3) (the image; its map beside it, .map for the image's
# suffix), and keep the linker's "removing unused section '.text.NAME' in
# file 'F'" lines in $(4): the ground truth tests/reach/t-gc-sections.sh
# compares the plain image's dead code with. Other linker output still goes
# to stderr; an empty list is an error.
define EX_GC_LINK
	$(EX_QUIET_LINK)$(1) -Wl,--gc-sections -Wl,--print-gc-sections \
		-Wl,-Map,$(basename $(3)).map -o $(3) $(2) 2>$(4).log || \
		{ cat $(4).log >&2; rm -f $(4).log $(3); exit 1; }; \
	grep -v "removing unused section" $(4).log >&2; \
	grep "removing unused section" $(4).log > $(4).tmp || \
		{ echo "examples: $(3): the linker removed no section" >&2; \
		  rm -f $(4).log $(4).tmp $(3); exit 1; }; \
	mv $(4).tmp $(4) && rm -f $(4).log
endef

# --- gc-sections ----------------------------------------------------------------------
# Every object, the common spt bindings and nolibc included, is compiled with
# one section per function and per data object, and linked twice with the
# solo5-hello linker script: gc-sections.plain.spt keeps every section (the
# image the tests audit), gc-sections.gc.spt is linked with --gc-sections.
EX_GC := $(EX)/gc-sections
EX_GC_CFLAGS := $(EX_FREE_CFLAGS) -ffunction-sections -fdata-sections
EX_GC_OBJS := $(addprefix $(EX_GC)/,spt/start.o spt/bindings.o spt/nolibc.o main.o proto.o \
	cmd.o output.o manifest.o notes.o)

$(EX_GC)/spt/%.o: $(EX_COM)/spt/%.c
	@mkdir -p $(dir $@)
	$(EX_QUIET_CC)$(EX_LOGRUN) $@.log $(CC) $(EX_GC_CFLAGS) -c -o $@ $<

$(EX_GC)/spt/%.o: $(EX_COM)/spt/%.S
	@mkdir -p $(dir $@)
	$(EX_QUIET_CC)$(EX_LOGRUN) $@.log $(CC) $(EX_GC_CFLAGS) -c -o $@ $<

$(EX_GC)/%.o: $(EX_SRC)/gc-sections/%.c
	@mkdir -p $(dir $@)
	$(EX_QUIET_CC)$(EX_LOGRUN) $@.log $(CC) $(EX_GC_CFLAGS) -c -o $@ $<

$(EX_GC)/manifest.o: $(EX_GC)/manifest.c
	$(EX_QUIET_CC)$(EX_LOGRUN) $@.log $(CC) $(EX_GC_CFLAGS) -c -o $@ $<

$(EX_GC)/notes.o: $(EX_COM)/notes.c
	@mkdir -p $(dir $@)
	$(EX_QUIET_CC)$(EX_LOGRUN) $@.log $(CC) $(EX_GC_CFLAGS) -DABI_TARGET=ABI_TARGET_SPT -DABI_VERSION=2 \
		-DWITH_INTERP -c -o $@ $<

EX_GC_LD := $(CC) $(EX_FREE_LDFLAGS) -Wl,-T,$(EX_COM)/spt/solo5.lds

$(EX_GC)/gc-sections.plain.spt: $(EX_GC_OBJS) $(EX_COM)/spt/solo5.lds
	$(EX_QUIET_LINK)$(EX_LOGRUN) $@.log $(EX_GC_LD) -Wl,-Map,$(basename $@).map -o $@ $(EX_GC_OBJS)
	$(call EX_ARTEFACTS)

$(EX_GC)/gc-sections.gc.spt $(EX_GC)/gc-sections.removed.txt &: $(EX_GC_OBJS) \
		$(EX_COM)/spt/solo5.lds
	$(call EX_GC_LINK,$(EX_GC_LD),$(EX_GC_OBJS),$(EX_GC)/gc-sections.gc.spt,\
		$(EX_GC)/gc-sections.removed.txt)

# --- aarch64-hello ---------------------------------------------------------------------
# Cross-built with aarch64-linux-gnu-gcc (Debian: gcc-aarch64-linux-gnu): the
# hvt bindings (common/hvt), nolibc, the Solo5 notes (ABI1 hvt version 2) and
# the solo5-hello linker script. Every object has one section per function
# (not per data object, so gcc's section anchors address the statics), and
# tables.c uses -mcmodel=large -mpc-relative-literal-loads (a literal pool
# after each function, read with ldr xN, <literal>). Linked plainly
# (aarch64-hello.hvt) and with --gc-sections (aarch64-hello.gc.hvt).
EX_A64_CC ?= aarch64-linux-gnu-gcc
EX_A64 := $(EX)/aarch64-hello
EX_A64_CFLAGS := $(EX_CFLAGS) -ffreestanding -fno-pie -fno-stack-protector -mgeneral-regs-only \
	-ffunction-sections -I$(EX_COM)/spt -I$(EX_COM)/hvt
EX_A64_OBJS := $(addprefix $(EX_A64)/,common/start_aarch64.o common/bindings.o common/nolibc.o \
	hello.o tables.o manifest.o notes.o)
EX_A64_LD := $(EX_A64_CC) $(EX_FREE_LDFLAGS) -Wl,-T,$(EX_COM)/spt/solo5.lds
$(EX_A64)/tables.o: EX_A64_MODEL := -mcmodel=large -mpc-relative-literal-loads

# Fail early, naming the Debian package, when the cross compiler is missing
# (checked on every run, not stamped: it costs one command -v).
.PHONY: examples-aarch64-cc
examples-aarch64-cc:
	$(Q)command -v $(EX_A64_CC) >/dev/null 2>&1 || { \
		echo "examples: aarch64-hello needs the cross compiler $(EX_A64_CC);" \
			"run 'make setup' (Debian: gcc-aarch64-linux-gnu)" >&2; exit 2; }

$(EX_A64)/common/%.o: $(EX_COM)/hvt/%.c | examples-aarch64-cc
	@mkdir -p $(dir $@)
	$(EX_QUIET_CC)$(EX_LOGRUN) $@.log $(EX_A64_CC) $(EX_A64_CFLAGS) -c -o $@ $<

$(EX_A64)/common/%.o: $(EX_COM)/hvt/%.S | examples-aarch64-cc
	@mkdir -p $(dir $@)
	$(EX_QUIET_CC)$(EX_LOGRUN) $@.log $(EX_A64_CC) $(EX_A64_CFLAGS) -c -o $@ $<

$(EX_A64)/common/nolibc.o: $(EX_COM)/spt/nolibc.c | examples-aarch64-cc
	@mkdir -p $(dir $@)
	$(EX_QUIET_CC)$(EX_LOGRUN) $@.log $(EX_A64_CC) $(EX_A64_CFLAGS) -c -o $@ $<

$(EX_A64)/%.o: $(EX_SRC)/aarch64-hello/%.c | examples-aarch64-cc
	@mkdir -p $(dir $@)
	$(EX_QUIET_CC)$(EX_LOGRUN) $@.log $(EX_A64_CC) $(EX_A64_CFLAGS) $(EX_A64_MODEL) -c -o $@ $<

$(EX_A64)/manifest.o: $(EX_A64)/manifest.c | examples-aarch64-cc
	$(EX_QUIET_CC)$(EX_LOGRUN) $@.log $(EX_A64_CC) $(EX_A64_CFLAGS) -c -o $@ $<

$(EX_A64)/notes.o: $(EX_COM)/notes.c | examples-aarch64-cc
	@mkdir -p $(dir $@)
	$(EX_QUIET_CC)$(EX_LOGRUN) $@.log $(EX_A64_CC) $(EX_A64_CFLAGS) -DABI_TARGET=ABI_TARGET_HVT -DABI_VERSION=2 \
		-DWITH_INTERP -c -o $@ $<

$(EX_A64)/aarch64-hello.hvt: $(EX_A64_OBJS) $(EX_COM)/spt/solo5.lds
	$(EX_QUIET_LINK)$(EX_LOGRUN) $@.log $(EX_A64_LD) -Wl,-Map,$(basename $@).map -o $@ $(EX_A64_OBJS)
	$(call EX_ARTEFACTS)

$(EX_A64)/aarch64-hello.gc.hvt $(EX_A64)/aarch64-hello.removed.txt &: $(EX_A64_OBJS) \
		$(EX_COM)/spt/solo5.lds
	$(call EX_GC_LINK,$(EX_A64_LD),$(EX_A64_OBJS),$(EX_A64)/aarch64-hello.gc.hvt,\
		$(EX_A64)/aarch64-hello.removed.txt)

# --- ocaml-declared -----------------------------------------------------------------
# ocaml-net's shape, but the manifest also declares the block device
# `storage`: only the net units are linked, so the block driver is sealed out
# while the manifest asks the tender for a block device (MA-DRV-001).
EX_ODECL := $(EX)/ocaml-declared
EX_ODECL_UNITS := $(EX_OC_NET) $(addprefix $(EX_ODECL)/,unikernel.cmx main.cmx)
$(EX_ODECL)/notes.o: EX_ABI_TARGET := ABI_TARGET_SPT
$(EX_ODECL)/notes.o: EX_ABI_VERSION := 2

$(EX_ODECL)/%.cmx: $(EX_SRC)/ocaml-declared/%.ml $(EX_OC_NET)
	@mkdir -p $(dir $@)
	$(EX_QUIET_OCAML)$(EX_LOGRUN) $@.log $(EX_OCAMLOPT) -package cstruct,lwt -I $(EX_OC) -I $(EX_ODECL) -c -o $@ $<
$(EX_ODECL)/main.cmx: $(EX_ODECL)/unikernel.cmx

$(EX_ODECL)/ocaml-declared.spt: $(EX_ODECL_UNITS) $(EX)/common/hosted/main.o \
		$(EX_ODECL)/manifest.o $(EX_ODECL)/notes.o $(EX_HOSTED_LIB) $(EX_COM)/hosted/notes.lds
	$(call EX_HOSTED_LINK,cstruct$(,)lwt,$(EX_ODECL_UNITS),$(EX_ODECL)/manifest.o \
		$(EX_ODECL)/notes.o)

# --- solo5-seeded ---------------------------------------------------------------------
# solo5-hello's build (freestanding, common spt bindings, solo5.lds, .interp)
# with a net-only application and seeded.c: functions named like the
# catalogue's process-spawning, dynamic-loading and crypto symbols, linked and
# never called. The block bindings come with bindings.o and are never called.
EX_SEED := $(EX)/solo5-seeded
EX_SEED_OBJS := $(EX_SPT_OBJS) $(addprefix $(EX_SEED)/,hello.o seeded.o planted.o manifest.o notes.o)

$(EX_SEED)/%.o: $(EX_SRC)/solo5-seeded/%.c
	@mkdir -p $(dir $@)
	$(EX_QUIET_CC)$(EX_LOGRUN) $@.log $(CC) $(EX_FREE_CFLAGS) -c -o $@ $<

# The planted secrets (README.md, "Planted secrets"): a fresh RSA key and a self-signed
# certificate of it, made by openssl on a clean build and never committed. planted.c holds
# the key's PEM and the certificate's DER in fixed-size arrays; planted.key.pem and
# planted.crt.pem stay beside the image as the declaration tests/secrets/t-secrets.sh reads.
EX_SEED_SUBJ := /CN=planted.solo5-seeded.test/O=mirage-audit examples
$(EX_SEED)/planted.key.pem:
	@mkdir -p $(dir $@)
	$(EX_QUIET_GEN)openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out $@.tmp \
		2>/dev/null && mv $@.tmp $@

$(EX_SEED)/planted.crt.pem: $(EX_SEED)/planted.key.pem
	$(EX_QUIET_GEN)openssl req -x509 -new -key $< -subj '$(EX_SEED_SUBJ)' -days 3650 \
		-out $@.tmp && mv $@.tmp $@

$(EX_SEED)/planted.crt.der: $(EX_SEED)/planted.crt.pem
	$(EX_QUIET_GEN)openssl x509 -in $< -outform DER -out $@.tmp && mv $@.tmp $@

$(EX_SEED)/planted.c: $(EX_SRC)/solo5-seeded/planted.sh $(EX_SEED)/planted.key.pem \
		$(EX_SEED)/planted.crt.der
	$(EX_QUIET_GEN)sh $< $(EX_SEED)/planted.key.pem $(EX_SEED)/planted.crt.der $@

$(EX_SEED)/planted.o: $(EX_SEED)/planted.c
	$(EX_QUIET_CC)$(EX_LOGRUN) $@.log $(CC) $(EX_FREE_CFLAGS) -c -o $@ $<

$(EX_SEED)/manifest.o: $(EX_SEED)/manifest.c
	$(EX_QUIET_CC)$(EX_LOGRUN) $@.log $(CC) $(EX_FREE_CFLAGS) -c -o $@ $<

$(EX_SEED)/notes.o: $(EX_COM)/notes.c
	@mkdir -p $(dir $@)
	$(EX_QUIET_CC)$(EX_LOGRUN) $@.log $(CC) $(EX_FREE_CFLAGS) -DABI_TARGET=ABI_TARGET_SPT -DABI_VERSION=2 \
		-DWITH_INTERP -c -o $@ $<

$(EX_SEED)/solo5-seeded.spt: $(EX_SEED_OBJS) $(EX_COM)/spt/solo5.lds
	$(EX_QUIET_LINK)$(EX_LOGRUN) $@.log $(CC) $(EX_FREE_LDFLAGS) -Wl,-T,$(EX_COM)/spt/solo5.lds \
		-Wl,-Map,$(basename $@).map -o $@ $(EX_SEED_OBJS)
	$(call EX_ARTEFACTS)

# --- ocaml-functor -----------------------------------------------------------------
# Main applies Unikernel.Make, whose signature names only `read`, to Store
# (read, write, delete, never_called_compact): the coercion copies one field.
# No devices, so only the platform units that do not drive one are linked.
EX_OFUN := $(EX)/ocaml-functor
EX_OFUN_OC := $(addprefix $(EX_OC)/,solo5_os__Time.cmx solo5_os__Main.cmx solo5_os.cmx \
	console_solo5.cmx)
EX_OFUN_UNITS := $(EX_OFUN_OC) $(addprefix $(EX_OFUN)/,store.cmx unikernel.cmx main.cmx)
$(EX_OFUN)/notes.o: EX_ABI_TARGET := ABI_TARGET_SPT
$(EX_OFUN)/notes.o: EX_ABI_VERSION := 2

$(EX_OFUN)/%.cmx: $(EX_SRC)/ocaml-functor/%.ml $(EX_OFUN_OC)
	@mkdir -p $(dir $@)
	$(EX_QUIET_OCAML)$(EX_LOGRUN) $@.log $(EX_OCAMLOPT) -package cstruct,lwt -I $(EX_OC) -I $(EX_OFUN) -c -o $@ $<
$(EX_OFUN)/main.cmx: $(EX_OFUN)/store.cmx $(EX_OFUN)/unikernel.cmx

$(EX_OFUN)/ocaml-functor.spt: $(EX_OFUN_UNITS) $(EX)/common/hosted/main.o \
		$(EX_OFUN)/manifest.o $(EX_OFUN)/notes.o $(EX_HOSTED_LIB) $(EX_COM)/hosted/notes.lds
	$(call EX_HOSTED_LINK,cstruct$(,)lwt,$(EX_OFUN_UNITS),$(EX_OFUN)/manifest.o \
		$(EX_OFUN)/notes.o)

# --- LIST -----------------------------------------------------------------------
$(EX)/LIST: $(EX_SRC)/examples.mk
	@mkdir -p $(dir $@)
	$(EX_QUIET_GEN)printf '%s\n' \
		'solo5-hello solo5-hello/solo5-hello.spt yes' \
		'ocaml-net ocaml-net/ocaml-net.spt yes' \
		'ocaml-full ocaml-full/ocaml-full.hvt yes' \
		'xen-pvh xen-pvh/xen-pvh.xen no' \
		'ocaml-net-stripped ocaml-net-stripped/ocaml-net.stripped.spt yes' \
		'gc-sections gc-sections/gc-sections.plain.spt yes' \
		'aarch64-hello aarch64-hello/aarch64-hello.hvt no' \
		'ocaml-declared ocaml-declared/ocaml-declared.spt yes' \
		'solo5-seeded solo5-seeded/solo5-seeded.spt yes' \
		'ocaml-functor ocaml-functor/ocaml-functor.spt yes' > $@

-include $(wildcard $(EX)/*.d $(EX)/*/*.d $(EX)/*/*/*.d)

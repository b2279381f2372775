# klar — GNU Makefile. `make site` and `make test` are the two commands of the
# README; everything else is here for them. Local overrides go in config.mk.

PREFIX  ?= /usr/local
DESTDIR ?=
CC      ?= cc
JOBS    ?=
BUILD   ?= build
-include config.mk

# Install missing build dependencies before anything asks pkg-config.
DEPS_STAMP := $(BUILD)/.deps-build
$(shell mkdir -p $(BUILD) && { [ $(DEPS_STAMP) -nt scripts/deps.sh ] || { sh scripts/deps.sh build >&2 && touch $(DEPS_STAMP); }; })

PKGS := libcmark-gfm libxml-2.0 lua5.4 yaml-0.1 cairo-pdf pangocairo pangoft2 fontconfig libqpdf libmicrohttpd libpng librsvg-2.0 libjpeg libwebp lcms2 zlib
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS))
PKG_LIBS   := $(shell pkg-config --libs $(PKGS)) -lcmark-gfm-extensions -lhyphen -lqrencode -lstemmer

# Warnings: all of -Wall -Wextra as errors; -Wshadow and -Wstrict-prototypes
# catch the two mistakes most common in a C codebase of this shape.
WERROR ?= -Werror
WARN := -Wall -Wextra $(WERROR) -Wshadow -Wstrict-prototypes -Wno-unused-parameter
OPT  ?= -O2 -g
CFLAGS_ALL = -std=c11 -D_GNU_SOURCE $(OPT) $(WARN) -MMD -MP $(PKG_CFLAGS) $(CFLAGS)
LDLIBS_ALL = $(PKG_LIBS) -lpthread -lm $(LDLIBS)

SRC  := $(shell find generator -name '*.c' | sort)
OBJ  := $(SRC:%.c=$(BUILD)/obj/%.o)
LIBOBJ := $(filter-out $(BUILD)/obj/generator/main.o,$(OBJ))
SAN_OBJ := $(SRC:%.c=$(BUILD)/san/%.o)
SAN_LIBOBJ := $(filter-out $(BUILD)/san/generator/main.o,$(SAN_OBJ))
TSAN_OBJ := $(SRC:%.c=$(BUILD)/tsan/%.o)
UNIT_SRC := $(sort $(wildcard tests/unit/*_test.c))
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
UNIT_SAN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/san-tests/%)
TOOL_SRC := $(sort $(wildcard tests/tools/*.c))
TOOL_BIN := $(TOOL_SRC:tests/tools/%.c=$(BUILD)/tools/%)

Q := @
ifeq ($(V),1)
Q :=
endif

.SECONDARY:
.PHONY: all site test unit fuzz bench install uninstall clean regen-golden readme-examples serve check-deps test-deps
KLAR_BIN ?= klar
all: $(KLAR_BIN)

$(KLAR_BIN): $(OBJ)
	@echo "  LD    $@"
	$(Q)$(CC) $(OPT) -o $@ $^ $(LDLIBS_ALL)

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC    $<"
	$(Q)$(CC) $(CFLAGS_ALL) -c -o $@ $<

# The press profile is built into colour.o (.incbin, which -MMD cannot see)
# deflated, as every printer PDF embeds it: compressing it there cost each
# PDF 10 ms.
ICC_Z := $(BUILD)/icc/klar-fogra39.icc.z
$(ICC_Z): generator/print/icc/klar-fogra39.icc
	@mkdir -p $(dir $@)
	$(Q)python3 -c 'import sys, zlib; open(sys.argv[2], "wb").write(zlib.compress(open(sys.argv[1], "rb").read(), 9))' $< $@
COLOUR_O := $(BUILD)/obj/generator/print/colour.o $(BUILD)/san/generator/print/colour.o \
  $(BUILD)/tsan/generator/print/colour.o $(BUILD)/fuzz/obj/generator/print/colour.o
$(COLOUR_O): $(ICC_Z)
$(COLOUR_O): CFLAGS += -DKLAR_ICC_Z='"$(ICC_Z)"'
$(BUILD)/fuzz/obj/generator/print/colour.o: FUZZFLAGS += -DKLAR_ICC_Z='"$(ICC_Z)"'

# The sanitizer build: the same sources under ASan and UBSan, for the unit
# tests (one target of `make test`).
SANFLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
$(BUILD)/san/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC    $< (asan,ubsan)"
	$(Q)$(CC) $(CFLAGS_ALL) -O1 $(SANFLAGS) -c -o $@ $<

# The ThreadSanitizer build of klar, for the tsan suite (tests/tsan/run.sh):
# the workers of build and booklets must share nothing they write.
TSANFLAGS := -fsanitize=thread -fno-omit-frame-pointer
$(BUILD)/tsan/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC    $< (tsan)"
	$(Q)$(CC) $(CFLAGS_ALL) -O1 -g $(TSANFLAGS) -c -o $@ $<

$(BUILD)/tsan/klar: $(TSAN_OBJ)
	@echo "  LD    $@"
	$(Q)$(CC) -O1 -g $(TSANFLAGS) -o $@ $^ $(LDLIBS_ALL)

# The session's driver (tests/tools/session_drive.c) under ThreadSanitizer:
# an update renders on the pool with workers that record what they read.
$(BUILD)/tsan/session_drive: tests/tools/session_drive.c $(filter-out $(BUILD)/tsan/generator/main.o,$(TSAN_OBJ))
	@echo "  CC    $< (tsan)"
	$(Q)$(CC) $(CFLAGS_ALL) -O1 -g $(TSANFLAGS) -Igenerator -o $@ $^ $(LDLIBS_ALL)

$(BUILD)/tests/%: tests/unit/%.c $(LIBOBJ) tests/unit/harness.h
	@mkdir -p $(dir $@)
	@echo "  CC    $<"
	$(Q)$(CC) $(CFLAGS_ALL) -Igenerator -o $@ $< $(LIBOBJ) $(LDLIBS_ALL)

$(BUILD)/san-tests/%: tests/unit/%.c $(SAN_LIBOBJ) tests/unit/harness.h
	@mkdir -p $(dir $@)
	@echo "  CC    $< (asan,ubsan)"
	$(Q)$(CC) $(CFLAGS_ALL) -O1 $(SANFLAGS) -Igenerator -o $@ $< $(SAN_LIBOBJ) $(LDLIBS_ALL)

$(BUILD)/tools/%: tests/tools/%.c $(LIBOBJ)
	@mkdir -p $(dir $@)
	@echo "  CC    $<"
	$(Q)$(CC) $(CFLAGS_ALL) -Igenerator -o $@ $< $(LIBOBJ) $(LDLIBS_ALL)

# The fuzz targets of tests/fuzz (built and run by its run.sh): every
# generator source but main.c, compiled with clang for libFuzzer with ASan
# and UBSan, goes into one archive, and each target links against it, so it
# gets exactly the files it uses, whatever they are called or however a
# module is split.
FUZZ_CC ?= clang
FUZZ_SRC := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BIN := $(FUZZ_SRC:tests/fuzz/%.c=$(BUILD)/fuzz/%)
FUZZ_OBJ := $(filter-out $(BUILD)/fuzz/obj/generator/main.o,$(SRC:%.c=$(BUILD)/fuzz/obj/%.o))
FUZZFLAGS := -std=c11 -D_GNU_SOURCE -g -O1 -fno-omit-frame-pointer \
  -fsanitize=address,undefined -fno-sanitize-recover=undefined $(PKG_CFLAGS)
$(BUILD)/fuzz/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC    $< (fuzz)"
	$(Q)$(FUZZ_CC) $(FUZZFLAGS) -fsanitize=fuzzer-no-link -MMD -MP -c -o $@ $<

$(BUILD)/fuzz/libklar.a: $(FUZZ_OBJ)
	$(Q)rm -f $@ && ar rcs $@ $^

$(BUILD)/fuzz/%: tests/fuzz/%.c $(BUILD)/fuzz/libklar.a
	@echo "  LD    $@"
	$(Q)$(FUZZ_CC) $(FUZZFLAGS) -fsanitize=fuzzer -Igenerator -o $@ $< $(BUILD)/fuzz/libklar.a $(LDLIBS_ALL)

fuzz: $(FUZZ_BIN)

site: $(KLAR_BIN)
	./klar build $(if $(JOBS),-j $(JOBS))

serve: $(KLAR_BIN)
	./klar serve $(if $(PORT),--port $(PORT)) $(if $(JOBS),-j $(JOBS))

unit: $(UNIT_BIN)
unit-san: $(UNIT_SAN)

test-deps:
	@sh scripts/deps.sh test
	@sh tests/browser/setup.sh
	@sh tests/lighthouse/setup.sh

# Every suite prints "N passed, N failed"; tests/run adds them up and ends
# with the total line.
test: $(KLAR_BIN) $(UNIT_BIN) $(UNIT_SAN) $(TOOL_BIN) $(BUILD)/tsan/klar $(BUILD)/tsan/session_drive test-deps
	@sh tests/run

regen-golden: $(KLAR_BIN)
	sh tests/golden/run.sh --regen

# The README's example pages, made by klar new from content/site.yaml (the
# new suite fails when they are out of date).
readme-examples: $(KLAR_BIN)
	KLAR=./$(KLAR_BIN) sh scripts/readme-examples.sh

bench: $(KLAR_BIN) $(TOOL_BIN)
	@sh scripts/deps.sh bench
	sh bench/run.sh

install: $(KLAR_BIN)
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 755 klar $(DESTDIR)$(PREFIX)/bin/klar

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/klar

clean:
	rm -rf $(BUILD) klar public public.tmp-* public.old-* tests/out bench/out

-include $(OBJ:.o=.d) $(SAN_OBJ:.o=.d) $(TSAN_OBJ:.o=.d) $(FUZZ_OBJ:.o=.d)

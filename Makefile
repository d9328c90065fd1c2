# Thin wrapper around meson: every target first installs what it needs.
#   make            build
#   make run        build and boot the demo guest on the serial console
#   make check      build and run the whole test suite
#   make bench      build and compare against Debian's qemu-system-x86_64
#   make check SANITIZE=1   the same in an ASan/UBSan build (build-sanitize/)

SANITIZE ?= 0
ifeq ($(SANITIZE),1)
BUILD ?= build-sanitize
MESON_OPTS = -Dsanitize=true
else
BUILD ?= build
MESON_OPTS =
endif

.PHONY: all deps build run check bench clean

all: build

deps-%:
	@scripts/install-deps.sh $*

$(BUILD)/build.ninja:
	@meson setup $(MESON_OPTS) $(BUILD) >/dev/null

build: deps-build $(BUILD)/build.ninja
	@ninja -C $(BUILD) >/dev/null || ninja -C $(BUILD)

run: deps-check build
	@scripts/build-demo-guest.sh $(BUILD)/guest
	@scripts/run-demo.sh $(BUILD)

check: deps-check build
	@scripts/build-demo-guest.sh $(BUILD)/guest
	meson test -C $(BUILD) --print-errorlogs --num-processes 2

bench: deps-bench build
	@scripts/build-demo-guest.sh $(BUILD)/guest
	python3 bench/run.py --mimic $(BUILD)/mimic --build $(BUILD)

clean:
	rm -rf build build-sanitize

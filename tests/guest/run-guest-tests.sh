#!/usr/bin/env bash
# Run mimic's guest tests: each test ELF boots under every available
# accelerator configuration, must leave through isa-debug-exit with status 1
# (exit_test(0)) after printing PASS last, and must print the same lines in
# every configuration. See tests/guest/README.md.
#
# Configurations: kvm with mimic's own PIC (kernel-irqchip=off), kvm with
# KVM's in-kernel irqchip (the default), and tcg. With --emulator qemu the
# tests run under qemu-system-x86_64 -accel tcg instead, to check the tests
# themselves against another machine.
#
# The checks listed for a configuration in known-deviations.txt (where QEMU
# or KVM's in-kernel irqchip departs from the hardware documents) may fail
# there: such a run counts as XFAIL, and those checks are left out of the
# comparison between configurations.
#
# Exit status: 0 all passed, 1 something failed, 77 no accelerator usable.

set -u

usage() {
    cat <<EOF
usage: $0 --mimic PATH --build DIR [--accel kvm,tcg] [--timeout SECONDS]
          [--emulator mimic|qemu] [--qemu PATH] [--verbose] [TEST...]
  --mimic PATH      the mimic binary (not needed with --emulator qemu)
  --build DIR       where the test ELFs (TEST.elf) are; logs go to DIR/guest-logs
  --accel LIST      accelerators to try (default kvm,tcg; kvm runs with
                    kernel-irqchip=off and with the default irqchip)
  --timeout S       seconds per run (default 120; a test's header may raise it)
  --emulator E      mimic (default) or qemu (qemu-system-x86_64 -accel tcg)
  --verbose         print every run's output, not only failing ones
  TEST              test names (default: every tests/guest/*.c with a
                    "/* mimic-test:" header)
EOF
    exit 2
}

src_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
mimic=""
build=""
accels="kvm,tcg"
timeout_s=120
emulator=mimic
qemu=qemu-system-x86_64
verbose=0
tests=()

while [ $# -gt 0 ]; do
    case "$1" in
    --mimic) mimic=$2; shift 2 ;;
    --build) build=$2; shift 2 ;;
    --accel) accels=$2; shift 2 ;;
    --timeout) timeout_s=$2; shift 2 ;;
    --emulator) emulator=$2; shift 2 ;;
    --qemu) qemu=$2; shift 2 ;;
    --verbose|-v) verbose=1; shift ;;
    -h|--help) usage ;;
    -*) echo "$0: unknown option $1" >&2; usage ;;
    *) tests+=("$1"); shift ;;
    esac
done

[ -n "$build" ] || usage
case "$emulator" in
mimic) [ -n "$mimic" ] || usage
       [ -x "$mimic" ] || { echo "$0: $mimic: not an executable" >&2; exit 1; } ;;
qemu) command -v "$qemu" >/dev/null || { echo "$0: $qemu not found" >&2; exit 77; } ;;
*) usage ;;
esac

if [ ${#tests[@]} -eq 0 ]; then
    for f in "$src_dir"/*.c; do
        head -n 1 "$f" | grep -q '^/\* mimic-test:' && tests+=("$(basename "$f" .c)")
    done
fi

logs="$build/guest-logs"
mkdir -p "$logs"

# Configurations: name and the arguments that select the accelerator.
configs=()
declare -A config_args config_state config_note
add_config() {
    configs+=("$1")
    config_args[$1]=$2
    config_state[$1]=unknown
}
if [ "$emulator" = qemu ]; then
    add_config qemu-tcg "-accel tcg -machine pc -net none"
else
    IFS=, read -r -a accel_list <<<"$accels"
    for a in "${accel_list[@]}"; do
        case "$a" in
        kvm)
            add_config kvm-irqchip-off "-accel kvm -machine pc,kernel-irqchip=off"
            add_config kvm "-accel kvm -machine pc"
            if ! [ -r /dev/kvm ] || ! [ -w /dev/kvm ]; then
                for c in kvm-irqchip-off kvm; do
                    config_state[$c]=unavailable
                    config_note[$c]="/dev/kvm missing or not accessible"
                done
            fi
            ;;
        tcg) add_config tcg "-accel tcg -machine pc" ;;
        *) echo "$0: unknown accelerator $a" >&2; exit 2 ;;
        esac
    done
fi

# A test's first line: /* mimic-test: [reboot] [poweroff] [timeout=S] [args=...] */
# reboot: run without -no-reboot (the test resets the machine itself);
# poweroff: the test ends by powering the machine off (ACPI S5): it passes
# with exit status 0 and POWEROFF as its last line instead;
# args=...: extra arguments, up to the closing */.
test_header() {
    head -n 1 "$src_dir/$1.c" | sed -n 's|^/\* mimic-test:\(.*\)\*/ *$|\1|p'
}

# Keep what the guest printed: from its start banner on, without the
# firmware's chatter between a "== guest reset ==" line and the next banner,
# without carriage returns and terminal escapes.
clean_output() {
    tr -d '\r' <"$1" | sed -e 's/\x1b\[[0-9;?]*[A-Za-z]//g' -e 's/\x1bc//g' | awk '
        { i = index($0, "== guest test start =="); if (i) { $0 = substr($0, i); on = 1 } }
        on { print }
        $0 == "== guest reset ==" { on = 0 }'
}

# An accelerator that is not there says so on stderr before any guest output.
unavailable_reason() {
    grep -m1 -E -e '-accel (kvm|tcg):|not built|built without|unknown accelerator|/dev/kvm|KVM_CREATE_VM' "$1"
}

deviations="$src_dir/known-deviations.txt"

# The failed checks of a run ("FAIL - what = ..." lines, up to " = ").
failed_checks() {
    sed -n 's/^FAIL - //p' "$1" | sed 's/ = .*$//'
}

# Known deviations of test $2 under configuration $1 (any configuration if
# $1 is a dot), one check per line.
known_checks() {
    local c=$1 t=$2
    grep -v '^#' "$deviations" | while IFS= read -r line; do
        case "$line" in
        "$c $t: "*) echo "${line#"$c $t: "}" ;;
        *" $t: "*) [ "$c" = . ] && echo "${line#* "$t: "}" ;;
        esac
    done
}

# True if every failed check of test $2 in log $3 is a known deviation of
# configuration $1.
only_known_deviations() {
    local known
    known=$(known_checks "$1" "$2")
    [ -n "$(failed_checks "$3")" ] || return 1
    while IFS= read -r line; do
        grep -qxF -e "$line" <<<"$known" || return 1
    done < <(failed_checks "$3")
    return 0
}

# What the configurations must agree on: the log without the checks known
# to deviate somewhere and without the verdict line (judged per run).
comparable_output() {
    known_checks . "$1" >"$logs/$1.known"
    awk 'FILENAME == ARGV[1] { skip[$0] = 1; next }
         /^PASS$/ || /^FAIL: [0-9]+ checks? failed$/ { next }
         { what = $0; sub(/^(ok  |FAIL) - /, "", what); sub(/ = .*$/, "", what) }
         !(what in skip) { print }' "$logs/$1.known" "$2"
}

failures=0
xfails=0
ran=0
summary=()

for t in "${tests[@]}"; do
    elf="$build/$t.elf"
    if ! [ -f "$src_dir/$t.c" ] || ! [ -f "$elf" ]; then
        echo "FAIL $t: no such test (looked for $src_dir/$t.c and $elf)"
        failures=$((failures + 1))
        summary+=("FAIL $t (missing)")
        continue
    fi
    header=$(test_header "$t")
    t_timeout=$timeout_s
    reboot=0
    want_status=1
    want_last=PASS
    extra=""
    if [[ "$header" =~ timeout=([0-9]+) ]] && [ "${BASH_REMATCH[1]}" -gt "$t_timeout" ]; then
        t_timeout=${BASH_REMATCH[1]}
    fi
    [[ " $header " == *" reboot "* ]] && reboot=1
    if [[ " $header " == *" poweroff "* ]]; then
        want_status=0
        want_last=POWEROFF
    fi
    [[ "$header" =~ args=(.*)$ ]] && extra=${BASH_REMATCH[1]}

    ref=""
    for c in "${configs[@]}"; do
        [ "${config_state[$c]}" = unavailable ] && continue
        out="$logs/$t.$c.out"
        err="$logs/$t.$c.err"
        clean="$logs/$t.$c.log"
        if [ "$emulator" = qemu ]; then
            cmd=("$qemu")
        else
            cmd=("$mimic")
        fi
        # shellcheck disable=SC2206 # word splitting of the argument strings is intended
        cmd+=(${config_args[$c]} -m 64 -nographic -kernel "$elf"
              -device isa-debug-exit,iobase=0xf4,iosize=0x04 $extra)
        [ $reboot -eq 1 ] || cmd+=(-no-reboot)
        start=$(date +%s)
        timeout --kill-after=5 "$t_timeout" "${cmd[@]}" </dev/null >"$out" 2>"$err"
        status=$?
        secs=$(($(date +%s) - start))
        clean_output "$out" >"$clean"

        if [ "${config_state[$c]}" = unknown ] && ! [ -s "$clean" ]; then
            why=$(unavailable_reason "$err")
            if [ -n "$why" ]; then
                config_state[$c]=unavailable
                config_note[$c]=$why
                echo "SKIP $c: $why"
                continue
            fi
        fi
        config_state[$c]=available
        ran=$((ran + 1))

        last=$(grep -v '^[[:space:]]*$' "$clean" | tail -n 1)
        verdict=PASS
        reason=""
        if [ $status -eq 124 ] || [ $status -eq 137 ]; then
            verdict=FAIL; reason="timed out after ${t_timeout}s"
        elif [ $status -ne $want_status ]; then
            verdict=FAIL; reason="exit status $status (expected $want_status)"
        elif [ "$last" != "$want_last" ]; then
            verdict=FAIL; reason="last line is not $want_last"
        fi
        if [ $verdict = FAIL ] && [ $status -eq 3 ] && only_known_deviations "$c" "$t" "$clean"; then
            verdict=XFAIL
            reason="$(failed_checks "$clean" | wc -l) known deviation(s) of $c, see known-deviations.txt"
        fi
        echo "$verdict $t [$c] (${secs}s)${reason:+: $reason}"
        if [ $verdict = XFAIL ] && [ $verbose -eq 0 ]; then
            grep '^FAIL - ' "$clean" | sed 's/^/    /'
            xfails=$((xfails + 1))
        elif [ $verdict = FAIL ] || [ $verbose -eq 1 ]; then
            sed 's/^/    /' "$clean"
            if [ -s "$err" ]; then
                echo "    --- stderr ---"
                tail -n 20 "$err" | sed 's/^/    /'
            fi
        fi
        if [ $verdict = FAIL ]; then
            failures=$((failures + 1))
            summary+=("FAIL $t [$c]: $reason")
        fi

        # Every configuration must print what the first one printed.
        comparable_output "$t" "$clean" >"$logs/$t.$c.cmp"
        if [ -z "$ref" ]; then
            ref=$c
        elif ! cmp -s "$logs/$t.$ref.cmp" "$logs/$t.$c.cmp"; then
            echo "FAIL $t: output under $c differs from $ref"
            diff -u --label "$t [$ref]" --label "$t [$c]" "$logs/$t.$ref.cmp" "$logs/$t.$c.cmp" | sed 's/^/    /'
            failures=$((failures + 1))
            summary+=("FAIL $t: output [$c] differs from [$ref]")
        fi
    done
done

for c in "${configs[@]}"; do
    if [ "${config_state[$c]}" = unavailable ]; then
        echo "note: $c skipped: ${config_note[$c]}"
    fi
done
if [ $failures -gt 0 ]; then
    echo "guest tests: $failures failure(s)"
    printf '  %s\n' "${summary[@]}"
    exit 1
fi
if [ $ran -eq 0 ]; then
    echo "no accelerator available: guest tests skipped"
    exit 77
fi
if [ $xfails -gt 0 ]; then
    echo "guest tests: all passed ($ran runs, $xfails failing known deviations only)"
else
    echo "guest tests: all passed ($ran runs)"
fi
exit 0

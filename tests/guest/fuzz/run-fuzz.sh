#!/usr/bin/env bash
# Differential fuzzer driver (README.md here): generate sequences, run
# fuzz.elf on them under each configuration, compare the per-sequence lines
# against the reference (the first configuration that runs: kvm, where the
# bodies execute on the real CPU), and explain each mismatch with a verbose
# re-run of that one sequence under both sides and its disassembly.
#
# Configurations: kvm (mimic -accel kvm), tcg (mimic -accel tcg), qemu
# (qemu-system-x86_64 -accel tcg -cpu max). QEMU mismatches in sequences
# that use an instruction listed in qemu-exclusions.txt are excused: those
# are QEMU's bugs, not ours.
#
# Exit status: 0 all agreed, 1 a mismatch or a failed run, 77 fewer than two
# configurations available (nothing to compare).

set -u
export LC_ALL=C

usage() {
    cat <<EOF
usage: $0 --elf FUZZ.ELF [--mimic PATH] [--seed S] [--count N] [--length L]
          [--first I] [--accel kvm,tcg,qemu] [--qemu no|yes|auto] [--qemu-bin PATH]
          [--workdir DIR] [--timeout S] [--explain N]
  --elf PATH      the guest program (build/tests/guest/fuzz/fuzz.elf)
  --mimic PATH    the mimic binary (for kvm and tcg)
  --seed S        generator seed (default 1)
  --count N       sequences (default 300), starting at index --first (default 0)
  --length L      instructions per sequence (default 8)
  --accel LIST    configurations to try, in reference order (default kvm,tcg)
  --qemu MODE     add qemu to the list: yes, no, or auto = when fewer than two
                  of the listed ones are available (default auto)
  --workdir DIR   sequences, outputs and verbose dumps (default a temp dir)
  --timeout S     seconds per run (default 120 + N/10)
  --explain N     mismatches to re-run verbosely (default 5)
EOF
    exit 2
}

src_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
elf=""
mimic=""
seed=1
count=300
length=8
first=0
accels="kvm,tcg"
qemu_mode=auto
qemu_bin=qemu-system-x86_64
workdir=""
timeout_s=""
explain=5

while [ $# -gt 0 ]; do
    case "$1" in
    --elf) elf=$2; shift 2 ;;
    --mimic) mimic=$2; shift 2 ;;
    --seed) seed=$2; shift 2 ;;
    --count) count=$2; shift 2 ;;
    --length) length=$2; shift 2 ;;
    --first) first=$2; shift 2 ;;
    --accel) accels=$2; shift 2 ;;
    --qemu) qemu_mode=$2; shift 2 ;;
    --qemu-bin) qemu_bin=$2; shift 2 ;;
    --workdir) workdir=$2; shift 2 ;;
    --timeout) timeout_s=$2; shift 2 ;;
    --explain) explain=$2; shift 2 ;;
    -h|--help) usage ;;
    *) echo "$0: unknown argument $1" >&2; usage ;;
    esac
done
[ -n "$elf" ] || usage
[ -f "$elf" ] || { echo "$0: $elf: no such file" >&2; exit 1; }
[ -n "$timeout_s" ] || timeout_s=$((120 + count / 10))
if [ -z "$workdir" ]; then
    workdir=$(mktemp -d "${TMPDIR:-/tmp}/mimic-fuzz.XXXXXX")
fi
mkdir -p "$workdir"
gen="$src_dir/gen-fuzz.py"
exclusions="$src_dir/qemu-exclusions.txt"

# ---- configurations ----

IFS=, read -r -a wanted <<<"$accels"
case "$qemu_mode" in
yes) wanted+=(qemu) ;;
no|auto) ;;
*) usage ;;
esac

# Why a configuration cannot run here, or nothing if it can.
unavailable() {
    case "$1" in
    kvm|tcg)
        [ -n "$mimic" ] && [ -x "$mimic" ] || { echo "no mimic binary (--mimic)"; return; }
        if [ "$1" = kvm ] && { ! [ -r /dev/kvm ] || ! [ -w /dev/kvm ]; }; then
            echo "/dev/kvm missing or not accessible"; return
        fi
        # an accelerator that is not built says so before the guest starts
        local why
        why=$(timeout 20 "$mimic" -accel "$1" -machine pc -m 16 -nographic -no-reboot \
              -kernel /dev/null </dev/null 2>&1 | grep -m1 -E -e "-accel $1:|not built|unknown accelerator|/dev/kvm|KVM_CREATE_VM")
        [ -n "$why" ] && echo "$why"
        ;;
    qemu) command -v "$qemu_bin" >/dev/null || echo "$qemu_bin not found" ;;
    *) echo "unknown configuration" ;;
    esac
}

configs=()
for c in "${wanted[@]}"; do
    why=$(unavailable "$c")
    if [ -n "$why" ]; then
        echo "SKIP $c: $why"
    else
        configs+=("$c")
    fi
done
if [ "$qemu_mode" = auto ] && [ ${#configs[@]} -lt 2 ] && [[ " ${wanted[*]} " != *" qemu "* ]]; then
    why=$(unavailable qemu)
    if [ -z "$why" ]; then
        echo "note: comparing with QEMU TCG (fewer than two of $accels available)"
        configs+=(qemu)
    fi
fi
if [ ${#configs[@]} -lt 2 ]; then
    echo "fuzz: fewer than two configurations available, nothing to compare"
    exit 77
fi
ref=${configs[0]}

# run CONFIG MODULE OUT [APPEND]: boot fuzz.elf with the module
run_config() {
    local c=$1 module=$2 out=$3 append=${4:-}
    local cmd
    case "$c" in
    kvm) cmd=("$mimic" -accel kvm -machine pc) ;;
    tcg) cmd=("$mimic" -accel tcg -machine pc) ;;
    qemu) cmd=("$qemu_bin" -accel tcg -cpu max -machine pc -net none) ;;
    esac
    cmd+=(-m 128 -nographic -no-reboot -kernel "$elf" -initrd "$module"
          -device isa-debug-exit,iobase=0xf4,iosize=0x04)
    [ -n "$append" ] && cmd+=(-append "$append")
    timeout --kill-after=5 "$timeout_s" "${cmd[@]}" </dev/null >"$out.raw" 2>"$out.err"
    local status=$?
    tr -d '\r' <"$out.raw" | sed -e 's/\x1b\[[0-9;?]*[A-Za-z]//g' -e 's/\x1bc//g' |
        awk '{ i = index($0, "== guest test start =="); if (i) { $0 = substr($0, i); on = 1 } } on' >"$out"
    return $status
}

# The lines of output $1 with the hash QEMU is compared with.
second_hash() {
    awk '/^[0-9]+ [0-9]+ [0-9a-f]+( [0-9a-f]+)?$/ && length($3) == 16 && length($NF) == 16 {
        print $1, $2, $NF }' "$1"
}

# ---- generate and run ----

module="$workdir/seqs.bin"
never=()
if [[ " ${configs[*]} " == *" qemu "* ]]; then
    # what QEMU gets wrong for the sequences after it too: not generated
    awk '!/^#/ && $2 == "never" { print $1 }' "$exclusions" >"$workdir/never.txt"
    never=(--exclude-file "$workdir/never.txt")
fi
if ! python3 "$gen" --seed "$seed" --first "$first" --count "$count" --length "$length" \
        "${never[@]}" --names "$workdir/seqs.names" -o "$module"; then
    echo "FAIL: the generator failed"
    exit 1
fi

failures=0
declare -A lines_of
for c in "${configs[@]}"; do
    out="$workdir/$c.out"
    start=$(date +%s.%N)
    run_config "$c" "$module" "$out"
    status=$?
    secs=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
    # INDEX VECTOR HASH [QHASH]: the second hash, where there is one, for
    # QEMU (fuzz.c, QEMU_QUIRK_*)
    if [ "$c" = qemu ]; then
        second_hash "$out"
    else
        sed -nE 's/^([0-9]+ [0-9]+ [0-9a-f]{16})( [0-9a-f]{16})?$/\1/p' "$out"
    fi >"$workdir/$c.lines"
    lines_of[$c]="$workdir/$c.lines"
    n=$(wc -l <"$workdir/$c.lines")
    last=$(grep -v '^[[:space:]]*$' "$out" | tail -n 1)
    rate=$(awk -v n="$n" -v s="$secs" 'BEGIN { printf "%.0f", (s > 0 ? n / s : 0) }')
    if [ $status -eq 1 ] && [ "$last" = PASS ] && [ "$n" -eq "$count" ]; then
        echo "ran $c: $n sequences in ${secs}s ($rate/s)"
    else
        failures=$((failures + 1))
        why="exit status $status"
        [ $status -eq 124 ] || [ $status -eq 137 ] && why="timed out after ${timeout_s}s"
        echo "FAIL $c: $why, $n of $count sequences reported, last line: $last"
        tail -n 5 "$out" | sed 's/^/    /'
        tail -n 5 "$out.err" | sed 's/^/    stderr: /'
        if [ "$n" -lt "$count" ]; then
            echo "    first sequence without a line: $((first + n)) (likely the one that broke the run)"
        fi
    fi
done

# ---- compare with the reference ----

# sequence index -> instruction names it uses (for QEMU's exclusions)
excused_for_qemu() {
    local idx=$1 names
    [ -f "$exclusions" ] || return 1
    names=$(awk -v i="$idx" '$1 == i { $1 = ""; print; exit }' "$workdir/seqs.names")
    for n in $names; do
        grep -qE "^$n([[:space:]]|#|$)" "$exclusions" && { echo "$n"; return 0; }
    done
    return 1
}

explain_mismatch() {
    local c=$1 idx=$2 d="$workdir/seq-$2"
    mkdir -p "$d"
    python3 "$gen" --seed "$seed" --length "$length" "${never[@]}" --only "$idx" -o "$d/seq.bin"
    python3 "$gen" --seed "$seed" --length "$length" "${never[@]}" --code "$idx" -o "$d/code.bin"
    for side in "$ref" "$c"; do
        run_config "$side" "$d/seq.bin" "$d/$side.out" verbose
        sed -n '/^seq /,/^hash /p' "$d/$side.out" >"$d/$side.dump"
    done
    echo "  --- sequence $idx, state at the end: $ref (-) vs $c (+) ---"
    diff -u --label "$ref" --label "$c" "$d/$ref.dump" "$d/$c.dump" | tail -n +3 | grep -E '^[-+]' | sed 's/^/  /'
    echo "  --- sequence $idx, code at 0x20000 ---"
    objdump -D -b binary -m i386:x86-64 --adjust-vma=0x20000 "$d/code.bin" | sed -n '/<.data>:/,$p' | tail -n +2 | sed 's/^/  /'
    echo "  (dumps in $d)"
}

mismatches=0
for c in "${configs[@]:1}"; do
    [ -s "${lines_of[$ref]}" ] && [ -s "${lines_of[$c]}" ] || continue
    ref_lines=${lines_of[$ref]}
    if [ "$c" = qemu ]; then
        # the reference's second hash, for the comparison with QEMU
        second_hash "$workdir/$ref.out" >"$workdir/$ref.qlines"
        ref_lines="$workdir/$ref.qlines"
    fi
    join -j 1 <(sort -k1,1 "$ref_lines") <(sort -k1,1 "${lines_of[$c]}") |
        awk '$2 != $4 || $3 != $5 { print $1 }' | sort -n >"$workdir/$c.mismatch"
    excused=0
    shown=0
    real=0
    while read -r idx; do
        if [ "$c" = qemu ] && why=$(excused_for_qemu "$idx"); then
            excused=$((excused + 1))
            continue
        fi
        real=$((real + 1))
        echo "MISMATCH sequence $idx: $ref says $(grep "^$idx " "$ref_lines" | cut -d' ' -f2-)," \
             "$c says $(grep "^$idx " "${lines_of[$c]}" | cut -d' ' -f2-)"
        if [ $shown -lt "$explain" ]; then
            explain_mismatch "$c" "$idx"
            shown=$((shown + 1))
        fi
    done <"$workdir/$c.mismatch"
    compared=$(join -j 1 <(sort -k1,1 "$ref_lines") <(sort -k1,1 "${lines_of[$c]}") | wc -l)
    note=""
    [ $excused -gt 0 ] && note=", $excused excused (QEMU bugs in qemu-exclusions.txt)"
    echo "compared $c with $ref: $compared sequences, $real mismatches$note"
    mismatches=$((mismatches + real))
done

echo "fuzz: seed $seed, sequences $first..$((first + count - 1)), length $length${never:+, without: $(tr '\n' ' ' <"$workdir/never.txt")}; workdir $workdir"
if [ $failures -gt 0 ] || [ $mismatches -gt 0 ]; then
    echo "fuzz: FAIL ($failures failed runs, $mismatches mismatches)"
    exit 1
fi
echo "fuzz: all configurations agree (${configs[*]})"
exit 0

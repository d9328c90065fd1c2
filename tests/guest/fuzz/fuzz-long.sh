#!/usr/bin/env bash
# Long differential fuzzing runs, by hand (README.md here): run-fuzz.sh over
# one seed after another, in batches, with sequence lengths taking turns,
# until the seeds run out, the time is up or (with --stop) the first
# failure. Every batch keeps its work directory under --logdir; the summary
# names the failing ones.
#
#   tests/guest/fuzz/fuzz-long.sh --mimic build/mimic \
#       --elf build/tests/guest/fuzz/fuzz.elf --seeds 100-199 --hours 2
#
# Exit status: 0 no failure, 1 some batch failed, 77 nothing to compare.

set -u

usage() {
    cat <<EOF
usage: $0 --elf FUZZ.ELF [--mimic PATH] [--seeds FIRST-LAST] [--batch N]
          [--lengths 8,16,32] [--hours H] [--stop] [--logdir DIR]
          [any other run-fuzz.sh option, e.g. --accel kvm,tcg --qemu yes]
  --seeds     seeds to run (default 1000-1099)
  --batch     sequences per seed (default 2000)
  --lengths   instructions per sequence, one per seed in turn (default 8,16,32)
  --hours     stop starting batches after this long (default: no limit)
  --stop      stop at the first failing batch
  --logdir    where batches keep their work directories (default a temp dir)
EOF
    exit 2
}

src_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
seeds=1000-1099
batch=2000
lengths=8,16,32
hours=""
stop=0
logdir=""
pass=()

while [ $# -gt 0 ]; do
    case "$1" in
    --seeds) seeds=$2; shift 2 ;;
    --batch) batch=$2; shift 2 ;;
    --lengths) lengths=$2; shift 2 ;;
    --hours) hours=$2; shift 2 ;;
    --stop) stop=1; shift ;;
    --logdir) logdir=$2; shift 2 ;;
    -h|--help) usage ;;
    --count|--seed|--length|--workdir|--first) echo "$0: $1 is chosen per batch" >&2; usage ;;
    --*) pass+=("$1" "$2"); shift 2 ;;
    *) usage ;;
    esac
done
[[ "$seeds" =~ ^([0-9]+)-([0-9]+)$ ]] || usage
first_seed=${BASH_REMATCH[1]}
last_seed=${BASH_REMATCH[2]}
IFS=, read -r -a length_list <<<"$lengths"
[ -n "$logdir" ] || logdir=$(mktemp -d "${TMPDIR:-/tmp}/mimic-fuzz-long.XXXXXX")
mkdir -p "$logdir"
deadline=""
[ -n "$hours" ] && deadline=$(( $(date +%s) + $(awk -v h="$hours" 'BEGIN { printf "%d", h * 3600 }') ))

batches=0
sequences=0
failed=()
i=0
for ((seed = first_seed; seed <= last_seed; seed++)); do
    if [ -n "$deadline" ] && [ "$(date +%s)" -ge "$deadline" ]; then
        echo "time is up"
        break
    fi
    length=${length_list[$((i % ${#length_list[@]}))]}
    i=$((i + 1))
    work="$logdir/seed-$seed"
    "$src_dir/run-fuzz.sh" "${pass[@]}" --seed "$seed" --count "$batch" --length "$length" \
        --workdir "$work" >"$work.log" 2>&1
    status=$?
    if [ $status -eq 77 ]; then
        tail -n 3 "$work.log"
        exit 77
    fi
    batches=$((batches + 1))
    sequences=$((sequences + batch))
    if [ $status -eq 0 ]; then
        echo "seed $seed (length $length): $(grep -E '^compared' "$work.log" | tr '\n' ' ')"
        rm -rf "$work"
    else
        echo "seed $seed (length $length): FAIL, see $work.log"
        grep -E '^(MISMATCH|FAIL)' "$work.log" | head -n 5 | sed 's/^/    /'
        failed+=("$seed")
        [ $stop -eq 1 ] && break
    fi
done

echo "fuzz-long: $batches batches, $sequences sequences, ${#failed[@]} failing; logs in $logdir"
if [ ${#failed[@]} -gt 0 ]; then
    echo "failing seeds: ${failed[*]}"
    exit 1
fi
exit 0

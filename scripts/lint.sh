#!/usr/bin/env bash
# lint.sh — static checks of the C code (banned functions, SQL built with printf, cppcheck,
# clang-tidy) and of docs/openapi.yaml (two OpenAPI validators). Fails (exit 1) on any finding;
# prints file:line for each.
set -euo pipefail

usage() {
    cat <<'EOF'
Usage: scripts/lint.sh [--build-dir DIR] [--only CHECKS] [--no-cache] [--help]

Static checks of the C sources and the API document; exits 1 when any check finds something:
  banned    src/ and tests/ C: no strcpy, strcat, sprintf, vsprintf, gets, strtok, atoi,
            atol, atoll, system, tmpnam, mktemp, alloca (comments and string literals are
            ignored; a line with the comment "lint:allow" is exempt)
  sql       src/ and tests/ C: no *printf call (snprintf, hy_buf_printf, hy_arena_printf, …)
            whose format text holds SELECT, INSERT, UPDATE, DELETE, WHERE or FROM:
            SQL is written as constant text with bound parameters
  cppcheck  cppcheck --enable=warning,portability,performance on every file of the build's
            compile_commands.json (src/ and tests/); "// cppcheck-suppress id" works
  tidy      clang-tidy 14 with the checked-in .clang-tidy on src/ (the static analyser
            included); "// NOLINT(check)" works
  openapi   docs/openapi.yaml through `redocly lint` (its recommended rules, every warning
            an error: redocly.yaml) and @apidevtools/swagger-parser's validate (npm packages
            of package.json; scripts/deps.sh installs them)

  --build-dir DIR  a configured build with compile_commands.json (default build; configured
                   with scripts/build.sh when missing)
  --only LIST      run only these checks, comma-separated (e.g. --only banned,sql)
  --no-cache       re-run clang-tidy on every file (by default a file that was clean is not
                   checked again until it, a header under src/ or .clang-tidy changes; the
                   cache is DIR/lint-cache)
  --help           show this text

Takes about a minute on two cores from scratch (clang-tidy's analyser is most of it).
Needs the Debian packages cppcheck and clang-tidy (scripts/deps.sh installs them).
EOF
}

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
BUILD_DIR=$ROOT/build
ONLY=banned,sql,cppcheck,tidy,openapi
CACHE=1
while (($#)); do
    case "$1" in
    --build-dir)
        [ $# -ge 2 ] || { echo "lint.sh: --build-dir needs a folder" >&2; exit 2; }
        BUILD_DIR=$2
        shift
        ;;
    --build-dir=*) BUILD_DIR=${1#--build-dir=} ;;
    --only)
        [ $# -ge 2 ] || { echo "lint.sh: --only needs a list" >&2; exit 2; }
        ONLY=$2
        shift
        ;;
    --only=*) ONLY=${1#--only=} ;;
    --no-cache) CACHE=0 ;;
    -h | --help) usage; exit 0 ;;
    *) echo "lint.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
    esac
    shift
done
BUILD_DIR=$(realpath -m "$BUILD_DIR")
JOBS=${JOBS:-$(nproc 2>/dev/null || echo 2)}
wants() { [[ ",$ONLY," == *",$1,"* ]]; }

FAILED=()
pass() { printf 'lint: %-8s ok\n' "$1"; }
fail() { printf 'lint: %-8s FAILED\n' "$1"; FAILED+=("$1"); }

mapfile -t C_FILES < <(find src tests -name '*.[ch]' -not -path '*/node_modules/*' | sort)

# ---------------------------------------------------------------- banned functions, SQL text
# One Perl pass per file: comments are removed and string literals blanked (line numbers kept)
# for the banned-function scan; the SQL scan reads the string literals inside each *printf
# call's parentheses.
scan() {
    perl -e '
use strict; use warnings;
my $mode = shift @ARGV;
my $banned = qr/(?<![\w.>])(strcpy|strcat|sprintf|vsprintf|gets|strtok|atoi|atol|atoll|system|tmpnam|mktemp|alloca)\s*\(/;
my $sqlkw = qr/\b(SELECT|INSERT|UPDATE|DELETE|WHERE|FROM)\b/;
my $bad = 0;
for my $file (@ARGV) {
    open(my $fh, "<", $file) or die "$file: $!";
    local $/; my $src = <$fh>; close $fh;
    my @raw = split /\n/, $src, -1;
    # Tokens: comments (dropped, newlines kept), string and char literals, anything else.
    my ($code, $strings) = ("", "");
    while ($src =~ m{\G(?:(/\*.*?\*/)|(//[^\n]*)|("(?:\\.|[^"\\\n])*")|(\x27(?:\\.|[^\x27\\\n])*\x27)|([^/"\x27]+|.))}gsc) {
        if (defined $1) { my $n = ($1 =~ tr/\n//); $code .= "\n" x $n; $strings .= "\n" x $n; }
        elsif (defined $2) { }
        elsif (defined $3) { $code .= "\"\""; $strings .= $3; }
        elsif (defined $4) { $code .= "\x27\x27"; $strings .= $4; }
        else { $code .= $5; $strings .= $5; }
    }
    my $allowed = sub { my $l = shift; return ($raw[$l - 1] // "") =~ /lint:allow/; };
    if ($mode eq "banned") {
        my $ln = 0;
        for my $line (split /\n/, $code, -1) {
            $ln++;
            next if $line =~ /^\s*#\s*(include|define\s+\w+\s*$)/;
            while ($line =~ /$banned/g) {
                next if $allowed->($ln);
                print "$file:$ln: banned function $1()\n"; $bad = 1;
            }
        }
    } else {
        # Every call of a function whose name ends in printf, with its argument text.
        while ($strings =~ /\b(\w*printf)\s*\(/g) {
            my ($name, $start) = ($1, pos($strings));
            my $ln = 1 + (substr($strings, 0, $start) =~ tr/\n//);
            my ($depth, $i, $args) = (1, $start, "");
            while ($i < length($strings) && $depth > 0) {
                my $rest = substr($strings, $i);
                if ($rest =~ /^("(?:\\.|[^"\\\n])*")/) { $args .= $1; $i += length($1); next; }
                my $c = substr($strings, $i, 1);
                $depth++ if $c eq "(";
                $depth-- if $c eq ")";
                $args .= $c; $i++;
            }
            my $text = join "", ($args =~ /"((?:\\.|[^"\\\n])*)"/g);
            if ($text =~ $sqlkw && !$allowed->($ln)) {
                print "$file:$ln: SQL text built with $name() (\"$1\"): use constant SQL with bound parameters\n";
                $bad = 1;
            }
        }
    }
}
exit $bad;
' "$@"
}

if wants banned; then
    if scan banned "${C_FILES[@]}"; then pass banned; else fail banned; fi
fi
if wants sql; then
    if scan sql "${C_FILES[@]}"; then pass sql; else fail sql; fi
fi

# ---------------------------------------------------------------- cppcheck, clang-tidy
ENSURED=0
ensure_build() {
    [ "$ENSURED" -eq 0 ] || return 0
    ENSURED=1
    # (Re)configure so that compile_commands.json lists every source file there is now.
    if [ -f "$BUILD_DIR/CMakeCache.txt" ]; then
        cmake --log-level=WARNING -S "$ROOT" -B "$BUILD_DIR" >/dev/null
    else
        cmake --log-level=WARNING -S "$ROOT" -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
            -DHY_WERROR=ON >/dev/null
    fi
    # Generated headers (if any) must exist for the tools to parse the sources.
    [ -d "$BUILD_DIR/gen" ] || cmake --build "$BUILD_DIR" --target hy_cli -j "$JOBS" >/dev/null
}

if wants cppcheck; then
    if ! command -v cppcheck >/dev/null; then
        echo "lint: cppcheck is not installed (apt-get install cppcheck)" >&2
        fail cppcheck
    else
        ensure_build
        # Only our files (the build also lists generated and fuzzing glue, which is ours too).
        out=$(mktemp)
        if cppcheck --project="$BUILD_DIR/compile_commands.json" -j "$JOBS" --quiet \
            --enable=warning,portability,performance --inline-suppr --error-exitcode=1 \
            --suppress=missingIncludeSystem -D__GNUC__ -D__x86_64__ \
            --file-filter="$ROOT/src/*" --file-filter="$ROOT/tests/*" \
            --template='{file}:{line}: {severity}: {message} [{id}]' 2>"$out"; then
            pass cppcheck
        else
            sed "s|^$ROOT/||" "$out"
            fail cppcheck
        fi
        rm -f "$out"
    fi
fi

if wants tidy; then
    TIDY=$(command -v clang-tidy-14 || command -v clang-tidy || true)
    if [ -z "$TIDY" ]; then
        echo "lint: clang-tidy is not installed (apt-get install clang-tidy)" >&2
        fail tidy
    else
        ensure_build
        cache_dir=$BUILD_DIR/lint-cache
        mkdir -p "$cache_dir"
        # A file's result depends on it, the headers it includes and the configuration.
        common=$( (cat .clang-tidy; "$TIDY" --version; find src -name '*.h' -print0 | sort -z |
            xargs -0 cat) | sha256sum | cut -c1-32)
        todo=()
        for f in $(find src -name '*.c' | sort); do
            key=$( (echo "$common"; cat "$f") | sha256sum | cut -c1-32)
            if [ "$CACHE" -eq 1 ] && [ -f "$cache_dir/$key" ]; then continue; fi
            todo+=("$f:$key")
        done
        echo "lint: clang-tidy on ${#todo[@]} files ($(($(find src -name '*.c' | wc -l) - ${#todo[@]})) unchanged since a clean run)"
        out=$(mktemp -d)
        # Each worker writes its file's warnings; a clean file leaves a cache stamp.
        printf '%s\n' "${todo[@]}" | xargs -r -P "$JOBS" -I{} bash -c '
            f=${1%%:*} key=${1##*:}
            rc=0
            "$2" -p "$3" --quiet "$f" >"$4/$key.log" 2>"$4/$key.err" || rc=$?
            if [ "$rc" -ne 0 ]; then
                { cat "$4/$key.err"; echo "$f:1:1: error: clang-tidy exited with $rc"; } >>"$4/$key.log"
            fi
            if ! grep -q "warning:\|error:" "$4/$key.log"; then : >"$5/$key"; fi
        ' _ {} "$TIDY" "$BUILD_DIR" "$out" "$cache_dir"
        if grep -q 'warning:\|error:' "$out"/*.log 2>/dev/null; then
            cat "$out"/*.log | grep -A3 'warning:\|error:' | sed "s|$ROOT/||"
            fail tidy
        else
            pass tidy
        fi
        [ -n "${LINT_KEEP:-}" ] && echo "lint: logs in $out" || rm -rf "$out"
    fi
fi

# ---------------------------------------------------------------- docs/openapi.yaml
if wants openapi; then
    if [ ! -x node_modules/.bin/redocly ] || [ ! -d node_modules/@apidevtools/swagger-parser ]; then
        echo "lint: openapi: the npm packages are missing (run scripts/deps.sh)"
        fail openapi
    else
        ok=1
        # --format=stylish: one line per problem, file:line:column.
        if ! out=$(NO_UPDATE_NOTIFIER=1 REDOCLY_TELEMETRY=off node_modules/.bin/redocly lint \
            --format=stylish docs/openapi.yaml 2>&1); then
            grep -E '^ +[0-9]+:[0-9]+ ' <<<"$out" | sed -E 's/^ +/docs\/openapi.yaml:/' || echo "$out"
            ok=0
        fi
        if ! node --input-type=module -e '
            import SwaggerParser from "@apidevtools/swagger-parser";
            try { await SwaggerParser.validate("docs/openapi.yaml"); }
            catch (e) { console.log(`docs/openapi.yaml: swagger-parser: ${e.message}`); process.exit(1); }'; then
            ok=0
        fi
        if [ "$ok" -eq 1 ]; then pass openapi; else fail openapi; fi
    fi
fi

if ((${#FAILED[@]})); then
    echo "lint: failed: ${FAILED[*]}"
    exit 1
fi
echo "lint: all clean"

# Shared by the bench scripts: source it after setting TOOL (the script's name for messages).

# Prints an error naming the script and exits 2.
die() {
    printf '%s: %s\n' "$TOOL" "$*" >&2
    exit 2
}

# Installs a Debian package when its command is missing (as root; otherwise says what to do).
need() {
    local cmd=$1 pkg=$2
    command -v "$cmd" >/dev/null 2>&1 && return
    [ "$(id -u)" = 0 ] || die "$cmd is missing: install it (apt-get install -y $pkg) or run this as root"
    echo "$TOOL: installing $pkg ..." >&2
    apt-get install -y -q "$pkg" >/dev/null 2>&1 || { apt-get update -q >/dev/null && apt-get install -y -q "$pkg" >/dev/null; } \
        || die "apt-get install $pkg failed"
}

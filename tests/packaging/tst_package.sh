#!/usr/bin/env bash
# tst_package: the Debian package as a user meets it. Builds it with cpack from the configured build dir (the
# executables must already be built: cpack only copies), then checks
#  - its name, version and Depends: the libraries, and the package of every QML module the app's QML imports
#    (and of every module those import in turn);
#  - its files: each executable built with its man page (which must name every option of its --help), the
#    copyright and changelog, for the app the desktop entry, metainfo and icons, the demo model if the source
#    tree has one, nothing outside /usr; the version in the changelog, metainfo and man pages;
#  - lintian (no errors, no warnings), appstreamcli validate, desktop-file-validate, when they are installed;
#  - installed into a fresh root (dpkg --root on a scratch dir; the host's dpkg database is never touched):
#    every executable's --version, gemma-chat started offscreen as far as its screenshot, gemma-cli answering
#    from the installed demo model;
#  - removed again: every file it installed is gone, and the user's data (models, conversations) is not.
# Usage: tst_package.sh CONF   (CONF: package_test.conf, written by CMake)
# GEMMA_KEEP_TEST_DIR=1 keeps the scratch dir (package, install root, screenshot) for a look afterwards.
# shellcheck disable=SC2154  # source_dir, build_dir, version, tools and qml_dir come from the sourced CONF
set -euo pipefail
# shellcheck source=/dev/null
. "$1"  # source_dir, build_dir, version, tools, qml_dir
export PATH="$PATH:/usr/sbin:/sbin"  # dpkg looks for ldconfig and start-stop-daemon on PATH
export LC_ALL=C.UTF-8

checks=0
fail() { echo "FAIL: $*" >&2; exit 1; }
pass() { checks=$((checks + 1)); echo "ok $checks - $*"; }
has() { command -v "$1" >/dev/null 2>&1; }
built() { [[ " $tools " == *" $1 "* ]]; }
png_size() { od -An -tu1 -j16 -N8 "$1" | awk '{printf "%dx%d", $1*16777216+$2*65536+$3*256+$4, $5*16777216+$6*65536+$7*256+$8}'; }
is_png() { [[ $(od -An -tx1 -N8 "$1" | tr -d ' \n') == 89504e470d0a1a0a ]]; }

work=$(mktemp -d "${TMPDIR:-/tmp}/gemma-package-test.XXXXXX")
cleanup() { if [[ -n ${GEMMA_KEEP_TEST_DIR:-} ]]; then echo "kept $work"; else rm -rf "$work"; fi; }
trap cleanup EXIT

# ---------------------------------------------------------------------------------------------- the package
arch=$(dpkg --print-architecture)
package=gemma-chat_${version}_${arch}.deb
if ! cpack -G DEB --config "$build_dir/CPackConfig.cmake" -B "$work/out" >"$work/cpack.log" 2>&1; then
  cat "$work/cpack.log"
  fail "cpack could not build the package (are the executables built? cmake --build $build_dir)"
fi
deb=$work/out/$package
[[ -f $deb ]] || fail "cpack made $(cd "$work/out" && ls -- *.deb), not $package"
pass "cpack built $package"

field() { dpkg-deb --field "$deb" "$1"; }
[[ $(field Package) == gemma-chat && $(field Version) == "$version" && $(field Architecture) == "$arch" ]] ||
  fail "control says $(field Package) $(field Version) $(field Architecture), not gemma-chat $version $arch"
pass "control: gemma-chat $version $arch"

depends=$(field Depends)
# Every name in Depends, alternatives included, without version constraints.
depends_names=" $(tr ',|' '\n' <<<"$depends" | sed 's/(.*)//; s/[[:space:]]//g' | tr '\n' ' ') "
need() { [[ $depends_names == *" $1 "* ]] || fail "Depends lacks $1 ($2). Depends: $depends"; }
need libsentencepiece0 "the tokenizer library, found by dpkg-shlibdeps"
[[ $depends_names =~ \ libopenblas0[^\ ]*\  ]] || fail "Depends lacks libopenblas0: $depends"
if built gemma-chat; then
  need libqt6quick6 "found by dpkg-shlibdeps"
  need qt6-qpa-plugins "the platform plugins"
  need libqt6sql6-sqlite "the conversations' SQL driver"
  need libqt6svg6 "the SVG icon engine"
  # The app's QML imports, and the modules they import or depend on in turn, as the packages that hold them;
  # the Fusion style too, which the app picks in C++.
  qml_packages() {
    local -A seen=()
    local -a queue
    mapfile -t queue < <(grep -h '^[[:space:]]*import [A-Z]' "$source_dir"/ui/*.qml | awk '{print $2}' | sort -u)
    queue+=(QtQuick.Controls.Fusion)
    while ((${#queue[@]})); do
      local uri=${queue[0]}
      queue=("${queue[@]:1}")
      [[ $uri == GemmaChat || -n ${seen[$uri]:-} ]] && continue
      seen[$uri]=1
      local qmldir=$qml_dir/${uri//.//}/qmldir
      [[ -f $qmldir ]] || fail "the app imports $uri, but $qmldir does not exist"
      dpkg -S "$qmldir" | cut -d: -f1
      mapfile -t -O "${#queue[@]}" queue < <(awk '$1 == "import" || $1 == "depends" {print $2}' "$qmldir")
    done
  }
  qml_modules=$(qml_packages | sort -u)
  [[ -n $qml_modules ]] || fail "found no QML module packages for the app's imports"
  for module in $qml_modules; do need "$module" "a QML module the app loads"; done
  pass "Depends has the libraries and the QML modules:" "$(tr '\n' ' ' <<<"$qml_modules")"
else
  pass "Depends has the libraries"
fi

# ------------------------------------------------------------------------------------------------ its files
dpkg-deb --fsys-tarfile "$deb" | tar -t | sed 's|^\./|/|' | grep -v '/$' | sort >"$work/files"
expect() { grep -qxF -- "$1" "$work/files" || fail "the package lacks $1"; }
for tool in $tools; do
  expect "/usr/bin/$tool"
  expect "/usr/share/man/man1/$tool.1.gz"
done
[[ $(grep -c '^/usr/bin/' "$work/files") -eq $(wc -w <<<"$tools") ]] || fail "/usr/bin holds more than $tools"
expect /usr/share/doc/gemma-chat/copyright
expect /usr/share/doc/gemma-chat/changelog.gz
icon_sizes=()
if built gemma-chat; then
  expect /usr/share/applications/gemma-chat.desktop
  [[ $(grep -c '^/usr/share/metainfo/.*\.metainfo\.xml$' "$work/files") -eq 1 ]] || fail "no single metainfo file"
  if [[ -f $source_dir/resources/gemma-chat.svg ]]; then
    expect /usr/share/icons/hicolor/scalable/apps/gemma-chat.svg
    if has rsvg-convert; then icon_sizes=(16 22 24 32 48 64 128 256 512); fi
    for size in "${icon_sizes[@]}"; do expect "/usr/share/icons/hicolor/${size}x${size}/apps/gemma-chat.png"; done
  fi
fi
models=()
for model in "$source_dir"/resources/models/*.gemma; do
  [[ -f $model ]] || continue
  models+=("/usr/share/gemma-chat/models/$(basename "$model")")
  expect "${models[-1]}"
done
if grep -v '^/usr/' "$work/files"; then fail "files outside /usr (above)"; fi
pass "files: $(wc -l <"$work/files") ($tools, man pages, doc${icon_sizes:+, icons}, ${#models[@]} demo model(s))"

# ------------------------------------------------------------------------------- the validators, if present
if has lintian; then
  # --fail-on: errors and warnings fail; info and pedantic tags are advice.
  if ! lintian --fail-on error,warning --tag-display-limit 0 "$deb" >"$work/lintian.log" 2>&1; then
    cat "$work/lintian.log"
    fail "lintian reports errors or warnings (above)"
  fi
  grep -v 'running with root privileges' "$work/lintian.log" || true
  pass "lintian: no errors, no warnings"
else
  echo "skip: lintian is not installed"
fi
dpkg-deb -x "$deb" "$work/x"
if built gemma-chat; then
  metainfo=$(ls "$work"/x/usr/share/metainfo/*.metainfo.xml)
  desktop=$work/x/usr/share/applications/gemma-chat.desktop
  if has appstreamcli; then
    appstreamcli validate --no-net "$metainfo" || fail "appstreamcli validate: $(basename "$metainfo")"
    # The metainfo together with the desktop entry and icons, as a software centre reads them.
    appstreamcli validate-tree --no-net "$work/x" || fail "appstreamcli validate-tree on the package's files"
    pass "appstreamcli validate and validate-tree --no-net"
  else
    echo "skip: appstreamcli is not installed"
  fi
  if has desktop-file-validate; then
    desktop-file-validate "$desktop" || fail "desktop-file-validate: gemma-chat.desktop"
    pass "desktop-file-validate"
  else
    echo "skip: desktop-file-validate is not installed"
  fi
  # What the validators cannot know: the entry starts a file we install, with an icon we install, and the
  # metainfo is named after its id and points at that entry.
  exec_name=$(sed -n 's/^Exec=\([^ ]*\).*/\1/p' "$desktop")
  icon_name=$(sed -n 's/^Icon=//p' "$desktop")
  [[ $exec_name == gemma-chat && -x $work/x/usr/bin/$exec_name ]] || fail "Exec=$exec_name is not /usr/bin/gemma-chat"
  if [[ -f $source_dir/resources/gemma-chat.svg ]]; then
    [[ -f $work/x/usr/share/icons/hicolor/scalable/apps/$icon_name.svg ]] || fail "Icon=$icon_name is not installed"
  fi
  id=$(sed -n 's:.*<id>\(.*\)</id>.*:\1:p' "$metainfo")
  [[ $(basename "$metainfo") == "$id.metainfo.xml" ]] || fail "$(basename "$metainfo") is not named after its id $id"
  grep -q '<launchable type="desktop-id">gemma-chat.desktop</launchable>' "$metainfo" ||
    fail "the metainfo does not launch gemma-chat.desktop"
  release=$(grep -o -m1 '<release version="[^"]*"' "$metainfo" | cut -d'"' -f2)
  [[ $release == "$version" ]] || fail "the metainfo's newest release is $release, the project is $version"
  for size in "${icon_sizes[@]}"; do
    png=$work/x/usr/share/icons/hicolor/${size}x${size}/apps/gemma-chat.png
    if ! is_png "$png" || [[ $(png_size "$png") != "${size}x${size}" ]]; then fail "$png is not a ${size}x${size} PNG"; fi
  done
  # The screenshots are the app's own (resources/screenshots/), published where the metainfo points.
  shots=$(sed -n 's:.*<image>\(.*\)</image>.*:\1:p' "$metainfo")
  [[ -n $shots ]] || fail "the metainfo has no screenshots"
  for url in $shots; do
    is_png "$source_dir/resources/screenshots/$(basename "$url")" ||
      fail "the metainfo shows $url, which is not a PNG in resources/screenshots/"
  done
  pass "desktop entry, metainfo ($id), $(wc -w <<<"$shots") screenshots and ${#icon_sizes[@]} PNG icons agree"
fi
changelog_version=$(zcat "$work/x/usr/share/doc/gemma-chat/changelog.gz" | sed -n '1s/^gemma-chat (\([^)]*\)).*/\1/p')
[[ $changelog_version == "$version" ]] || fail "the changelog's newest entry is '$changelog_version', not $version"
grep -q '^Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/' \
  "$work/x/usr/share/doc/gemma-chat/copyright" || fail "the copyright file is not DEP-5"
for tool in $tools; do
  zcat "$work/x/usr/share/man/man1/$tool.1.gz" | grep -q "^\.TH .* \"GemmaChat $version\"" ||
    fail "$tool.1 does not say GemmaChat $version"
done
pass "changelog, copyright and man pages say $version"

# ----------------------------------------------------------------------- installed into a fresh root, run
root=$work/root
mkdir -p "$root/var/lib/dpkg/info" "$root/var/lib/dpkg/updates" "$root/var/lib/dpkg/triggers"
: >"$root/var/lib/dpkg/status"
dpkg_root=(dpkg --root="$root" --log="$work/dpkg.log")
if ((EUID != 0)); then dpkg_root+=(--force-not-root); fi
# The scratch root has none of the dependencies: the host's libraries and QML modules serve the run.
"${dpkg_root[@]}" --force-depends --install "$deb" >"$work/dpkg-install.log" 2>&1 ||
  { cat "$work/dpkg-install.log"; fail "dpkg --root could not install the package"; }
dpkg-query --admindir="$root/var/lib/dpkg" -W -f '${Status}' gemma-chat | grep -q 'install ok installed' ||
  fail "dpkg does not list gemma-chat as installed"
sort "$root/var/lib/dpkg/info/gemma-chat.list" >"$work/installed"
pass "installed into $root ($(wc -l <"$work/installed") paths)"

# A user with data: a model of their own and an exported chat in a fake HOME.
home=$work/home
user_env=(env HOME="$home" XDG_DATA_HOME="$home/.local/share" XDG_CONFIG_HOME="$home/.config"
  XDG_CACHE_HOME="$home/.cache" XDG_RUNTIME_DIR="$work/runtime" XDG_DATA_DIRS="$root/usr/share:/usr/share"
  QT_QPA_PLATFORM=offscreen)
data=$home/.local/share/GemmaChat/gemma-chat
mkdir -p "$data/models" "$home/Documents"
mkdir -m 700 "$work/runtime"
head -c 100000 /dev/urandom >"$data/models/my-own-model.gemma"
echo "# A chat I exported" >"$home/Documents/chat.md"

for tool in $tools; do
  out=$(timeout 60 "${user_env[@]}" "$root/usr/bin/$tool" --version 2>"$work/$tool.err") ||
    { cat "$work/$tool.err"; fail "installed $tool --version failed"; }
  [[ $out == "$tool $version" || $out == "$tool $version "* ]] ||
    fail "installed $tool --version says '$out', not '$tool $version'"
  # The man page names every option --help lists.
  page=$(zcat "$root/usr/share/man/man1/$tool.1.gz" | sed 's/\\-/-/g; s/\\f[BIRP]//g')
  help=$(timeout 60 "${user_env[@]}" "$root/usr/bin/$tool" --help 2>/dev/null) || fail "installed $tool --help failed"
  options=$(grep -oE -- '--[a-z][a-z0-9-]*' <<<"$help" | sort -u)
  [[ $options == *--version* ]] || fail "$tool --help does not list --version: $help"
  for option in $options; do
    grep -qE -- "$option([^a-z0-9-]|$)" <<<"$page" || fail "$tool.1 does not mention $option from $tool --help"
  done
done
pass "installed executables say their version: $tools; their man pages cover --help"

if built gemma-chat; then
  shot=$work/screenshot.png
  if ! timeout 300 "${user_env[@]}" "$root/usr/bin/gemma-chat" --size 1024x640 --screenshot "$shot" \
      >"$work/gemma-chat.log" 2>&1; then
    cat "$work/gemma-chat.log"
    fail "the installed gemma-chat did not take its screenshot"
  fi
  if ! is_png "$shot" || [[ $(png_size "$shot") != 1024x640 ]]; then fail "$shot is not a 1024x640 PNG"; fi
  [[ -f $data/conversations.sqlite ]] || fail "gemma-chat did not open its conversations in $data"
  pass "installed gemma-chat started offscreen and saved a $(png_size "$shot") screenshot"
fi
if ((${#models[@]})) && built gemma-cli; then
  answer=$(timeout 120 "${user_env[@]}" "$root/usr/bin/gemma-cli" --model "$root${models[0]}" --prompt "Hello!" \
    -n 16 --temperature 0 --print-ids 2>"$work/gemma-cli.err") ||
    { cat "$work/gemma-cli.err"; fail "gemma-cli cannot run ${models[0]}"; }
  grep -qE '^prompt_ids: [0-9]+( [0-9]+)+$' <<<"$answer" || fail "gemma-cli with ${models[0]} did not run: $answer"
  pass "installed gemma-cli runs the installed demo model: $(grep -v '_ids:' <<<"$answer" | head -c 60)"
fi

# ------------------------------------------------------------------------------------------------- removed
(cd "$home" && find . -type f -print0 | sort -z | xargs -0 sha256sum) >"$work/user-data.before"
grep -q 'my-own-model.gemma' "$work/user-data.before" || fail "the fake user data is missing before removal"
"${dpkg_root[@]}" --purge gemma-chat >"$work/dpkg-remove.log" 2>&1 ||
  { cat "$work/dpkg-remove.log"; fail "dpkg --root could not remove the package"; }
while read -r path; do
  [[ $path == /. ]] && continue
  if [[ -e $root$path || -L $root$path ]]; then fail "removing the package left $path"; fi
done <"$work/installed"
leftovers=$(cd "$root" && find . -mindepth 1 -not -path './var' -not -path './var/*')
[[ -z $leftovers ]] || fail "removing the package left: $leftovers"
if dpkg-query --admindir="$root/var/lib/dpkg" -W gemma-chat >/dev/null 2>&1; then
  fail "dpkg still knows gemma-chat after --purge"
fi
(cd "$home" && find . -type f -print0 | sort -z | xargs -0 sha256sum) >"$work/user-data.after"
diff "$work/user-data.before" "$work/user-data.after" || fail "removing the package changed the user's files"
pass "removed: all $(wc -l <"$work/installed") installed paths gone, the user's $(wc -l <"$work/user-data.after") files untouched"

echo "tst_package: all $checks checks passed"

#!/usr/bin/env bash
# Copies TorchSharp's native sources (src/Native: LibTorchSharp's C++ and CMake files) out of a local TorchSharp
# snapshot into out/device/torchsharp-native/, where tools/device/pack.sh puts them into the device bundle. The GPU
# machine has no network, so the sources must travel; they are not committed to this repository (TorchSharp is MIT
# licensed; its LICENSE travels with them).
#
# Run by the developer once before packing:
#   git clone https://github.com/dotnet/TorchSharp /tmp/TorchSharp   # and check out the 0.107.0 release commit
#   (build/BranchInfo.props says Major 0, Minor 107, Patch 0; this script warns when the minor version differs)
#   tools/device/fetch-torchsharp-native.sh /tmp/TorchSharp
# A bare git directory (a mirror) works too: the files are read from its HEAD (or from REV, e.g. REV=v0.107.0).
#
# One edit is made to the copy: TorchSharp compiles with -Werror, and a newer compiler or libtorch than TorchSharp's CI
# used turns harmless warnings into a failed build, so -Werror is removed from src/Native/CMakeLists.txt.
set -euo pipefail
src="${1:?usage: fetch-torchsharp-native.sh <TorchSharp checkout or bare git dir>}"
cd "$(dirname "$0")/../.."
dest=out/device/torchsharp-native
rm -rf "$dest"; mkdir -p "$dest"
if [ -d "$src/src/Native" ]; then
    cp -r "$src/src/Native/." "$dest/"
    cp "$src/LICENSE.txt" "$dest/" 2>/dev/null || true
    version=$(grep -ho '<MinorVersion>[0-9]*' "$src/build/BranchInfo.props" 2>/dev/null | grep -o '[0-9]*$' || true)
else
    rev="${REV:-HEAD}"
    git --git-dir="$src" archive "$rev" src/Native LICENSE.txt | tar -x -C "$dest"
    mv "$dest/src/Native/"* "$dest/"; rm -rf "$dest/src"
    version=$(git --git-dir="$src" show "$rev:build/BranchInfo.props" | grep -o '<MinorVersion>[0-9]*' | grep -o '[0-9]*$' || true)
fi
[ -f "$dest/LibTorchSharp/CMakeLists.txt" ] || { echo "no src/Native/LibTorchSharp/CMakeLists.txt under $src" >&2; exit 1; }
if [ -n "${version:-}" ] && [ "$version" != "107" ]; then
    echo "warning: the snapshot is TorchSharp 0.$version, not 0.107 (the managed TorchSharp.dll in the bundle is 0.107.0)" >&2
fi
sed -i 's/^\(\s*\)add_definitions(-Werror)/\1# add_definitions(-Werror)  # removed by fetch-torchsharp-native.sh/' "$dest/CMakeLists.txt"
echo "TorchSharp 0.${version:-?} src/Native copied to $dest ($(du -sh "$dest" | cut -f1))"

#!/usr/bin/env bash
# Packs the device bundle: joma-device-check published self-contained and trimmed for linux-x64 (no .NET needed where
# it runs), without any libtorch (TorchFlavor=external: the GPU machine uses its PyTorch install's libtorch, this machine
# the NuGet CPU libtorch, both through JOMA_LIBTORCH_DIR), plus the corpus, the device scripts, the PyTorch peers and
# (when tools/device/fetch-torchsharp-native.sh has been run) TorchSharp's native sources to build LibTorchSharp there.
#
#   tools/device/pack.sh            -> out/device/joma-device-bundle.tar.gz (git-ignored; the device call carries it)
#
# Prints the bundle's size and the whole travelling tree's (tracked + untracked-not-ignored files + the bundle), and
# fails when that exceeds 60 MiB (the device machine takes at most 64 MiB). SKIP_PUBLISH=1 reuses out/device/bundle/bin.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
out=out/device
bundle=$out/bundle
mkdir -p "$out"
if [ "${SKIP_PUBLISH:-0}" != 1 ] || [ ! -x "$bundle/bin/joma-device-check" ]; then
    rm -rf "$bundle"
    echo "Publishing joma-device-check (self-contained, trimmed, linux-x64, no libtorch) ..."
    # Its own artifacts folder: the engine built with TorchFlavor=external must not share obj/ (restore) with the
    # module's cpu build, or a concurrent ./build.ps1 would see the other flavour's assets.
    nice -n 5 dotnet publish tools/device/JoMA.DeviceCheck -c Release -r linux-x64 -p:TorchFlavor=external \
        --artifacts-path "$out/artifacts" -o "$bundle/bin" --verbosity quiet -nologo
    # Natives of the engine's plotting and tokenizer packages: the device check draws nothing and tokenizes nothing.
    rm -f "$bundle/bin/libSkiaSharp.so" "$bundle/bin/libHarfBuzzSharp.so" "$bundle/bin/libhf_tokenizers.so"
    for f in "$bundle"/bin/libtorch*.so "$bundle"/bin/libc10*.so; do
        [ -e "$f" ] && { echo "error: a libtorch library was published into the bundle ($f); TorchFlavor=external should prevent it" >&2; exit 1; }
    done
fi
mkdir -p "$bundle/bin/data"
rm -rf "$bundle/bin/data/austen-kjv" "$bundle/scripts"
cp -r data/austen-kjv "$bundle/bin/data/"
mkdir -p "$bundle/scripts"
cp tools/device/check.sh tools/device/summarize.py bench/training/pytorch_reference.py bench/attention/gpt_neox_eager.py "$bundle/scripts/"
rm -rf "$bundle/torchsharp-native"
if [ -d "$out/torchsharp-native" ]; then
    cp -r "$out/torchsharp-native" "$bundle/torchsharp-native"
else
    echo "note: no $out/torchsharp-native (run tools/device/fetch-torchsharp-native.sh <TorchSharp checkout>); the device will only try the NuGet LibTorchSharp" >&2
fi
tarball=$out/joma-device-bundle.tar.gz
tar -C "$bundle" -cf - . | gzip -9 > "$tarball.tmp" && mv "$tarball.tmp" "$tarball"

mib() { awk -v b="$1" 'BEGIN { printf "%.1f MiB", b / 1048576 }'; }
unpacked=$(du -sb "$bundle" | cut -f1)
packed=$(stat -c %s "$tarball")
tree=$(git ls-files -z --cached --others --exclude-standard | xargs -0 stat -c %s 2>/dev/null | awk '{ s += $1 } END { print s + 0 }')
total=$((tree + packed))
echo "bundle:         $tarball  $(mib "$packed") packed, $(mib "$unpacked") unpacked"
echo "working tree:   $(mib "$tree") (tracked + untracked-not-ignored files)"
echo "travelling:     $(mib "$total") of the 64 MiB a device call takes"
limit=$((60 * 1048576))
if [ "$total" -gt "$limit" ]; then echo "error: the travelling tree exceeds 60 MiB" >&2; exit 1; fi

using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace JoMA.Engine.Native;

/// <summary>
/// The address of a CPU tensor's elements, for kernels that must read and write tensor memory in place.
/// TorchSharp keeps its data pointer internal (its TensorAccessor copies or indexes element by element), so
/// this asks LibTorchSharp's own exported THSTensor_data, the function TorchSharp calls for the same purpose.
/// </summary>
public static unsafe class TensorMemory
{
    static readonly delegate* unmanaged[Cdecl]<IntPtr, IntPtr> DataOf = Resolve();

    static delegate* unmanaged[Cdecl]<IntPtr, IntPtr> Resolve()
    {
        NativeLibraries.EnsureLoaded();
        // TorchSharp's assembly and its search rules: the same LibTorchSharp TorchSharp itself bound to.
        if (NativeLibrary.TryLoad("LibTorchSharp", typeof(torch).Assembly, null, out var library) &&
            NativeLibrary.TryGetExport(library, "THSTensor_data", out var export))
            return (delegate* unmanaged[Cdecl]<IntPtr, IntPtr>)export;
        return null;
    }

    /// <summary>Whether <see cref="Floats"/> can be used in this process.</summary>
    public static bool Available => DataOf != null;

    /// <summary>
    /// The elements of a contiguous float32 CPU tensor as a span over its own memory (no copy). Valid while the
    /// tensor is alive and not resized.
    /// </summary>
    public static Span<float> Floats(Tensor tensor)
    {
        if (DataOf == null) throw new InvalidOperationException("THSTensor_data is not exported by the loaded LibTorchSharp.");
        if (tensor.device_type != DeviceType.CPU || tensor.dtype != ScalarType.Float32 || !tensor.is_contiguous())
            throw new ArgumentException("A contiguous float32 CPU tensor is needed.", nameof(tensor));
        return new Span<float>((void*)DataOf(tensor.Handle), checked((int)tensor.numel()));
    }
}

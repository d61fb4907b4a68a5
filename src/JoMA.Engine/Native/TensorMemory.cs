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

    /// <summary>Whether <see cref="Floats"/> can view this tensor: contiguous float32 on the CPU, at most 2³¹ − 1 elements (one span).</summary>
    public static bool CanView(Tensor tensor) =>
        DataOf != null && tensor.device_type == DeviceType.CPU && tensor.dtype == ScalarType.Float32 && tensor.is_contiguous() &&
        tensor.numel() <= int.MaxValue;

    /// <summary>Whether two tensors <see cref="CanView"/> admits are views of the same elements (TorchSharp hands out a new wrapper, with its own handle, for each .grad or .weight).</summary>
    public static bool SameElements(Tensor a, Tensor b) =>
        CanView(a) && CanView(b) && DataOf(a.Handle) == DataOf(b.Handle) && a.numel() == b.numel();

    /// <summary>
    /// The elements of a tensor <see cref="CanView"/> admits, as a span over its own memory (no copy). Valid while the
    /// tensor is alive and not resized.
    /// </summary>
    public static Span<float> Floats(Tensor tensor)
    {
        if (!CanView(tensor)) throw new ArgumentException("A contiguous float32 CPU tensor of at most 2^31 - 1 elements is needed (and LibTorchSharp's THSTensor_data).", nameof(tensor));
        return new Span<float>((void*)DataOf(tensor.Handle), (int)tensor.numel());
    }
}

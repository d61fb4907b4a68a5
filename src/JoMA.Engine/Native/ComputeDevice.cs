using TorchSharp;

namespace JoMA.Engine.Native;

/// <summary>Which device a user asked for: Auto takes CUDA when it initialises, else the CPU.</summary>
public enum DevicePreference { Auto, Cpu, Cuda }

/// <summary>Resolves a <see cref="DevicePreference"/> to a torch device, loading the natives first.</summary>
public static class ComputeDevice
{
    public static bool CudaAvailable()
    {
        NativeLibraries.EnsureLoaded();
        return torch.cuda.is_available();
    }

    public static torch.Device Resolve(DevicePreference preference)
    {
        NativeLibraries.EnsureLoaded();
        switch (preference)
        {
            case DevicePreference.Cpu:
                return torch.CPU;
            case DevicePreference.Cuda:
                if (!torch.cuda.is_available()) throw CudaUnavailable();
                return torch.CUDA;
            default:
                return torch.cuda.is_available() ? torch.CUDA : torch.CPU;
        }
    }

    /// <summary>
    /// Error CudaUnavailable (ResourceUnavailable): says whether the loaded libtorch is a CPU-only build (the NuGet
    /// flavour: point JOMA_LIBTORCH_DIR at a CUDA libtorch) or a CUDA build that found no device (driver, visibility).
    /// </summary>
    public static JomaException CudaUnavailable()
    {
        var directory = NativeLibraries.TorchDirectory;
        bool cudaBuild = directory is not null && File.Exists(Path.Combine(directory, OperatingSystem.IsWindows() ? "torch_cuda.dll" : "libtorch_cuda.so"));
        var where = directory is null ? "the libtorch TorchSharp found" : $"the libtorch in '{directory}'";
        var message = cudaBuild
            ? $"CUDA was requested (-Device Cuda), but {where} is a CUDA build that found no usable GPU (no NVIDIA driver, no device, " +
              "or CUDA_VISIBLE_DEVICES hides them). Check nvidia-smi, or use -Device Cpu (or Auto, which falls back to the CPU)."
            : $"CUDA was requested (-Device Cuda), but {where} is a CPU-only build, so no GPU can be used. Use -Device Cpu (or Auto), " +
              $"or set {NativeLibraries.ExternalDirectoryVariable} to a CUDA libtorch's lib folder (for example a PyTorch install's torch/lib) " +
              "before the first torch call of a new session; see the README's 'CUDA flavour'.";
        return new JomaException("CudaUnavailable", JomaErrorKind.ResourceUnavailable, message);
    }
}

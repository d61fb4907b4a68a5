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
                if (!torch.cuda.is_available())
                    throw new JomaException("CudaUnavailable", JomaErrorKind.ResourceUnavailable,
                        "CUDA was requested but libtorch found no usable CUDA device. Use -Device Cpu (or Auto), or load a CUDA libtorch 2.10 " +
                        $"through {NativeLibraries.ExternalDirectoryVariable}.");
                return torch.CUDA;
            default:
                return torch.cuda.is_available() ? torch.CUDA : torch.CPU;
        }
    }
}

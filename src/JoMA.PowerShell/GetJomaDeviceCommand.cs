using System.Management.Automation;
using JoMA.Engine.Native;

namespace JoMA.PowerShell;

/// <summary>Reports the torch build, CPU threads, CUDA devices, and where the native libraries were loaded from.</summary>
[Cmdlet(VerbsCommon.Get, "JomaDevice")]
[OutputType(typeof(DeviceReport))]
public sealed class GetJomaDeviceCommand : JomaCmdlet
{
    protected override void EndProcessing()
    {
        EnsureTorch();
        WriteObject(DeviceReport.Capture());
    }
}

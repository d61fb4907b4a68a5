using System.Management.Automation;
using JoMA.Engine;
using JoMA.Engine.Hierarchy;

namespace JoMA.PowerShell;

/// <summary>Streams seeded samples from a latent tree, or writes them as a JSON-lines dataset file.</summary>
[Cmdlet(VerbsCommon.Get, "JomaLatentSample", SupportsShouldProcess = true)]
[OutputType(typeof(LatentSample))]
public sealed class GetJomaLatentSampleCommand : JomaCmdlet
{
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    public LatentTree? LatentTree { get; set; }

    [Parameter] [ValidateRange(1, int.MaxValue)] public int Count { get; set; } = 1;

    /// <summary>Seed of the sampling generator (default: the tree's seed).</summary>
    [Parameter] public int Seed { get; set; }

    [Parameter] [ValidateNotNullOrEmpty] public string? Path { get; set; }
    [Parameter] public SwitchParameter Force { get; set; }
    [Parameter] public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        var tree = LatentTree!;
        var random = new Random(MyInvocation.BoundParameters.ContainsKey(nameof(Seed)) ? Seed : tree.Seed);
        if (Path is null)
        {
            for (int i = 0; i < Count; i++)
            {
                if (Stopping) return;
                WriteObject(tree.Sample(random, i));
            }
            return;
        }
        var full = ResolveFilePath(Path);
        if (File.Exists(full) && !Force)
        {
            ThrowTerminating(new JomaException("FileExists", JomaErrorKind.InvalidOperation, $"'{full}' exists. Use -Force to overwrite it."), full);
            return;
        }
        if (!ShouldProcess(full, $"Write {Count} latent samples")) return;
        try
        {
            LatentSampleFile.Write(full, Enumerable.Range(0, Count).Select(i =>
            {
                PipelineStopToken.ThrowIfCancellationRequested();
                var sample = tree.Sample(random, i);
                if (PassThru) WriteObject(sample);
                return sample;
            }));
            WriteVerbose($"Wrote {Count} samples to {full}.");
        }
        catch (OperationCanceledException)
        {
            throw new PipelineStoppedException();
        }
        catch (JomaException e)
        {
            ThrowTerminating(e, full);
        }
    }
}

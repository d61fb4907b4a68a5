using System.Management.Automation;
using JoMA.Engine;
using JoMA.Engine.Hierarchy;

namespace JoMA.PowerShell;

/// <summary>Builds a seeded hierarchical latent tree (subset-union or binomial, SCIENCE.md §6).</summary>
[Cmdlet(VerbsCommon.New, "JomaLatentTree", DefaultParameterSetName = "SubsetUnion")]
[OutputType(typeof(LatentTree))]
public sealed class NewJomaLatentTreeCommand : JomaCmdlet
{
    [Parameter(Position = 0)]
    public LatentTreeGenerator Generator { get; set; } = LatentTreeGenerator.SubsetUnion;

    [Parameter] [ValidateRange(2, 1_000_000)] public int Vocabulary { get; set; } = 100;
    [Parameter] [ValidateRange(1, 100_000)] public int SequenceLength { get; set; } = 30;
    [Parameter] [ValidateRange(1, 1_000_000)] public int Classes { get; set; } = 20;
    [Parameter] [ValidateNotNull] public int[] LatentsPerLayer { get; set; } = { 10, 20 };
    [Parameter] [ValidateNotNull] public int[] Branching { get; set; } = { 2, 2, 2 };

    [Parameter] [ValidateRange(1, 64)] public int Depth { get; set; } = 4;
    [Parameter] [ValidateRange(1, 100_000)] public int Children { get; set; } = 2;
    /// <summary>One δ for every edge, or a range lo,hi each edge's δ is drawn from.</summary>
    [Parameter] [ValidateCount(1, 2)] public double[] Delta { get; set; } = { 0.6, 0.9 };

    [Parameter] public int Seed { get; set; } = 1;

    bool Bound(string name) => MyInvocation.BoundParameters.ContainsKey(name);

    protected override void ProcessRecord()
    {
        var subsetOnly = new[] { nameof(Vocabulary), nameof(SequenceLength), nameof(Classes), nameof(LatentsPerLayer), nameof(Branching) }.Where(Bound).ToArray();
        var binomialOnly = new[] { nameof(Depth), nameof(Children), nameof(Delta) }.Where(Bound).ToArray();
        var ignored = Generator == LatentTreeGenerator.SubsetUnion ? binomialOnly : subsetOnly;
        if (ignored.Length > 0)
        {
            ThrowTerminating(JomaException.Argument("ParameterNotForGenerator",
                $"-{string.Join(", -", ignored)} do not apply to the {Generator} generator. Drop them, or choose -Generator {(Generator == LatentTreeGenerator.SubsetUnion ? "Binomial" : "SubsetUnion")}."));
            return;
        }
        var spec = new LatentTreeSpec
        {
            Generator = LatentTreeSpec.NameOf(Generator), Seed = Seed, Vocabulary = Vocabulary, SequenceLength = SequenceLength, Classes = Classes,
            LatentsPerLayer = LatentsPerLayer.ToList(), Branching = Branching.ToList(), Depth = Depth, Children = Children,
            DeltaMin = Delta[0], DeltaMax = Delta[^1],
        };
        try
        {
            var tree = LatentTree.Create(spec);
            WriteVerbose($"Built {tree}.");
            WriteObject(tree);
        }
        catch (JomaException e)
        {
            ThrowTerminating(e, spec);
        }
    }
}

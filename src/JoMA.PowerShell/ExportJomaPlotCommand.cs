using System.Globalization;
using System.Management.Automation;
using JoMA.Engine;
using JoMA.Engine.Plots;

namespace JoMA.PowerShell;

/// <summary>
/// Draws the piped objects as a PNG or SVG chart (metric vs step per layer, dynamics trajectories, attention maps,
/// the joint toy's V matrix). Input is collected, then drawn once at the end; the file is written atomically and is
/// never overwritten without -Force.
/// </summary>
[Cmdlet(VerbsData.Export, "JomaPlot", SupportsShouldProcess = true)]
[OutputType(typeof(FileInfo))]
public sealed class ExportJomaPlotCommand : JomaCmdlet
{
    [Parameter(ValueFromPipeline = true)]
    public PSObject? InputObject { get; set; }

    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    [Alias("PSPath")]
    public string? Path { get; set; }

    [Parameter]
    public PlotKind Kind { get; set; } = PlotKind.Auto;

    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(PlotMetricCompleter))]
    public string[]? Metric { get; set; }

    /// <summary>A property name or a script block ($_ is the input object): one panel per distinct value.</summary>
    [Parameter]
    [ValidateNotNull]
    public object? GroupBy { get; set; }

    [Parameter]
    [ValidateRange(0, int.MaxValue)]
    public int Layer { get; set; }

    [Parameter]
    [ValidateRange(-1, int.MaxValue)]
    public int Head { get; set; } = -1;

    [Parameter]
    [ValidateRange(0, int.MaxValue)]
    public int Sequence { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public long[]? Step { get; set; }

    [Parameter]
    public PlotFormat? Format { get; set; }

    [Parameter]
    [ValidateRange(PlotRenderer.MinimumSize, PlotRenderer.MaximumSize)]
    public int Width { get; set; } = 800;

    [Parameter]
    [ValidateRange(PlotRenderer.MinimumSize, PlotRenderer.MaximumSize)]
    public int Height { get; set; } = 500;

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Title { get; set; }

    /// <summary>The property on the x axis of -Kind Scatter.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? X { get; set; }

    [Parameter]
    public SwitchParameter Force { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    readonly List<PlotItem> items = new();

    protected override void ProcessRecord()
    {
        if (InputObject is null) return;
        items.Add(new PlotItem(FromCsv(InputObject) ?? InputObject.BaseObject, GroupOf(InputObject)));
    }

    protected override void EndProcessing()
    {
        var full = ResolveFilePath(Path!);
        if (File.Exists(full) && !Force)
            ThrowTerminating(new JomaException("FileExists", JomaErrorKind.InvalidOperation, $"'{full}' exists. Use -Force to overwrite it."), full);
        if (!Directory.Exists(System.IO.Path.GetDirectoryName(full)))
            ThrowTerminating(new JomaException("PlotFolderMissing", JomaErrorKind.ObjectNotFound, $"The folder of '{full}' does not exist. Create it first (New-Item -ItemType Directory)."), full);
        try
        {
            var format = Format ?? PlotFormats.FromPath(full);
            var figure = PlotFigures.Build(items, new PlotRequest
            {
                Kind = Kind, Metrics = Metric ?? Array.Empty<string>(), Layer = Layer, Head = Head, Sequence = Sequence,
                Steps = Step ?? Array.Empty<long>(), Title = Title, X = X,
            });
            WriteVerbose($"Drawing '{figure.Title}' from {items.Count} object(s): {figure.Panels.Count} panel(s), {Width}×{Height} {format}.");
            if (!ShouldProcess(full, $"Write {format} chart '{figure.Title}'")) return;
            PlotRenderer.Save(figure, full, format, Width, Height);
        }
        catch (JomaException e)
        {
            ThrowTerminating(e, full);
        }
        if (PassThru) WriteObject(new FileInfo(full));
    }

    /// <summary>A row of Import-Csv (text properties) turned back into the module object it was exported from; null for anything else.</summary>
    static object? FromCsv(PSObject input)
    {
        if (input.BaseObject is not PSCustomObject) return null;
        var row = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var property in input.Properties)
        {
            if (property.Value is not (string or null)) return null; // not a CSV row: every Import-Csv value is text
            row[property.Name] = (string?)property.Value;
        }
        return CsvRows.Rehydrate(row);
    }

    /// <summary>The panel an object belongs to under -GroupBy: "Name = value" for a property, the value for a script block.</summary>
    string? GroupOf(PSObject input)
    {
        switch (GroupBy)
        {
            case null:
                return null;
            case ScriptBlock block:
                var result = block.InvokeWithContext(null, new List<PSVariable> { new("_", input) });
                return string.Join(", ", result.Select(r => Text(r?.BaseObject)));
            default:
                var name = LanguagePrimitives.ConvertTo<string>(GroupBy is PSObject p ? p.BaseObject : GroupBy);
                var property = input.Properties[name];
                if (property is null)
                    ThrowTerminating(new JomaException("PlotGroupByUnknown", JomaErrorKind.InvalidArgument,
                        $"The input has no property '{name}' to group by. Give -GroupBy a property it has, or a script block such as {{ $_.LayerEntropy.Count }}."), input);
                return $"{property!.Name} = {Text(property.Value)}";
        }
    }

    static string Text(object? value) => value switch
    {
        double d => d.ToString("G4", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value?.ToString() ?? "",
    };
}

using System.Management.Automation;

namespace JoMA.PowerShell;

/// <summary>
/// Adds a trial's grid values to an output object as properties of their own ('optimizer.lr', 'seed' …), so that
/// Where-Object, Group-Object and Export-Csv see them as columns beside the typed object's properties.
/// </summary>
static class GridValueProperties
{
    public static PSObject Tag(object item, IReadOnlyDictionary<string, object?> values)
    {
        var tagged = PSObject.AsPSObject(item);
        foreach (var (key, value) in values)
            if (tagged.Properties[key] is null) tagged.Properties.Add(new PSNoteProperty(key, value));
        return tagged;
    }
}

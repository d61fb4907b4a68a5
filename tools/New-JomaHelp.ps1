<#
.SYNOPSIS
    Builds the module's MAML help (en-US/JoMA.PowerShell.dll-Help.xml) from docs/cmdlets/*.md.
.DESCRIPTION
    platyPS is not reachable here, so this does its job for our own markdown layout: SYNOPSIS,
    DESCRIPTION, PARAMETERS (### Name per parameter), INPUTS, OUTPUTS, EXAMPLES (### title + a
    powershell code block + remarks), NOTES. Syntax, types, aliases and pipeline binding come from the
    built cmdlets themselves, so help cannot drift from the code; a parameter without a description in
    the markdown, or a cmdlet without a page or without two examples, fails the build.
    Run in a fresh pwsh (a binary module cannot be unloaded).
#>
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $DocsPath,
    [Parameter(Mandatory)] [string] $OutputFile
)
$ErrorActionPreference = 'Stop'
Import-Module $ModulePath -Force
$module = Get-Module JoMA
$common = [System.Management.Automation.PSCmdlet]::CommonParameters + [System.Management.Automation.PSCmdlet]::OptionalCommonParameters

function Read-Sections([string] $path) {
    $sections = @{}; $current = $null; $sub = $null
    # '<!-- include NAME.md -->' pulls in a shared fragment (parameters several cmdlets have in common).
    $lines = foreach ($line in Get-Content -LiteralPath $path) {
        if ($line -match '^<!-- include (\S+) -->$') { Get-Content -LiteralPath (Join-Path (Split-Path $path) $Matches[1]) } else { $line }
    }
    foreach ($line in $lines) {
        if ($line -match '^## (.+)$') { $current = $Matches[1].Trim(); $sections[$current] = [ordered]@{ '' = [System.Collections.Generic.List[string]]::new() }; $sub = ''; continue }
        if ($line -match '^### (.+)$' -and $current) { $sub = $Matches[1].Trim(); $sections[$current][$sub] = [System.Collections.Generic.List[string]]::new(); continue }
        if ($current) { $sections[$current][$sub].Add($line) }
    }
    $sections
}
function Get-Paragraphs([string[]] $lines) {
    (($lines -join "`n").Trim() -split "\n\s*\n") | Where-Object { $_.Trim() } | ForEach-Object { ($_ -replace '\s*\n\s*', ' ').Trim() }
}

$settings = [System.Xml.XmlWriterSettings]::new(); $settings.Indent = $true; $settings.Encoding = [System.Text.UTF8Encoding]::new($false)
$null = New-Item -ItemType Directory -Force -Path (Split-Path $OutputFile)
$temp = "$OutputFile.tmp"
$w = [System.Xml.XmlWriter]::Create($temp, $settings)
$maml = 'http://schemas.microsoft.com/maml/2004/10'; $cmd = 'http://schemas.microsoft.com/maml/dev/command/2004/10'; $dev = 'http://schemas.microsoft.com/maml/dev/2004/10'
function Para($text) { $w.WriteStartElement('maml', 'para', $maml); $w.WriteString($text); $w.WriteEndElement() }
function Description($paragraphs) { $w.WriteStartElement('maml', 'description', $maml); foreach ($p in $paragraphs) { Para $p }; $w.WriteEndElement() }
function TypeName($type) { $type.Name -replace 'SwitchParameter', 'SwitchParameter' }

function Write-Parameter($p, $setParam, $descriptions) {
    $w.WriteStartElement('command', 'parameter', $cmd)
    $w.WriteAttributeString('required', "$($setParam.IsMandatory)".ToLower())
    $w.WriteAttributeString('variableLength', "$($p.ParameterType.IsArray)".ToLower())
    $w.WriteAttributeString('globbing', 'false')
    $pipe = @(); if ($setParam.ValueFromPipeline) { $pipe += 'ByValue' }; if ($setParam.ValueFromPipelineByPropertyName) { $pipe += 'ByPropertyName' }
    $w.WriteAttributeString('pipelineInput', $(if ($pipe) { "True ($($pipe -join ', '))" } else { 'False' }))
    $w.WriteAttributeString('position', $(if ($setParam.Position -ge 0) { "$($setParam.Position)" } else { 'named' }))
    $w.WriteAttributeString('aliases', $(if ($p.Aliases.Count) { $p.Aliases -join ', ' } else { 'none' }))
    $w.WriteElementString('name', $maml, $p.Name)
    Description $descriptions[$p.Name]
    if ($p.ParameterType -ne [System.Management.Automation.SwitchParameter]) {
        $w.WriteStartElement('command', 'parameterValue', $cmd); $w.WriteAttributeString('required', 'true'); $w.WriteAttributeString('variableLength', 'false'); $w.WriteString($p.ParameterType.Name); $w.WriteEndElement()
    }
    $w.WriteStartElement('dev', 'type', $dev); $w.WriteElementString('name', $maml, $p.ParameterType.FullName); $w.WriteEndElement()
    $w.WriteEndElement()
}

$w.WriteStartDocument()
$w.WriteStartElement('helpItems', 'http://msh'); $w.WriteAttributeString('schema', 'maml')
$w.WriteAttributeString('xmlns', 'maml', $null, $maml); $w.WriteAttributeString('xmlns', 'command', $null, $cmd); $w.WriteAttributeString('xmlns', 'dev', $null, $dev)
foreach ($c in ($module.ExportedCmdlets.Values | Sort-Object Name)) {  # pages named _*.md are fragments, not cmdlets
    $page = Join-Path $DocsPath "$($c.Name).md"
    if (-not (Test-Path $page)) { throw "No help page $page for $($c.Name)." }
    $s = Read-Sections $page
    foreach ($required in 'SYNOPSIS', 'DESCRIPTION', 'PARAMETERS', 'INPUTS', 'OUTPUTS', 'EXAMPLES') { if (-not $s.Contains($required)) { throw "$page lacks ## $required." } }
    $params = $c.Parameters.Values | Where-Object { $_.Name -notin $common }
    $descriptions = @{}
    foreach ($p in $params) {
        if (-not $s['PARAMETERS'].Contains($p.Name)) { throw "$page does not describe parameter -$($p.Name)." }
        $descriptions[$p.Name] = @(Get-Paragraphs $s['PARAMETERS'][$p.Name])
    }
    foreach ($documented in $s['PARAMETERS'].Keys) { if ($documented -and -not $c.Parameters.ContainsKey($documented)) { throw "$page describes -$documented, which $($c.Name) does not have." } }
    $examples = @($s['EXAMPLES'].Keys | Where-Object { $_ })
    if ($examples.Count -lt 2) { throw "$page needs at least two examples." }

    $w.WriteStartElement('command', 'command', $cmd)
    $w.WriteStartElement('command', 'details', $cmd)
    $w.WriteElementString('name', $cmd, $c.Name); $w.WriteElementString('verb', $cmd, $c.Verb); $w.WriteElementString('noun', $cmd, $c.Noun)
    Description @(Get-Paragraphs $s['SYNOPSIS'][''])
    $w.WriteEndElement()
    Description @(Get-Paragraphs $s['DESCRIPTION'][''])
    $w.WriteStartElement('command', 'syntax', $cmd)
    foreach ($set in $c.ParameterSets) {
        $w.WriteStartElement('command', 'syntaxItem', $cmd); $w.WriteElementString('name', $maml, $c.Name)
        foreach ($sp in ($set.Parameters | Where-Object { $_.Name -notin $common })) { Write-Parameter $c.Parameters[$sp.Name] $sp $descriptions }
        $w.WriteEndElement()
    }
    $w.WriteEndElement()
    $w.WriteStartElement('command', 'parameters', $cmd)
    foreach ($p in $params) {
        $sp = $p.ParameterSets.Values | Select-Object -First 1
        Write-Parameter $p $sp $descriptions
    }
    $w.WriteEndElement()
    $w.WriteStartElement('command', 'inputTypes', $cmd); $w.WriteStartElement('command', 'inputType', $cmd)
    $w.WriteStartElement('dev', 'type', $dev); $w.WriteElementString('name', $maml, (Get-Paragraphs $s['INPUTS'][''])[0]); $w.WriteEndElement(); Description @()
    $w.WriteEndElement(); $w.WriteEndElement()
    $w.WriteStartElement('command', 'returnValues', $cmd); $w.WriteStartElement('command', 'returnValue', $cmd)
    $w.WriteStartElement('dev', 'type', $dev); $w.WriteElementString('name', $maml, (Get-Paragraphs $s['OUTPUTS'][''])[0]); $w.WriteEndElement(); Description @()
    $w.WriteEndElement(); $w.WriteEndElement()
    if ($s.Contains('NOTES')) { $w.WriteStartElement('maml', 'alertSet', $maml); $w.WriteStartElement('maml', 'alert', $maml); foreach ($p in Get-Paragraphs $s['NOTES']['']) { Para $p }; $w.WriteEndElement(); $w.WriteEndElement() }
    $w.WriteStartElement('command', 'examples', $cmd)
    foreach ($title in $examples) {
        $text = $s['EXAMPLES'][$title] -join "`n"
        if ($text -notmatch '(?s)```powershell\n(.*?)\n```(.*)') { throw "$page example '$title' has no powershell code block." }
        $w.WriteStartElement('command', 'example', $cmd)
        $w.WriteElementString('title', $maml, "-------------------------- $title --------------------------")
        $w.WriteElementString('code', $dev, $Matches[1].Trim())
        $w.WriteStartElement('dev', 'remarks', $dev); foreach ($p in Get-Paragraphs ($Matches[2] -split "`n")) { Para $p }; $w.WriteEndElement()
        $w.WriteEndElement()
    }
    $w.WriteEndElement()
    $w.WriteEndElement()
}
$w.WriteEndElement(); $w.WriteEndDocument(); $w.Close()
Move-Item -Force $temp $OutputFile
"Help for $($module.ExportedCmdlets.Count) cmdlets written to $OutputFile"

<#
.SYNOPSIS
    Paper Fig. 6: per-layer attention entropy of the Wikitext model while it trains, for several depths.
    CPU-sized by default (the shipped corpus, narrow models, a few hundred steps). -Full runs the reference-size
    sweep examples/austen-kjv-reference-sweep.yaml (the authors' settings on the vendored austen-kjv corpus: lr 1e-4
    at 1, 2 and 5 layers, seeds, the optimizer-reset control, lr 1e-3 and 1e-2) into -SweepPath, resuming it if it
    was stopped, and publishes it with publish-reference-results.ps1; -Corpus instead trains depths 1, 2, 5, 10 with
    examples/wikitext2-reference.yaml (20 epochs) on another Wikitext folder.
#>
param([switch] $Full, [string] $Corpus, [string] $SweepPath = (Join-Path $PSScriptRoot '../runs/austen-kjv'), [string] $OutputDirectory = (Join-Path $PSScriptRoot '../out/examples'), [int[]] $Layers, [int] $MaxSteps = 200)
$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $PSScriptRoot '../out/JoMA/JoMA.psd1')
$null = New-Item -ItemType Directory -Force -Path $OutputDirectory
if ($Full -and -not $Corpus) {
    # Hours of CPU: a sweep that resumes where it stopped (Ctrl-C, kill, the machine going away) when run again.
    Start-JomaSweep -ConfigPath (Join-Path $PSScriptRoot 'austen-kjv-reference-sweep.yaml') -OutputDirectory $SweepPath -ThrottleLimit 1 | Out-Null
    & (Join-Path $PSScriptRoot 'publish-reference-results.ps1') -SweepPath $SweepPath -OutputDirectory (Join-Path $OutputDirectory 'austen-kjv')
    return
}
if ($Full) {
    $config = Import-JomaConfig (Join-Path $PSScriptRoot 'wikitext2-reference.yaml')
    $common = @{ Config = $config; Corpus = $Corpus }
    if (-not $Layers) { $Layers = 1, 2, 5, 10 }
} else {
    $config = Import-JomaConfig (Join-Path $PSScriptRoot 'tiny-cpu.yaml')
    $common = @{ Config = $config; MaxSteps = $MaxSteps; EvaluateEvery = [math]::Max(1, [int]($MaxSteps / 4)) }
    if (-not $Layers) { $Layers = 1, 2 }
}
$snapshots = foreach ($l in $Layers) {
    Start-JomaTraining @common -Layers $l -Run "layers=$l" -OutputDirectory (Join-Path $OutputDirectory "fig6-runs/layers-$l") -Force
}
$snapshots | Measure-AttentionSparsity | Export-Csv (Join-Path $OutputDirectory 'fig6-entropy.csv') -NoTypeInformation
$snapshots | Export-JomaPlot (Join-Path $OutputDirectory 'fig6-entropy.png') -Metric LayerEntropy -GroupBy Run -Title 'Fig. 6: attention entropy per layer while training' -Force
$snapshots | Group-Object Run | ForEach-Object { '{0}: layer-0 entropy {1}' -f $_.Name, (($_.Group | ForEach-Object { '{0:F3}' -f $_.LayerEntropy[0] }) -join ' -> ') }

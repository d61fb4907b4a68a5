<#
.SYNOPSIS
    Paper Fig. 8: per-layer attention entropy for several learning rates (panels). CPU-sized by default.
    -Full runs (or resumes) the reference-size sweep examples/austen-kjv-reference-sweep.yaml, whose lr 1e-3 and
    1e-2 trials are Fig. 8 on the vendored austen-kjv corpus, and publishes it; -Corpus instead trains the paper's
    seven learning rates with the reference settings on another Wikitext folder.
#>
param([switch] $Full, [string] $Corpus, [string] $SweepPath = (Join-Path $PSScriptRoot '../runs/austen-kjv'), [string] $OutputDirectory = (Join-Path $PSScriptRoot '../out/examples'), [double[]] $LearningRate, [int] $MaxSteps = 200)
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
    $common = @{ Config = (Import-JomaConfig (Join-Path $PSScriptRoot 'wikitext2-reference.yaml')); Corpus = $Corpus }
    if (-not $LearningRate) { $LearningRate = 1e-6, 5e-6, 1e-5, 5e-5, 1e-4, 1e-3, 1e-2 }
} else {
    $common = @{ Config = (Import-JomaConfig (Join-Path $PSScriptRoot 'tiny-cpu.yaml')); MaxSteps = $MaxSteps; EvaluateEvery = [math]::Max(1, [int]($MaxSteps / 4)) }
    if (-not $LearningRate) { $LearningRate = 1e-4, 1e-3, 1e-2 }
}
$snapshots = foreach ($lr in $LearningRate) {
    Start-JomaTraining @common -LearningRate $lr -Run "lr=$lr" -OutputDirectory (Join-Path $OutputDirectory "fig8-runs/lr-$lr") -Force
}
$snapshots | Measure-AttentionSparsity | Export-Csv (Join-Path $OutputDirectory 'fig8-entropy.csv') -NoTypeInformation
$snapshots | Export-JomaPlot (Join-Path $OutputDirectory 'fig8-entropy.png') -Metric LayerEntropy -GroupBy Run -Title 'Fig. 8: attention entropy per layer, by learning rate' -Force
$snapshots | Group-Object Run | ForEach-Object { '{0}: final layer entropy {1}' -f $_.Name, (($_.Group[-1].LayerEntropy | ForEach-Object { '{0:F3}' -f $_ }) -join ' ') }

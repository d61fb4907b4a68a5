<#
.SYNOPSIS
    Paper Fig. 8: per-layer attention entropy for several learning rates (panels). CPU-sized by default;
    -Full uses the paper's learning rates with the reference settings on -Corpus.
#>
param([switch] $Full, [string] $Corpus, [string] $OutputDirectory = (Join-Path $PSScriptRoot '../out/examples'), [double[]] $LearningRate, [int] $MaxSteps = 200)
$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $PSScriptRoot '../out/JoMA/JoMA.psd1')
$null = New-Item -ItemType Directory -Force -Path $OutputDirectory
if ($Full) {
    if (-not $Corpus) { throw 'Give -Corpus <a Wikitext-2 folder> with -Full.' }
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

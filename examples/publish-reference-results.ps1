<#
.SYNOPSIS
    Publishes the reference-size Wikitext reproductions (examples/austen-kjv-reference-sweep.yaml) from a sweep
    folder: one CSV row per snapshot, layer and head, and PNGs in the paper's layout (Fig. 6: layer entropy per
    depth at lr 1e-4; Fig. 8: per learning rate; the lower-MLP stable rank beside the entropy; the
    optimizer-reset control beside its reference run). Works on a sweep that is still running: it reads what
    the trials have written so far, and says how far each got.
#>
param(
    [string] $SweepPath = (Join-Path $PSScriptRoot '../runs/austen-kjv'),
    [string] $OutputDirectory = (Join-Path $PSScriptRoot '../docs/results/austen-kjv')
)
$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $PSScriptRoot '../out/JoMA/JoMA.psd1')
$null = New-Item -ItemType Directory -Force -Path $OutputDirectory

# Uniform causal attention over bptt 35: (1/35)·Σ ln i, the entropy an untrained model starts near (SCIENCE.md §1).
$uniform = ((1..35 | ForEach-Object { [math]::Log($_) }) | Measure-Object -Sum).Sum / 35
class ReferencePoint {
    [string] $Run; [int] $Layers; [double] $LearningRate; [int] $Seed; [bool] $ResetEachEpoch
    [long] $Step; [int] $Epoch; [int] $Layer; [int] $Head
    [double] $Entropy; [double] $NormalizedEntropy; [double] $StableRank
    [Nullable[double]] $TrainLoss; [double] $ValidationLoss; [double] $ElapsedSeconds; [double] $TokensPerSecond
}
$points = foreach ($trial in Get-ChildItem (Join-Path $SweepPath 'trials') -Directory) {
    $metrics = Join-Path $trial 'metrics.jsonl'
    if (-not (Test-Path $metrics)) { continue }
    $config = Import-JomaConfig (Join-Path $trial 'config.yaml')
    $label = 'layers={0} lr={1:G3} seed={2}{3}' -f $config.Model.Layers, $config.Optimizer.Lr, $config.Seed, $(if (-not $config.Optimizer.ResetEachEpoch) { ' no-reset' } else { '' })
    foreach ($line in Get-Content $metrics) {
        $m = $line | ConvertFrom-Json
        for ($l = 0; $l -lt $m.LayerEntropy.Count; $l++) {
            for ($h = -1; $h -lt $m.HeadEntropy[$l].Count; $h++) {
                $entropy = if ($h -lt 0) { $m.LayerEntropy[$l] } else { $m.HeadEntropy[$l][$h] }
                [ReferencePoint]@{
                    Run = $label; Layers = $config.Model.Layers; LearningRate = $config.Optimizer.Lr; Seed = $config.Seed
                    ResetEachEpoch = $config.Optimizer.ResetEachEpoch; Step = $m.Step; Epoch = $m.Epoch; Layer = $l; Head = $h
                    Entropy = $entropy; NormalizedEntropy = $entropy / $uniform; StableRank = $m.StableRank[$l]
                    TrainLoss = $m.TrainLoss; ValidationLoss = $m.ValidationLoss; ElapsedSeconds = $m.ElapsedSeconds; TokensPerSecond = $m.TokensPerSecond
                }
            }
        }
    }
}
if (-not $points) { throw "No trial under '$SweepPath' has written metrics yet." }
$points | Export-Csv (Join-Path $OutputDirectory 'snapshots.csv') -NoTypeInformation
$averaged = $points | Where-Object Head -eq -1

function Save-Plot($rows, $name, $metric, $title) {
    if ($rows) { $rows | Export-JomaPlot (Join-Path $OutputDirectory $name) -Kind MetricBySteps -Metric $metric -GroupBy Run -Title $title -Force -Width 1200 -Height 700 }
}
$lr4 = $averaged | Where-Object { $_.LearningRate -eq 1e-4 -and $_.Seed -eq 1 -and $_.ResetEachEpoch }
Save-Plot $lr4 'fig6-entropy-by-depth.png' Entropy 'Fig. 6 (austen-kjv): attention entropy per layer, lr 1e-4, one panel per depth'
Save-Plot $lr4 'stable-rank-by-depth.png' StableRank 'Lower-MLP stable rank per layer, lr 1e-4, one panel per depth'
Save-Plot ($averaged | Where-Object LearningRate -ne 1e-4) 'fig8-entropy-by-learning-rate.png' Entropy 'Fig. 8 (austen-kjv): attention entropy per layer at lr 1e-3 and 1e-2'
Save-Plot ($averaged | Where-Object { $_.Layers -eq 1 -and $_.LearningRate -eq 1e-4 }) 'layer0-entropy-seeds-and-control.png' Entropy 'Layer-0 entropy of the 1-layer model at lr 1e-4: seeds 1-3 and the no-reset control'

# One summary row per run: how far it got, the entropy's start, minimum (and step), last value, best validation loss, speed.
$averaged | Where-Object Layer -eq 0 | Group-Object Run | ForEach-Object {
    $rows = $_.Group | Sort-Object Step
    $min = $rows | Sort-Object Entropy | Select-Object -First 1
    $trained = $rows | Where-Object Step -gt 0
    [pscustomobject]@{
        Run = $_.Name; Steps = $rows[-1].Step; Epochs = $rows[-1].Epoch
        StartEntropy = [math]::Round($rows[0].Entropy, 3); MinimumEntropy = [math]::Round($min.Entropy, 3); MinimumStep = $min.Step
        LastEntropy = [math]::Round($rows[-1].Entropy, 3)
        BestValidationLoss = [math]::Round(($rows | Measure-Object ValidationLoss -Minimum).Minimum, 3)
        StableRankStart = [math]::Round($rows[0].StableRank, 1); StableRankMinimum = [math]::Round(($rows | Measure-Object StableRank -Minimum).Minimum, 1); StableRankLast = [math]::Round($rows[-1].StableRank, 1)
        WallHours = [math]::Round($rows[-1].ElapsedSeconds / 3600, 2)
        MedianTokensPerSecond = [math]::Round((($trained | Sort-Object TokensPerSecond)[[int][math]::Floor(($trained.Count - 1) / 2)]).TokensPerSecond)
    }
} | Sort-Object Run | Tee-Object -Variable summary | Export-Csv (Join-Path $OutputDirectory 'summary.csv') -NoTypeInformation
$summary | Format-Table -AutoSize | Out-String -Width 220

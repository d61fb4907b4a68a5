<#
.SYNOPSIS
    Theory meets practice (SCIENCE.md §7): from a corpus's counts, through the JoMA dynamics, to a prediction of
    which context tokens a trained model's attention rises on, scored against that model and against the
    baselines co-occurrence, unigram, PMI, recency, a query-free drive and a permutation null.
.DESCRIPTION
    Default (minutes on two cores): the planted corpus whose answer is known by construction, a small 1-layer
    model trained on it, every checkpoint measured. -Full: the reference 1-layer Wikitext model (the authors'
    settings, lr 1e-4) on the vendored austen-kjv corpus for 2 epochs with a checkpoint every 250 steps, and the
    200 most frequent tokens as queries; or -RunPath to analyse a run that already exists (e.g. the first trial
    of examples/austen-kjv-reference-sweep.yaml; -Query q0, q1, q2, q3 for a planted run). Writes statistics.csv, prediction.csv, observed.csv,
    scores.csv, theory-m1.png and theory-zeta.png to -OutputDirectory and prints the verdicts.
#>
param(
    [switch] $Full,
    [string] $RunPath,
    [string] $OutputDirectory = (Join-Path $PSScriptRoot '../out/examples/theory'),
    [int] $Queries = 200,
    [string[]] $Query,
    [int] $Seed = 1,
    [int] $Bootstrap = 1000,
    # The planted run's size (default mode): training sequences and, when above 0, a cap on the steps.
    [int] $Sequences = 20000,
    [long] $MaxSteps = 0,
    # Only checkpoints up to this step (a run that is still training keeps adding them).
    [long] $MaxStep = [long]::MaxValue
)
$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $PSScriptRoot '../out/JoMA/JoMA.psd1')
$null = New-Item -ItemType Directory -Force -Path $OutputDirectory
$OutputDirectory = (Resolve-Path $OutputDirectory).Path

if (-not $RunPath) {
    $RunPath = Join-Path $OutputDirectory 'run'
    if ($Full) {
        $config = Import-JomaConfig (Join-Path $PSScriptRoot 'wikitext2-reference.yaml')
        $config.Data.Corpus = (Resolve-Path (Join-Path $PSScriptRoot '../data/austen-kjv')).Path
        $config.Model.Layers = 1
        $config.Training.Epochs = 2
        $config.Training.EvaluateEarlyEvery = 250
        $config.Training.EvaluateEarlyUntil = 5000
        $config.Training.KeepEvery = 250
        $train = @{ Config = $config; Seed = $Seed }
    } else {
        $corpus = New-JomaPlantedCorpus -Path (Join-Path $OutputDirectory 'planted') -Sequences $Sequences -ValidationSequences 2000 -Seed $Seed -Force
        $train = @{ Corpus = $corpus.Path; Layers = 1; Heads = 1; ModelDimension = 64; FeedForwardDimension = 64; LearningRate = 1e-3
                    Epochs = 1; EvaluateEvery = 100; KeepEvery = 100; Seed = $Seed }
        if ($MaxSteps -gt 0) { $train.MaxSteps = $MaxSteps; $train.EvaluateEvery = [math]::Max(1, [int]($MaxSteps / 3)); $train.KeepEvery = $train.EvaluateEvery }
    }
    Start-JomaTraining @train -OutputDirectory $RunPath -Force | ForEach-Object { 'step {0,6}: validation loss {1:F3}, layer-0 entropy {2:F3}' -f $_.Step, $_.ValidationLoss, $_.LayerEntropy[0] }
}

# Counts over the run's own windows and vocabulary, the JoMA prediction, and the model's attention at every checkpoint.
$queryArguments = if ($Query) { @{ Query = $Query } } elseif ($corpus) { @{ Query = 'q0', 'q1', 'q2', 'q3' } } else { @{ QueryCount = $Queries } }
$statistics = Measure-JomaCorpusStatistics -RunPath $RunPath @queryArguments
$prediction = $statistics | Invoke-JomaDynamics -Preset Nonlinear
$checkpoints = Get-ChildItem (Join-Path $RunPath 'checkpoints') -Directory -Filter 'step-*' |
    Where-Object { $_.Name -notlike '*.partial' -and [long]($_.Name -replace '^step-', '') -le $MaxStep } | Sort-Object Name
$observed = Measure-JomaTokenAttention -Path $checkpoints.FullName -Statistics $statistics
$scores = $observed | Compare-JomaAttentionPrediction -Statistics $statistics -Prediction $prediction -Bootstrap $Bootstrap -Seed $Seed

$statistics | Export-Csv (Join-Path $OutputDirectory 'statistics.csv') -NoTypeInformation
$prediction | Export-Csv (Join-Path $OutputDirectory 'prediction.csv') -NoTypeInformation
$observed | Export-Csv (Join-Path $OutputDirectory 'observed.csv') -NoTypeInformation
$scores | Export-Csv (Join-Path $OutputDirectory 'scores.csv') -NoTypeInformation

# The step where the model's attention is sparsest (mean over queries of its rows' entropy), and the last step.
$steps = $observed | Where-Object Head -eq -1 | Group-Object Step | ForEach-Object {
    $rows = $_.Group | Group-Object Query | ForEach-Object { $_.Group[0].QueryEntropy }
    [pscustomobject]@{ Step = [long]$_.Name; Entropy = ($rows | Measure-Object -Average).Average }
} | Sort-Object Step
$minimum = ($steps | Sort-Object Entropy | Select-Object -First 1).Step
$last = $steps[-1].Step

$scores | Where-Object { $_.Metric -eq 'M1' -and $null -ne $_.Step } |
    Export-JomaPlot (Join-Path $OutputDirectory 'theory-m1.png') -Metric Median -Title 'M1: Spearman(predicted, observed excess logit), median over queries' -Force
class ZetaPoint { [string] $Query; [string] $Token; [double] $Predicted; [double] $Observed }
$predicted = @{}; foreach ($p in $prediction) { $predicted["$($p.Query)|$($p.Token)"] = $p.ExcessLogit }
$observed | Where-Object { $_.Step -eq $minimum -and $_.Head -eq -1 -and $_.Token -ne '<rest>' -and $null -ne $_.ExcessLogit } | ForEach-Object {
    [ZetaPoint]@{ Query = $_.Query; Token = $_.Token; Predicted = $predicted["$($_.Query)|$($_.Token)"]; Observed = $_.ExcessLogit }
} | Export-JomaPlot (Join-Path $OutputDirectory 'theory-zeta.png') -Kind Scatter -X Predicted -Metric Observed -Force `
    -Title "Predicted vs observed excess logit at step $minimum (the model's entropy minimum)"

"Entropy minimum of the model's attention at step $minimum; last step $last."
foreach ($at in @(@{ Name = 'entropy minimum'; Step = $minimum }, @{ Name = 'end'; Step = $last })) {
    ''
    "At the $($at.Name) (step $($at.Step)):"
    $scores | Where-Object { $_.Step -eq $at.Step -and $_.Metric -in 'M1', 'M5' } | Sort-Object Metric, Predictor |
        Format-Table Metric, Predictor, @{ n = 'Median'; e = { '{0:F3}' -f $_.Median } }, @{ n = 'CI'; e = { '[{0:F3}, {1:F3}]' -f $_.Low, $_.High } },
            Queries, @{ n = 'Theory - this'; e = { if ($null -ne $_.Difference) { '{0:+0.000;-0.000} [{1:F3}, {2:F3}]' -f $_.Difference, $_.DifferenceLow, $_.DifferenceHigh } } }, TheoryBeats |
        Out-String -Width 200
}
'Over all steps:'
$scores | Where-Object { $null -eq $_.Step } | Sort-Object Metric, Predictor |
    Format-Table Metric, Predictor, @{ n = 'Median'; e = { '{0:F3}' -f $_.Median } }, @{ n = 'CI'; e = { '[{0:F3}, {1:F3}]' -f $_.Low, $_.High } }, Queries, TheoryBeats |
    Out-String -Width 200

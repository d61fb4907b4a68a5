<#
.SYNOPSIS
    Reproduces the paper's Table 1: latent/hidden alignment per layer of the hierarchical classifier,
    mean ± std over seeds (each seed builds its own tree and initialisation).
.EXAMPLE
    ./examples/table1.ps1                                   # CPU-sized (table1-cpu.yaml, 3 seeds, minutes)
.EXAMPLE
    ./examples/table1.ps1 -ConfigPath examples/table1-reference.yaml -Seeds 1..5 -Device Cuda -OutputDirectory runs/table1
#>
param(
    [string] $ConfigPath = (Join-Path $PSScriptRoot 'table1-cpu.yaml'),
    [int[]] $Seeds = 1..3,
    [int] $Samples = 1280,
    [string] $Device,
    [string] $OutputDirectory,
    [string] $CsvPath
)
$ErrorActionPreference = 'Stop'
$module = Join-Path $PSScriptRoot '../out/JoMA/JoMA.psd1'
if (-not (Get-Module JoMA)) { Import-Module $module }

$base = Import-JomaConfig $ConfigPath
$rows = foreach ($seed in $Seeds) {
    $config = Import-JomaConfig $ConfigPath
    $config.Seed = $seed
    $config.Hierarchy.Tree.Seed = $seed                  # a new tree per seed, as the paper's 5 runs
    $training = @{ Config = $config; Run = "seed$seed" }
    if ($Device) { $training.Device = $Device }
    if ($OutputDirectory) { $training.OutputDirectory = Join-Path $OutputDirectory "seed$seed"; $training.Force = $true }
    $last = Start-JomaTraining @training | Select-Object -Last 1
    Write-Host ("seed {0}: step {1}, accuracy {2:P1}" -f $seed, $last.Step, $last.Accuracy)
    $last | Measure-JomaLatentAlignment -Samples $Samples | Select-Object Run, Step, Layer, Score, @{ n = 'Accuracy'; e = { $last.Accuracy } }
}
if ($CsvPath) { $rows | Export-Csv $CsvPath }

function Format-MeanStd([double[]] $x) {
    $mean = ($x | Measure-Object -Average).Average
    $std = if ($x.Count -gt 1) { [math]::Sqrt(($x | ForEach-Object { ($_ - $mean) * ($_ - $mean) } | Measure-Object -Sum).Sum / ($x.Count - 1)) } else { 0 }
    '{0:F3} ± {1:F3}' -f $mean, $std
}

$t = $base.Hierarchy.Tree
$setting = 'M={0} L={1} classes={2} latents={3} d={4} layers={5} steps={6}' -f $t.Vocabulary, $t.SequenceLength, $t.Classes, ($t.LatentsPerLayer -join ','), $base.Model.ModelDimension, $base.Model.Layers, $base.Training.MaxSteps
$table = [ordered]@{ Setting = $setting; Seeds = $Seeds.Count }
foreach ($layer in ($rows.Layer | Sort-Object -Unique)) { $table["Layer $layer"] = Format-MeanStd ($rows | Where-Object Layer -eq $layer).Score }
$table['Accuracy'] = Format-MeanStd ($rows | Where-Object Layer -eq 0).Accuracy
"Table 1 (paper: layer 0 ≈ 0.94–1.00, layer 1 ≈ 0.55–0.81)"
[pscustomobject]$table | Format-List

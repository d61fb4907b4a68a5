<#
.SYNOPSIS
    Paper Fig. 4: the nonlinear JoMA dynamics dv/dt = (mu - v) * softmax(v^2/T), "sparse first, then dense".
    The authors' discrete run (seed-0 mu, eta 0.02, 5000 steps) and the adaptive solver on the same ODE.
    Writes CSV + PNG (entropy vs time, and the components of v).
#>
param([switch] $Full, [string] $OutputDirectory = (Join-Path $PSScriptRoot '../out/examples'))
$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $PSScriptRoot '../out/JoMA/JoMA.psd1')
$null = New-Item -ItemType Directory -Force -Path $OutputDirectory
$interval = if ($Full) { 0.02 } else { 0.5 }
$euler = Invoke-JomaDynamics -RandomMu 10 -Seed 0 -Temperature 3 -Method Euler -StepSize 0.02 -Steps 5000 -SampleInterval $interval
$euler | Measure-AttentionSparsity | Export-Csv (Join-Path $OutputDirectory 'fig4-entropy.csv') -NoTypeInformation
$euler | Export-JomaPlot (Join-Path $OutputDirectory 'fig4-entropy.png') -Title 'Fig. 4: attention entropy, seed-0 mu, T = 3 (Euler, eta 0.02)' -Force
$euler | Export-JomaPlot (Join-Path $OutputDirectory 'fig4-v.png') -Metric V -Title 'Fig. 4: components of v approach mu' -Force
$summary = Invoke-JomaDynamics -RandomMu 10 -Seed 0 -Temperature 3 -Until 100 -RelativeTolerance 1e-8 -SummaryOnly
'Euler: min entropy {0:F4} at step {1}; Dormand-Prince: min {2:F4} at t = {3:F3}, H(100) = {4:F4}' -f ($euler.Entropy | Measure-Object -Minimum).Minimum,
    ($euler | Sort-Object Entropy | Select-Object -First 1).Step, $summary.MinEntropy, $summary.MinEntropyTime, $summary.FinalEntropy

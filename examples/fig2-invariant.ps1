<#
.SYNOPSIS
    Paper Fig. 2: the JoMA invariant along SGD on the joint attention + MLP toy. NC(z, z_hat) and each of its
    two terms, for the Gaussian and Random class-conditional distributions. Writes CSV + PNG.
.PARAMETER Full
    The paper's length (2000 steps, every step); the default samples every 10 steps (same curve, smaller CSV).
#>
param([switch] $Full, [string] $OutputDirectory = (Join-Path $PSScriptRoot '../out/examples'), [int] $Steps = 2000)
$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $PSScriptRoot '../out/JoMA/JoMA.psd1')
$null = New-Item -ItemType Directory -Force -Path $OutputDirectory
$interval = if ($Full) { 1 } else { 10 }
foreach ($variant in 'Gaussian', 'Random') {
    $samples = Invoke-JomaJointDynamics -Variant $variant -Steps $Steps -SampleInterval $interval
    $samples | Export-Csv (Join-Path $OutputDirectory "fig2-$($variant.ToLower()).csv") -NoTypeInformation
    $samples | Export-JomaPlot (Join-Path $OutputDirectory "fig2-$($variant.ToLower()).png") -Metric Correlation, CorrelationSquaredTerm, CorrelationMeanTerm `
        -Title "Fig. 2 ($variant): NC of attention logits z and the JoMA prediction" -Force
    '{0,-8} min NC(z, z_hat) {1:F4}, at the end {2:F4}' -f $variant, ($samples.Correlation | Measure-Object -Minimum).Minimum, $samples[-1].Correlation
}

<#
.SYNOPSIS
    Paper Fig. 3: V = U_C^T W of the joint toy at initialisation and after training (distinct tokens grow
    first, the salient ones fastest). Writes CSV (per-step V[0..3, 0]) + PNG heatmaps.
#>
param([switch] $Full, [string] $OutputDirectory = (Join-Path $PSScriptRoot '../out/examples'), [int] $Steps = 2000)
$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $PSScriptRoot '../out/JoMA/JoMA.psd1')
$null = New-Item -ItemType Directory -Force -Path $OutputDirectory
$interval = if ($Full) { 1 } else { 50 }
$samples = Invoke-JomaJointDynamics -Variant Gaussian -Steps $Steps -SampleInterval $interval -IncludeState
$samples | ForEach-Object { [pscustomobject]@{ Step = $_.Step; V0 = $_.V[0, 0]; V1 = $_.V[1, 0]; V2 = $_.V[2, 0]; V3 = $_.V[3, 0] } } |
    Export-Csv (Join-Path $OutputDirectory 'fig3-components.csv') -NoTypeInformation
$samples | Export-JomaPlot (Join-Path $OutputDirectory 'fig3-matrix.png') -Kind Matrix -Step 0, $Steps -Title 'Fig. 3: V(t) at initialisation and after training' -Force
'V[0..3, 0] at step {0}: {1}' -f $Steps, (($samples[-1].V[0, 0], $samples[-1].V[1, 0], $samples[-1].V[2, 0], $samples[-1].V[3, 0] | ForEach-Object { '{0:F3}' -f $_ }) -join ' ')

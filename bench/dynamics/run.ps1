<#
.SYNOPSIS
    Times the engine's Dormand–Prince 5(4) against scipy's solve_ivp(RK45) on NonlinearSoftmax
    (M = 10, t in [0, 100]) at the same rtol/atol: one system (median of repeats) and a batch of
    random-mu systems (the engine through the cmdlet pipeline on all cores, scipy in sequence).
    Also Import-Module time and the first Invoke-JomaDynamics call's latency in a fresh process.
#>
param([int] $BatchSize = 1000, [int] $Repeats = 21, [double] $RelativeTolerance = 1e-8, [double] $AbsoluteTolerance = 1e-10)
$ErrorActionPreference = 'Stop'
Set-Location (Join-Path $PSScriptRoot '../..')
& ./build.ps1 | Out-Null
$module = Resolve-Path ./out/JoMA/JoMA.psd1
$pwshRunner = Join-Path $PWD tools/Invoke-Pwsh.ps1

# Cold start, in fresh processes: Import-Module, then the first call.
$cold = & $pwshRunner -NoProfile -NonInteractive -Command @"
`$w = [Diagnostics.Stopwatch]::StartNew(); Import-Module '$module'; `$import = `$w.Elapsed.TotalMilliseconds
`$w.Restart(); `$null = Invoke-JomaDynamics -Mu 1,2,3 -Until 100 -SummaryOnly; `$first = `$w.Elapsed.TotalMilliseconds
'{0:F0} {1:F0}' -f `$import, `$first
"@
$importMs, $firstMs = ($cold | Select-Object -Last 1) -split ' '

Import-Module $module
$T = 3.0; $until = 100.0
$single = 1..10 | ForEach-Object { 1 + 3 * ($_ - 1) / 9 }
$batch = 0..($BatchSize - 1) | ForEach-Object { , [JoMA.Engine.Dynamics.RandomTargets]::Mu(10, $_) }
$problem = [JoMA.Engine.Dynamics.DynamicsProblem]@{ Mu = [double[]]$single; Temperature = $T }
$options = [JoMA.Engine.Dynamics.SolverOptions]@{ Until = $until; RelativeTolerance = $RelativeTolerance; AbsoluteTolerance = $AbsoluteTolerance }

# Engine, one system: the solver called directly, median of repeats after a warm-up long enough for .NET's
# tiered JIT to reach optimised code. Inside pwsh that takes a few thousand solves (about a second): tier-1
# recompilation waits until the process stops JIT-compiling new methods. The cold figures are printed below.
$warm = [Diagnostics.Stopwatch]::StartNew()
while ($warm.Elapsed.TotalSeconds -lt 3) { $null = [JoMA.Engine.Dynamics.DynamicsSolver]::Solve($problem, $options, $null, 0, [Threading.CancellationToken]::None) }
# Each repeat times 100 back-to-back solves (a PowerShell loop adds < 1 us per call) to stay above timer and scheduler noise.
$none = [Threading.CancellationToken]::None
$times = foreach ($i in 1..$Repeats) {
    $w = [Diagnostics.Stopwatch]::StartNew()
    for ($k = 0; $k -lt 100; $k++) { $summary = [JoMA.Engine.Dynamics.DynamicsSolver]::Solve($problem, $options, $null, 0, $none) }
    $w.Elapsed.TotalSeconds / 100
}
$engineSingle = ($times | Sort-Object)[[int]($Repeats / 2)]
# The same through the cmdlet (what a user types), median of repeats.
$cmdletTimes = foreach ($i in 1..$Repeats) { (Measure-Command { $null = Invoke-JomaDynamics -Mu $single -Temperature $T -Until $until -RelativeTolerance $RelativeTolerance -AbsoluteTolerance $AbsoluteTolerance -SummaryOnly }).TotalSeconds }
$cmdletSingle = ($cmdletTimes | Sort-Object)[[int]($Repeats / 2)]

# Engine, batch: pipeline input by property name, solved on all cores, in order. Warm-up passes for 3 s (as for
# one system, pwsh's JIT takes seconds to settle: the first pass is printed as well), then the median of 5 passes.
$grid = foreach ($mu in $batch) { [pscustomobject]@{ Mu = $mu; Temperature = $T } }
$batchParameters = @{ Until = $until; RelativeTolerance = $RelativeTolerance; AbsoluteTolerance = $AbsoluteTolerance; SummaryOnly = $true }
$warm.Restart()
$coldBatchSeconds = (Measure-Command { $null = $grid | Invoke-JomaDynamics @batchParameters }).TotalSeconds
while ($warm.Elapsed.TotalSeconds -lt 3) { $null = $grid | Invoke-JomaDynamics @batchParameters }
$batchTimes = foreach ($pass in 1..5) {
    $w = [Diagnostics.Stopwatch]::StartNew()
    $engineBatch = $grid | Invoke-JomaDynamics @batchParameters
    $w.Elapsed.TotalSeconds
}
$engineBatchSeconds = ($batchTimes | Sort-Object)[2]

# scipy, same problems, same tolerances, same process-level conditions.
$cfg = Join-Path ([IO.Path]::GetTempPath()) "joma-bench-dynamics.json"
@{ temperature = $T; until = $until; rtol = $RelativeTolerance; atol = $AbsoluteTolerance; single = $single; batch = $batch; repeats = $Repeats } |
    ConvertTo-Json -Depth 4 -Compress | Set-Content $cfg
$scipy = /usr/bin/python3 (Join-Path $PSScriptRoot solve_scipy.py) $cfg | ConvertFrom-Json
Remove-Item $cfg

$maxDiff = 0.0
for ($i = 0; $i -lt $BatchSize; $i++) { $maxDiff = [math]::Max($maxDiff, [math]::Abs($engineBatch[$i].FinalEntropy - $scipy.batch_entropy[$i])) }
$maxDiff = [math]::Max($maxDiff, [math]::Abs($summary.FinalEntropy - $scipy.single_entropy))

$rows = @(
    [pscustomobject]@{ Case = "1 system, solver (rtol $RelativeTolerance)"; JoMA_ms = 1000 * $engineSingle; Scipy_ms = 1000 * $scipy.single_seconds; Speedup = $scipy.single_seconds / $engineSingle; Evaluations = "$($summary.Evaluations) vs $($scipy.single_nfev)" }
    [pscustomobject]@{ Case = '1 system, Invoke-JomaDynamics'; JoMA_ms = 1000 * $cmdletSingle; Scipy_ms = 1000 * $scipy.single_seconds; Speedup = $scipy.single_seconds / $cmdletSingle; Evaluations = '' }
    [pscustomobject]@{ Case = "$BatchSize systems, first pass (JIT warming up)"; JoMA_ms = 1000 * $coldBatchSeconds; Scipy_ms = 1000 * $scipy.batch_seconds; Speedup = $scipy.batch_seconds / $coldBatchSeconds; Evaluations = '' }
    [pscustomobject]@{ Case = "$BatchSize systems (JoMA: $([Environment]::ProcessorCount) cores; scipy: sequence)"; JoMA_ms = 1000 * $engineBatchSeconds; Scipy_ms = 1000 * $scipy.batch_seconds; Speedup = $scipy.batch_seconds / $engineBatchSeconds; Evaluations = '' }
)
$rows | Format-Table Case, @{ n = 'JoMA ms'; e = { '{0:F3}' -f $_.JoMA_ms } }, @{ n = 'scipy ms'; e = { '{0:F1}' -f $_.Scipy_ms } }, @{ n = 'speed-up'; e = { '{0:F0}x' -f $_.Speedup } }, Evaluations -AutoSize | Out-String -Width 200
"max |H_JoMA(100) - H_scipy(100)| over all systems: {0:E2}" -f $maxDiff
"Import-Module: $importMs ms; first Invoke-JomaDynamics (loads libtorch? no: pure C#): $firstMs ms"

<#
.SYNOPSIS
    Builds the module, runs the xunit engine tests and the Pester tests of the built module, and
    prints one closing line "N passed, N failed" counting both. Exit code 0 only when all pass.
#>
param([string] $PesterVersion = '5.7.1')
$ErrorActionPreference = 'Stop'
Set-Location $PSScriptRoot
$env:NO_COLOR = '1'; $env:DOTNET_CLI_TELEMETRY_OPTOUT = '1'; $env:DOTNET_NOLOGO = '1'

dotnet restore ./tools/pester/pester.csproj --verbosity quiet -p:PesterVersion=$PesterVersion
if ($LASTEXITCODE) { throw 'Restoring Pester from NuGet failed.' }
$packages = ((dotnet nuget locals global-packages --list) -replace '^global-packages:\s*', '').Trim()   # honours NUGET_PACKAGES

& ./build.ps1
# The device bundle (issue: CUDA device check): published self-contained, so its CPU path is tested from the bundle alone.
bash ./tools/device/pack.sh
if ($LASTEXITCODE) { throw 'Packing the device bundle (tools/device/pack.sh) failed.' }

# xunit: the engine, without a PowerShell host.
$results = Join-Path $PSScriptRoot 'out/test-results'
Remove-Item -Recurse -Force $results -ErrorAction Ignore
dotnet test ./tests/JoMA.Engine.Tests -c Release --logger 'trx;LogFileName=engine.trx' --results-directory $results --verbosity quiet -nologo
$trx = [xml](Get-Content (Join-Path $results 'engine.trx') -Raw)
$counters = $trx.TestRun.ResultSummary.Counters
$xunitPassed = [int]$counters.passed; $xunitFailed = [int]$counters.failed + [int]$counters.error + [int]$counters.timeout
"xunit: $xunitPassed passed, $xunitFailed failed"

# The Slurm sweep tests need a real one-node cluster on this machine (installed with apt and started here when root).
if ($IsLinux -and (id -u) -eq '0') {
    $clock = [Diagnostics.Stopwatch]::StartNew()
    bash ./tools/slurm/Start-TestCluster.sh
    if ($LASTEXITCODE) { Write-Warning 'The Slurm test cluster did not start; the Slurm sweep tests will fail and say why.' }
    "Slurm test cluster ready after $([int]$clock.Elapsed.TotalSeconds) s"
}

# Pester: the published module, exercised as a user would.
Import-Module (Join-Path $packages "pester/$PesterVersion/tools/Pester.psd1") -Force
$config = New-PesterConfiguration
$config.Run.Path = './tests/pester'
$config.Run.PassThru = $true
$config.Output.Verbosity = 'Detailed'
$config.TestResult.Enabled = $true
$config.TestResult.OutputPath = Join-Path $results 'pester.xml'
$pester = Invoke-Pester -Configuration $config
"Pester: $($pester.PassedCount) passed, $($pester.FailedCount) failed"

$passed = $xunitPassed + $pester.PassedCount
$failed = $xunitFailed + $pester.FailedCount + $(if ($pester.Result -ne 'Passed' -and $pester.FailedCount -eq 0) { 1 } else { 0 })
"$passed passed, $failed failed"
exit ([int]($failed -gt 0))

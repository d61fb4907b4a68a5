<#
.SYNOPSIS
    Runs one trial of a Start-JomaSweep sweep in its own process (started by the local backend, or by the
    Slurm batch script): resumes the trial's run folder from its newest checkpoint (or starts it from step 0
    when it has none), appends everything to trial.log, and records the exit status in exit-code last, so
    that a trial killed mid-run is told apart from one that finished or failed by itself.
#>
param(
    [Parameter(Mandatory)] [string] $Trial,
    [Parameter(Mandatory)] [string] $ModulePath
)
$ErrorActionPreference = 'Stop'
$log = Join-Path $Trial 'trial.log'
$exitFile = Join-Path $Trial 'exit-code'
Remove-Item -LiteralPath $exitFile -ErrorAction Ignore
[ordered]@{ Host = [Environment]::MachineName; Pid = $PID; Started = [DateTime]::UtcNow.ToString('o'); SlurmJob = $env:SLURM_JOB_ID } |
    ConvertTo-Json | Set-Content -LiteralPath (Join-Path $Trial 'process.json')
"$([DateTime]::UtcNow.ToString('o')) trial process $PID on $([Environment]::MachineName) $(if ($env:SLURM_JOB_ID) { "(Slurm job $env:SLURM_ARRAY_JOB_ID`_$env:SLURM_ARRAY_TASK_ID)" })" | Add-Content -LiteralPath $log
$code = 0
try {
    Import-Module $ModulePath
    Start-JomaTraining -ResumeFrom $Trial -Verbose 4>&1 | ForEach-Object {
        if ($_ -is [System.Management.Automation.VerboseRecord]) { "VERBOSE: $($_.Message)" | Add-Content -LiteralPath $log }
    }
    "$([DateTime]::UtcNow.ToString('o')) trial finished" | Add-Content -LiteralPath $log
}
catch {
    $code = 1
    "ERROR: $($_.Exception.Message)" | Add-Content -LiteralPath $log
}
Set-Content -LiteralPath "$exitFile.tmp" -Value $code
Move-Item -LiteralPath "$exitFile.tmp" -Destination $exitFile -Force
exit $code

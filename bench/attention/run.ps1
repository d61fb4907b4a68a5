<#
.SYNOPSIS
    Tokens/second and peak resident memory of Get-JomaAttention (all maps; -ReduceOnly) against a plain eager
    GPT-NeoX in PyTorch (gpt_neox_eager.py) on a random Pythia-70m-shaped checkpoint, at windows 512 and 2048,
    2 threads each. Every case runs in a fresh process, so its VmHWM counts that case only (load + one warm-up window
    included); both sides are timed in steady state, after one window of the measured length, best of -Repeats runs.
#>
param([int] $Threads = 2, [int[]] $WindowLengths = (512, 2048), [int] $Tokens = 4096, [int] $Repeats = 2)
$ErrorActionPreference = 'Stop'
Set-Location (Join-Path $PSScriptRoot '../..')
& ./build.ps1 | Out-Null
$module = Resolve-Path ./out/JoMA/JoMA.psd1
$pwshRunner = Join-Path $PWD tools/Invoke-Pwsh.ps1
Import-Module $module

$folder = Join-Path ([IO.Path]::GetTempPath()) 'joma-bench-pythia70m-random'
if (-not (Test-Path (Join-Path $folder 'model.safetensors'))) {
    [JoMA.Engine.Checkpoints.RandomGptNeoXCheckpoint]::Write($folder, [JoMA.Engine.Checkpoints.RandomGptNeoXCheckpoint]::Pythia70m, 0)
}
$weightsMiB = (Get-Item (Join-Path $folder 'model.safetensors')).Length / 1MB

# One fresh pwsh per case: load, warm up on one window, then time $windows windows (the samples are consumed as they stream).
function Measure-Joma([int] $window, [int] $windows, [string] $mode) {
    $switch = if ($mode -eq 'ReduceOnly') { '-ReduceOnly' } else { '' }
    $script = @"
Import-Module '$module'
`$null = Get-JomaDevice   # loads libtorch, so TorchSharp's types resolve
[TorchSharp.torch]::set_num_threads($Threads)
`$c = Import-JomaCheckpoint -LiteralPath '$folder'
`$ids = [int[]](0..($($window * $windows) - 1) | ForEach-Object { (`$_ * 7919) % 50304 })
`$null = Get-JomaAttention -Checkpoint `$c -TokenId `$ids -WindowLength $window -MaxWindows 1 $switch   # warm-up: kernels for these shapes
`$w = [Diagnostics.Stopwatch]::StartNew()
`$n = 0; Get-JomaAttention -Checkpoint `$c -TokenId `$ids -WindowLength $window $switch | ForEach-Object { `$n += `$_.Length }
`$seconds = `$w.Elapsed.TotalSeconds
`$peak = [long]((Get-Content /proc/self/status | Where-Object { `$_ -like 'VmHWM:*' }) -replace '\D', '')
'{0} {1}' -f (`$n / `$seconds), (`$peak / 1024)
"@
    $line = & $pwshRunner -NoProfile -NonInteractive -Command $script | Select-Object -Last 1
    $tps, $mib = "$line".Trim() -split ' '
    [pscustomobject]@{ TokensPerSecond = [double]$tps; PeakMiB = [double]$mib }
}

# Each case runs $Repeats times, PyTorch and JoMA interleaved; the best tokens/s of each is kept (a shared machine only
# ever slows a run down), and the smallest peak (the same work allocates the same memory).
function Select-Best($runs) {
    [pscustomobject]@{ TokensPerSecond = ($runs.TokensPerSecond | Measure-Object -Maximum).Maximum; PeakMiB = ($runs.PeakMiB | Measure-Object -Minimum).Minimum }
}
$rows = foreach ($window in $WindowLengths) {
    $windows = [math]::Max(1, [int]($Tokens / $window))
    $pyRuns = @(); $allRuns = @(); $reducedRuns = @()
    foreach ($r in 1..$Repeats) {
        $py = /usr/bin/python3 (Join-Path $PSScriptRoot gpt_neox_eager.py) $folder $window $windows $Threads | ConvertFrom-Json
        $pyRuns += [pscustomobject]@{ TokensPerSecond = $py.tokens_per_second; PeakMiB = $py.peak_mib }
        $allRuns += Measure-Joma $window $windows 'AllMaps'
        $reducedRuns += Measure-Joma $window $windows 'ReduceOnly'
    }
    $pyBest = Select-Best $pyRuns; $all = Select-Best $allRuns; $reduced = Select-Best $reducedRuns
    [pscustomobject]@{
        Window = $window; Windows = $windows
        PyTorch_tok_s = [math]::Round($pyBest.TokensPerSecond); PyTorch_MiB = [math]::Round($pyBest.PeakMiB)
        JoMA_all_tok_s = [math]::Round($all.TokensPerSecond); JoMA_all_MiB = [math]::Round($all.PeakMiB)
        JoMA_reduce_tok_s = [math]::Round($reduced.TokensPerSecond); JoMA_reduce_MiB = [math]::Round($reduced.PeakMiB)
        Speedup_all = [math]::Round($all.TokensPerSecond / $pyBest.TokensPerSecond, 2)
        Speedup_reduce = [math]::Round($reduced.TokensPerSecond / $pyBest.TokensPerSecond, 2)
        Memory_reduce_vs_PyTorch = [math]::Round($reduced.PeakMiB / $pyBest.PeakMiB, 2)
    }
    $script:blas = $py.blas; $script:torchVersion = $py.torch; $script:pyThreads = $py.threads
}
"Random Pythia-70m-shaped checkpoint: {0:N0} MiB of float32 weights; {1} threads; PyTorch {2} ({3} threads), BLAS loaded: {4}" -f $weightsMiB, $Threads, $torchVersion, $pyThreads, ($blas -join ', ')
$rows | Format-Table -Property * -AutoSize | Out-String -Width 400   # -Property *: Format-Table shows only 10 columns otherwise
'Targets: Speedup_all >= 1.5 (all maps); Memory_reduce_vs_PyTorch <= 0.5 at 2048.'
'Reference points (HF eager GPT-NeoX, PyTorch 1.13 + OpenBLAS, 2 threads): 785 tok/s & 761 MiB at 512; 340 tok/s & 1812 MiB at 2048.'

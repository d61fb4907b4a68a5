<#
.SYNOPSIS
    Times the theory pipeline's counting pass (Measure-JomaCorpusStatistics: 200 queries over the austen-kjv
    training split, M_C 20, K_n 500, with and without 200 bootstrap resamples) beside an independent numpy count
    of the same N_m, N_lm, mean counts and L2 drives in the same run, checks the two agree, and times the
    predictions for those 200 queries (Invoke-JomaDynamics -Statistics, both presets).
#>
param([string] $Corpus = 'data/austen-kjv', [int] $Queries = 200, [int] $Repeats = 3)
$ErrorActionPreference = 'Stop'
Set-Location (Join-Path $PSScriptRoot '../..')
& ./build.ps1 | Out-Null
Import-Module ./out/JoMA/JoMA.psd1
$common = @{ Corpus = $Corpus; QueryCount = $Queries; Contexts = 20; NextTokens = 500 }

function Get-Median([double[]] $values) { $s = $values | Sort-Object; $s[[int][math]::Floor(($s.Count - 1) / 2)] }
function Measure-Seconds([scriptblock] $block) { $w = [Diagnostics.Stopwatch]::StartNew(); $null = & $block; $w.Elapsed.TotalSeconds }

$null = Measure-JomaCorpusStatistics @common -Bootstrap 0   # warm-up: JIT and the corpus in the page cache
$plain = Get-Median (1..$Repeats | ForEach-Object { Measure-Seconds { Measure-JomaCorpusStatistics @common -Bootstrap 0 } })
$withBootstrap = Get-Median (1..$Repeats | ForEach-Object { Measure-Seconds { Measure-JomaCorpusStatistics @common -Bootstrap 200 } })
$rows = Measure-JomaCorpusStatistics @common -Bootstrap 0 -NoBiasCorrection
$corrected = Measure-JomaCorpusStatistics @common -Bootstrap 0

# numpy counts the listed tokens of the same queries
$listed = [ordered]@{}
foreach ($group in $rows | Where-Object Token -ne '<rest>' | Group-Object Query) { $listed[$group.Name] = @($group.Group.Token) }
$queryFile = [IO.Path]::GetTempFileName()
$listed | ConvertTo-Json -Depth 3 | Set-Content $queryFile
$numpy = /usr/bin/python3 bench/theory/count_numpy.py $Corpus $queryFile 35 20 500 | ConvertFrom-Json
Remove-Item $queryFile

$byKey = @{}; foreach ($r in $rows) { $byKey["$($r.Query)|$($r.Token)"] = $r }
$correctedByKey = @{}; foreach ($r in $corrected) { $correctedByKey["$($r.Query)|$($r.Token)"] = $r }
$countMismatches = 0; $maxDrive = 0.0; $maxCorrected = 0.0; $maxMean = 0.0; $worst = $null; $comparedCorrected = 0
foreach ($n in $numpy.rows) {
    $key = "$($n.query)|$($n.token)"; $ours = $byKey[$key]
    if ($ours.QueryCount -ne $n.query_count -or $ours.Count -ne $n.count) { $countMismatches++ }
    $maxMean = [math]::Max($maxMean, [math]::Abs($ours.MeanCount - $n.mean_count))
    $maxDrive = [math]::Max($maxDrive, [math]::Abs($ours.Drive - $n.drive))
    if (-not $correctedByKey.ContainsKey($key)) { continue }   # the corrected run may list other tokens
    $comparedCorrected++
    $diff = [math]::Abs($correctedByKey[$key].Drive - $n.drive_corrected)
    if ($diff -gt $maxCorrected) { $maxCorrected = $diff; $worst = "$key ours $($correctedByKey[$key].Drive) numpy $($n.drive_corrected) count $($n.count)" }
}

if ($env:JOMA_BENCH_DEBUG) { "worst corrected: $worst" }
$statistics = $corrected
$null = $statistics | Invoke-JomaDynamics -WarningAction SilentlyContinue
$nonlinear = Get-Median (1..$Repeats | ForEach-Object { Measure-Seconds { $statistics | Invoke-JomaDynamics -WarningAction SilentlyContinue } })
$linear = Get-Median (1..$Repeats | ForEach-Object { Measure-Seconds { $statistics | Invoke-JomaDynamics -Preset Linear -WarningAction SilentlyContinue } })
# The engine alone, without PowerShell binding each of the ~4,200 statistics rows to the cmdlet.
$rowsArray = [JoMA.Engine.Theory.CorpusTokenStatistic[]]@($statistics)
$engineOptions = [JoMA.Engine.Theory.AttentionPredictionOptions]::new()
$none = [Threading.CancellationToken]::None
$null = [JoMA.Engine.Theory.AttentionPredictor]::Predict($rowsArray, $engineOptions, $none)
$engine = Get-Median (1..$Repeats | ForEach-Object { Measure-Seconds { [JoMA.Engine.Theory.AttentionPredictor]::Predict($rowsArray, $engineOptions, $none) } })

"Corpus: $Corpus train split, $($numpy.tokens) tokens, vocabulary $($numpy.vocabulary); $Queries queries, M_C 20, K_n 500, bptt 35 x batch 20; median of $Repeats"
''
'{0,-52} {1,10} {2,10} {3,8}' -f 'counting pass', 'JoMA (s)', 'numpy (s)', 'ratio'
'{0,-52} {1,10:F3} {2,10:F3} {3,7:F1}x' -f 'N_m, N_lm, mean counts, L2 drives (no bootstrap)', $plain, $numpy.seconds, ($numpy.seconds / $plain)
'{0,-52} {1,10:F3} {2,10} {3,8}' -f '... with 200 Poisson block-bootstrap resamples', $withBootstrap, '-', '-'
''
"Agreement over $($numpy.rows.Count) listed (query, token) pairs: count mismatches $countMismatches; max |mean count diff| $('{0:E2}' -f $maxMean); max |drive diff| $('{0:E2}' -f $maxDrive) (plain), $('{0:E2}' -f $maxCorrected) (bias-corrected, the $comparedCorrected pairs both runs list)"
''
"Predictions for $(@($statistics | Select-Object -ExpandProperty Query -Unique).Count) queries (Invoke-JomaDynamics -Statistics, 400 samples each): Nonlinear $('{0:F0}' -f ($nonlinear * 1000)) ms, Linear $('{0:F0}' -f ($linear * 1000)) ms; the engine alone (Nonlinear) $('{0:F0}' -f ($engine * 1000)) ms"

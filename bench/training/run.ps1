<#
.SYNOPSIS
    Tokens/second of Start-JomaTraining and of the authors' PyTorch model on the reference shapes
    (vocabulary 28,782 as Wikitext-2, d 200, FFN 200, 1 head, batch 20 x bptt 35, Adam, clip 0.5),
    1 and 2 layers, same thread count; the training FLOP/s beside a large sgemm's in the same process;
    and evaluation with per-head attention statistics against a plain validation pass.
#>
param([int] $Steps = 40, [int[]] $Layers = @(1, 2), [int] $Threads = 2)
$ErrorActionPreference = 'Stop'
Set-Location (Join-Path $PSScriptRoot '../..')
& ./build.ps1 | Out-Null
Import-Module ./out/JoMA/JoMA.psd1
$work = New-Item -ItemType Directory -Force -Path ./out/bench/training
$corpus = Join-Path $work 'corpus'
if (-not (Test-Path (Join-Path $corpus 'wiki.train.tokens'))) { /usr/bin/python3 (Join-Path $PSScriptRoot make_corpus.py) $corpus }

$wikitext = [JoMA.Engine.Text.WikitextCorpus]::FromFolder($corpus)
$vocabulary = $wikitext.BuildVocabulary(1, $null)
$ids = $wikitext.Encode($vocabulary, $wikitext.TrainPath)
$idsFile = Join-Path $work 'ids.json'
ConvertTo-Json -Compress -InputObject ([int[]]$ids[0..((($Steps + 10) * 35 + 1) * 20)]) | Set-Content $idsFile
$sgemm = [JoMA.Engine.Native.MatmulThroughput]::Gflops(2048, 5, 'Cpu')
"vocabulary {0}; libtorch threads {1}; sgemm 2048^3 in this process: {2:F1} GFLOP/s" -f $vocabulary.Count, (Get-JomaDevice).Threads, $sgemm

$d = 200; $ffn = 200; $t = 35; $v = $vocabulary.Count
$rows = foreach ($l in $Layers) {
    # Throughput of the second half of the run: warm, and between two evaluations (TokensPerSecond excludes evaluation).
    $snapshots = Start-JomaTraining -Corpus $corpus -Layers $l -MaxSteps (2 * $Steps) -EvaluateEvery $Steps -Device Cpu -Seed 1
    $joma = $snapshots[-1].TokensPerSecond
    $peer = /usr/bin/python3 (Join-Path $PSScriptRoot pytorch_reference.py) $l $Steps $Threads $idsFile $v | ConvertFrom-Json
    # Matrix-multiply FLOPs per token, forward: layers x (QKV 6d^2 + out 2d^2 + scores/context 4Td + MLP 4 d ffn) + decoder 2 d V; training = 3x forward.
    $flopsPerToken = 3 * ($l * (8 * $d * $d + 4 * $t * $d + 4 * $d * $ffn) + 2 * $d * $v)
    [pscustomobject]@{
        Layers = $l; JoMA = $joma; PyTorch = $peer.tokens_per_second; Ratio = $joma / $peer.tokens_per_second
        TrainingGflops = $joma * $flopsPerToken / 1e9; OfSgemm = $joma * $flopsPerToken / 1e9 / $sgemm; PeerBlas = ($peer.blas -join ', '); PeerThreads = $peer.threads
    }
}
$rows | Format-Table Layers, @{ n = 'JoMA tok/s'; e = { '{0:F0}' -f $_.JoMA } }, @{ n = 'PyTorch tok/s'; e = { '{0:F0}' -f $_.PyTorch } }, @{ n = 'ratio'; e = { '{0:F2}x' -f $_.Ratio } },
    @{ n = 'JoMA GFLOP/s'; e = { '{0:F1}' -f $_.TrainingGflops } }, @{ n = 'of sgemm'; e = { '{0:P0}' -f $_.OfSgemm } }, PeerThreads, PeerBlas -AutoSize | Out-String -Width 250

# Evaluation: full statistics (per-layer and per-head entropy on every window, stable rank, probe) vs the loss alone.
$options = [JoMA.Engine.Models.TransformerOptions]@{ VocabularySize = $v; Layers = 2 }
$model = [JoMA.Engine.Models.TransformerLanguageModel]::new($options)
$validation = [JoMA.Engine.Text.LanguageModelBatches]::new($wikitext.Encode($vocabulary, $wikitext.ValidationPath), 10, 35)
$cpu = [TorchSharp.torch]::CPU
$null = [JoMA.Engine.Training.Evaluator]::ValidationLoss($model, $validation, $cpu, [Threading.CancellationToken]::None)   # warm-up
$plain = (Measure-Command { $null = [JoMA.Engine.Training.Evaluator]::ValidationLoss($model, $validation, $cpu, [Threading.CancellationToken]::None) }).TotalSeconds
$full = (Measure-Command { $null = [JoMA.Engine.Training.Evaluator]::Evaluate($model, $validation, $vocabulary, $cpu, 1, 'bench', 0, [Threading.CancellationToken]::None) }).TotalSeconds
"evaluation over {0} validation windows: plain {1:F2} s, with per-layer/per-head attention statistics {2:F2} s: {3:F2}x" -f $validation.WindowCount, $plain, $full, ($full / $plain)

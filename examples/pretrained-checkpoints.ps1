<#
.SYNOPSIS
    The paper's pretrained-checkpoint study: attention entropy per layer and the stable rank of the lower
    MLP weights across training checkpoints. -Full reads Pythia revisions from a Hugging Face hub cache
    (-HubCache, -Model, -Revision) with -TextPath as the text. The default (smoke) form builds two small
    random GPT-NeoX checkpoints with the project's writer, standing in for two training steps, and feeds
    them seeded token ids: it exercises the pipeline, not the science.
#>
param([switch] $Full, [string] $HubCache, [string] $Model = 'EleutherAI/pythia-70m', [string[]] $Revision = @('step1000', 'step143000'),
      [string] $TextPath, [string] $OutputDirectory = (Join-Path $PSScriptRoot '../out/examples'), [int] $WindowLength = 512, [int] $MaxWindows = 8)
$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $PSScriptRoot '../out/JoMA/JoMA.psd1')
$null = New-Item -ItemType Directory -Force -Path $OutputDirectory
if ($Full) {
    if (-not $HubCache -or -not $TextPath) { throw 'Give -HubCache and -TextPath with -Full.' }
    $checkpoints = Import-JomaCheckpoint -HubCache $HubCache -Model $Model -Revision $Revision
    $samples = $checkpoints | Get-JomaAttention -Path $TextPath -WindowLength $WindowLength -MaxWindows $MaxWindows -ReduceOnly
} else {
    $shape = [JoMA.Engine.Checkpoints.RandomGptNeoXCheckpoint+Shape]::new(512, 64, 3, 4, 256, 256, 0.25)
    $folders = foreach ($step in 1000, 2000) {
        $folder = Join-Path $OutputDirectory "pretrained-smoke/step$step"
        [JoMA.Engine.Checkpoints.RandomGptNeoXCheckpoint]::Write($folder, $shape, $step)
        $folder
    }
    $ids = [int[]](Get-Random -SetSeed 1 -Count 512 -InputObject (0..511))
    $checkpoints = $folders | Import-JomaCheckpoint
    $samples = foreach ($c in $checkpoints) { Get-JomaAttention -Checkpoint $c -TokenId $ids -WindowLength 128 -ReduceOnly }
}
$entropy = $samples | Measure-AttentionSparsity -Aggregate
$entropy | Export-Csv (Join-Path $OutputDirectory 'pretrained-entropy.csv') -NoTypeInformation
$ranks = $checkpoints | Measure-JomaStableRank
$ranks | Export-Csv (Join-Path $OutputDirectory 'pretrained-stable-rank.csv') -NoTypeInformation
$entropy | Export-JomaPlot (Join-Path $OutputDirectory 'pretrained-entropy.png') -Metric Entropy -Title 'Attention entropy per layer across checkpoints' -Force
$entropy | Format-Table Source, Revision, Step, Layer, Entropy -AutoSize | Out-String

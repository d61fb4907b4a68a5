BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../../out/JoMA/JoMA.psd1') -Force
    $script:fixtures = Join-Path $PSScriptRoot '../../../shared/fixtures/hf-reference'
    $script:reference = @{}
    foreach ($m in 'gpt_neox_tiny', 'opt_tiny') { $reference[$m] = Get-Content (Join-Path $fixtures $m 'reference.json') -Raw | ConvertFrom-Json }
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    # A copy of a fixture's config and weights, to add tokenizer files or hub-cache structure to.
    function Copy-Fixture([string] $model, [string] $destination) {
        New-Item -ItemType Directory -Path $destination -Force | Out-Null
        Copy-Item (Join-Path $fixtures $model 'config.json'), (Join-Path $fixtures $model 'model.safetensors') $destination
        $destination
    }
}

Describe 'Import-JomaCheckpoint' {
    It 'describes <_> from its config and hashes its weight files' -ForEach 'gpt_neox_tiny', 'opt_tiny' {
        $c = Import-JomaCheckpoint -Path (Join-Path $fixtures $_)
        $c | Should -BeOfType ([JoMA.Engine.Checkpoints.JomaCheckpoint])
        $c.Architecture | Should -Be $(if ($_ -eq 'opt_tiny') { 'Opt' } else { 'GptNeoX' })
        $c.Layers | Should -Be 2
        $c.Heads | Should -Be 4
        $c.HiddenSize | Should -Be 32
        $c.DType | Should -Be 'Float32'
        $c.IsLoaded | Should -BeFalse
        $c.Sha256['model.safetensors'] | Should -Be $reference[$_].files.'model.safetensors'.sha256
    }

    It 'takes Get-ChildItem -Directory output from the pipeline' {
        $all = Get-ChildItem $fixtures -Directory | Import-JomaCheckpoint
        $all.Model | Should -Be 'gpt_neox_tiny', 'opt_tiny'
    }

    It 'resolves hub-cache revisions, parses steps and warns about byte-identical revisions' {
        $cache = Join-Path $TestDrive 'hub'
        $repo = Join-Path $cache 'models--Org--tiny'
        foreach ($r in @{ step1000 = 'aaaa1000'; step2000 = 'bbbb2000' }.GetEnumerator()) {
            Copy-Fixture 'gpt_neox_tiny' (Join-Path $repo 'snapshots' $r.Value) | Out-Null
            New-Item -ItemType File -Path (Join-Path $repo 'refs' $r.Key) -Value $r.Value -Force | Out-Null
        }
        $c = Import-JomaCheckpoint -HubCache $cache -Model Org/tiny -Revision step1000, step2000 -WarningVariable warnings -WarningAction SilentlyContinue
        $c.Count | Should -Be 2
        $c.Step | Should -Be 1000, 2000
        $c.Revision | Should -Be 'step1000', 'step2000'
        $c.Commit | Should -Be 'aaaa1000', 'bbbb2000'
        $c[0].Model | Should -Be 'Org/tiny'
        @($warnings).Count | Should -Be 1
        "$warnings" | Should -Match 'step2000.*byte-identical.*step1000'
    }

    It 'refuses <Case> with <Id>' -ForEach @(
        @{ Case = 'a missing folder'; Id = 'CheckpointFolderNotFound'; Category = 'ObjectNotFound'; Config = $null; Folder = 'nope' }
        @{ Case = 'a folder without config.json'; Id = 'CheckpointConfigMissing'; Category = 'ObjectNotFound'; Config = $null; Folder = 'empty' }
        @{ Case = 'an unknown architecture'; Id = 'UnsupportedArchitecture'; Category = 'NotImplemented'; Config = '{"model_type": "llama", "hidden_size": 32}'; Folder = 'llama' }
    ) {
        $target = Join-Path $TestDrive $Folder
        if ($Folder -ne 'nope') { New-Item -ItemType Directory $target -Force | Out-Null }
        if ($Config) { Set-Content (Join-Path $target 'config.json') $Config }
        $r = Get-ErrorOf { Import-JomaCheckpoint -LiteralPath $target }
        $r.Output.Count | Should -Be 0
        $r.Error.FullyQualifiedErrorId | Should -BeLike "$Id,*"
        $r.Error.CategoryInfo.Category | Should -Be $Category
    }

    It 'refuses an unknown hub revision with HubRevisionNotFound' {
        $cache = Join-Path $TestDrive 'hub2'
        New-Item -ItemType Directory (Join-Path $cache 'models--Org--tiny/refs') -Force | Out-Null
        $r = Get-ErrorOf { Import-JomaCheckpoint -HubCache $cache -Model Org/tiny -Revision step9 }
        $r.Error.FullyQualifiedErrorId | Should -BeLike 'HubRevisionNotFound,*'
    }
}

Describe 'Get-JomaAttention' {
    It 'gives <_>''s reference per-head entropies through Measure-AttentionSparsity -PerHead' -ForEach 'gpt_neox_tiny', 'opt_tiny' {
        $ref = $reference[$_]
        $c = Import-JomaCheckpoint (Join-Path $fixtures $_)
        for ($s = 0; $s -lt $ref.inputs.Count; $s++) {
            $sample = Get-JomaAttention -Checkpoint $c -TokenId $ref.inputs[$s]
            $sample.Length | Should -Be $ref.inputs[$s].Count
            $sample.Probabilities.Count | Should -Be 2
            $rows = $sample | Measure-AttentionSparsity -PerHead | Where-Object Head -GE 0
            $rows.Count | Should -Be 8
            foreach ($row in $rows) {
                # The fixture uses -sum p ln p; the paper's ln(p + 1e-8) moves a row's entropy by at most T * 1e-8.
                $expected = $ref.attention_entropy.per_layer_per_seq_per_head[$row.Layer][$s][$row.Head]
                [math]::Abs($row.Entropy - $expected) | Should -BeLessThan 1e-5
            }
        }
    }

    It 'keeps the same statistics without maps under -ReduceOnly' {
        $c = Import-JomaCheckpoint (Join-Path $fixtures 'gpt_neox_tiny')
        $ids = $reference['gpt_neox_tiny'].inputs[1]
        $full = Get-JomaAttention -Checkpoint $c -TokenId $ids | Measure-AttentionSparsity -PerHead
        $reduced = Get-JomaAttention -Checkpoint $c -TokenId $ids -ReduceOnly
        $reduced.Probabilities | Should -BeNullOrEmpty
        ($reduced | Measure-AttentionSparsity -PerHead).Entropy | Should -Be $full.Entropy
    }

    It 'keeps only the maps of -Layer and -Head' {
        $c = Import-JomaCheckpoint (Join-Path $fixtures 'opt_tiny')
        $ids = $reference['opt_tiny'].inputs[0]
        $s = Get-JomaAttention -Checkpoint $c -TokenId $ids -Layer 1 -Head 2
        $s.Layers | Should -Be 1
        $s.KeptHeads | Should -Be 2
        $s.Probabilities[0].Count | Should -Be ($ids.Count * $ids.Count)
        $map = $s.Map(1, 2)
        $expected = $reference['opt_tiny'].attentions[1][0][2]
        [math]::Abs($map[4, 2] - $expected[4][2]) | Should -BeLessThan 1e-5
        [math]::Abs($map[6, 6] - $expected[6][6]) | Should -BeLessThan 1e-5
        $map[1, 5] | Should -Be 0
    }

    It 'cuts windows of -WindowLength and stops after -MaxWindows' {
        $c = Import-JomaCheckpoint (Join-Path $fixtures 'gpt_neox_tiny')
        $all = Get-JomaAttention -Checkpoint $c -TokenId (1..20) -WindowLength 8 -ReduceOnly
        $all.Window | Should -Be 0, 1, 2
        $all.ForEach('Length') | Should -Be 8, 8, 4
        $all[2].TokenIds | Should -Be 17, 18, 19, 20
        (Get-JomaAttention -Checkpoint $c -TokenId (1..20) -WindowLength 8 -MaxWindows 2 -ReduceOnly).Count | Should -Be 2
    }

    It 'tokenizes with a tokenizer.json through the native library shipped flat in the module' {
        Join-Path (Get-Module JoMA).ModuleBase 'libhf_tokenizers.so' | Should -Exist
        $folder = Copy-Fixture 'gpt_neox_tiny' (Join-Path $TestDrive 'neox-tok')
        # WordLevel by hand: unknown words are [UNK] (0).
        Set-Content (Join-Path $folder 'tokenizer.json') '{"version":"1.0","truncation":null,"padding":null,"added_tokens":[],"normalizer":null,"pre_tokenizer":{"type":"Whitespace"},"post_processor":null,"decoder":null,"model":{"type":"WordLevel","vocab":{"[UNK]":0,"the":1,"cat":2,"sat":3},"unk_token":"[UNK]"}}'
        $c = Import-JomaCheckpoint $folder
        $s = Get-JomaAttention -Checkpoint $c -Text 'the cat sat on'
        $s.TokenIds | Should -Be 1, 2, 3, 0
        $s.Tokens | Should -Be 'the', 'cat', 'sat', '[UNK]'
        # Pipeline strings (Get-Content lines) are joined into one text.
        ('the cat', 'sat' | Get-JomaAttention -Checkpoint $c).TokenIds | Should -Be 1, 2, 3
        # -Path resolves against the PowerShell location, not the process directory.
        Set-Content (Join-Path $TestDrive 'text.txt') 'cat sat' -Encoding utf8
        Push-Location $TestDrive
        try { (Get-JomaAttention -Checkpoint $c -Path ./text.txt).TokenIds | Should -Be 2, 3 }
        finally { Pop-Location }
    }

    It 'tokenizes OPT text with vocab.json + merges.txt and a leading end-of-sentence id 2' {
        $folder = Copy-Fixture 'opt_tiny' (Join-Path $TestDrive 'opt-tok')
        # Byte-level BPE by hand: "hello" merges fully (15); " world" stops at "Ġwor" (18) + l (6) + d (11).
        Set-Content (Join-Path $folder 'vocab.json') '{"<s>":0,"<pad>":1,"</s>":2,"<unk>":3,"h":4,"e":5,"l":6,"o":7,"Ġ":8,"w":9,"r":10,"d":11,"he":12,"ll":13,"hell":14,"hello":15,"Ġw":16,"or":17,"Ġwor":18,"<|endoftext|>":19}' -Encoding utf8
        Set-Content (Join-Path $folder 'merges.txt') "#version: 0.2`nh e`nl l`nhe ll`nhell o`nĠ w`no r`nĠw or" -Encoding utf8
        $s = Import-JomaCheckpoint $folder | Get-JomaAttention -Text 'hello world'
        $s.TokenIds | Should -Be 2, 15, 18, 6, 11
        $s.Tokens[1..2] | Should -Be 'hello', ' wor'
    }

    It 'unloads a checkpoint that came through the pipeline once its windows are written, and keeps one given with -Checkpoint' {
        $c = Import-JomaCheckpoint (Join-Path $fixtures 'gpt_neox_tiny')
        $null = $c | Get-JomaAttention -TokenId 1, 2, 3 -ReduceOnly
        $c.IsLoaded | Should -BeFalse
        $null = Get-JomaAttention -Checkpoint $c -TokenId 1, 2, 3 -ReduceOnly
        $c.IsLoaded | Should -BeTrue
        $c.Unload()
        $c.IsLoaded | Should -BeFalse
    }

    It 'holds weights as -DType BFloat16 and still gives entropies near the float32 ones' {
        $c = Import-JomaCheckpoint (Join-Path $fixtures 'gpt_neox_tiny') -DType BFloat16
        $c.DType | Should -Be 'BFloat16'
        $c.StoredDType | Should -Be 'float32'
        $ids = $reference['gpt_neox_tiny'].inputs[0]
        $rows = Get-JomaAttention -Checkpoint $c -TokenId $ids | Measure-AttentionSparsity -PerHead | Where-Object Head -GE 0
        foreach ($row in $rows) {
            # bf16 keeps 8 mantissa bits: entropies move by well under 0.05 nats on this model.
            [math]::Abs($row.Entropy - $reference['gpt_neox_tiny'].attention_entropy.per_layer_per_seq_per_head[$row.Layer][0][$row.Head]) | Should -BeLessThan 0.05
        }
    }

    It 'warns when the weights it loads hold NaN' {
        $folder = Copy-Fixture 'gpt_neox_tiny' (Join-Path $TestDrive 'neox-nan')
        $file = Join-Path $folder 'model.safetensors'
        $bytes = [IO.File]::ReadAllBytes($file)
        $headerLength = [BitConverter]::ToUInt64($bytes, 0)
        $header = [Text.Encoding]::UTF8.GetString($bytes, 8, $headerLength) | ConvertFrom-Json
        # The first float of embed_out.weight becomes a quiet NaN (0x7FC00000, little-endian).
        $offset = 8 + $headerLength + $header.'embed_out.weight'.data_offsets[0]
        [byte[]](0x00, 0x00, 0xC0, 0x7F) | ForEach-Object -Begin { $i = 0 } -Process { $bytes[$offset + $i++] = $_ }
        [IO.File]::WriteAllBytes($file, $bytes)
        $s = Import-JomaCheckpoint $folder | Get-JomaAttention -TokenId 1, 2, 3 -WarningVariable warnings -WarningAction SilentlyContinue
        $s.Length | Should -Be 3
        "$warnings" | Should -Match "embed_out\.weight.*1 NaN"
    }

    It 'refuses <Case> with <Id>' -ForEach @(
        @{ Case = '-WindowLength 0'; Id = 'WindowLengthOutOfRange'; Action = { Get-JomaAttention -Checkpoint $c -TokenId 1, 2 -WindowLength 0 } }
        @{ Case = 'empty text'; Id = 'TextEmpty'; Action = { Get-JomaAttention -Checkpoint $c -Text '' } }
        @{ Case = 'an id outside the vocabulary'; Id = 'TokenIdOutOfRange'; Action = { Get-JomaAttention -Checkpoint $c -TokenId 1, 500 } }
        @{ Case = 'a missing tokenizer'; Id = 'TokenizerMissing'; Action = { Get-JomaAttention -Checkpoint $c -Text 'hello' } }
        @{ Case = '-Layer 7'; Id = 'LayerOutOfRange'; Action = { Get-JomaAttention -Checkpoint $c -TokenId 1 -Layer 7 } }
    ) {
        $c = Import-JomaCheckpoint (Join-Path $fixtures 'gpt_neox_tiny')
        $r = Get-ErrorOf $Action
        $r.Output.Count | Should -Be 0
        $r.Error.FullyQualifiedErrorId | Should -BeLike "$Id,*"
    }

    It 'keeps -ReduceOnly peak memory of a Pythia-70m-shaped model at window 2048 below weights + 1.5 GB' {
        $folder = Join-Path $TestDrive 'pythia70m-random'
        [JoMA.Engine.Checkpoints.RandomGptNeoXCheckpoint]::Write($folder, [JoMA.Engine.Checkpoints.RandomGptNeoXCheckpoint]::Pythia70m, 0)
        $weights = (Get-Item (Join-Path $folder 'model.safetensors')).Length
        $module = Join-Path $PSScriptRoot '../../out/JoMA/JoMA.psd1'
        # A fresh process, so VmHWM (peak resident set) counts this extraction only.
        $script = "Import-Module '$module'; `$c = Import-JomaCheckpoint -LiteralPath '$folder'; " +
                  "`$s = Get-JomaAttention -Checkpoint `$c -TokenId (0..2047 | ForEach-Object { (`$_ * 7919) % 50304 }) -ReduceOnly; " +
                  "'{0} {1}' -f `$s.Length, ((Get-Content /proc/self/status | Where-Object { `$_ -like 'VmHWM:*' }) -replace '\D', '')"
        $out = & (Join-Path $PSScriptRoot '../../tools/Invoke-Pwsh.ps1') -NoProfile -NonInteractive -Command $script
        $length, $peakKiB = "$out".Trim() -split ' '
        [int]$length | Should -Be 2048
        [long]$peakKiB * 1KB | Should -BeLessThan ($weights + 1.5GB)
    }
}

Describe 'Measure-JomaStableRank' {
    It 'matches PyTorch''s stable rank of <Model>''s lower MLP weight' -ForEach @(
        # /usr/bin/python3 with Debian's torch 1.13.1: sv = torch.linalg.svdvals(W.double()), (sv**2).sum() / sv.max()**2,
        # for W = layers.N.mlp.dense_h_to_4h.weight (GPT-NeoX) / fc1.weight (OPT) read from each model.safetensors.
        @{ Model = 'gpt_neox_tiny'; Matrix = 'dense_h_to_4h'; Expected = 11.192258952260104, 11.503169736295394; Spectral = 2.948629605464511 }
        @{ Model = 'opt_tiny'; Matrix = 'fc1'; Expected = 11.813122483208689, 10.641055164788042; Spectral = 2.7593102999226002 }
    ) {
        $rows = Import-JomaCheckpoint (Join-Path $fixtures $Model) | Measure-JomaStableRank
        $rows.Count | Should -Be 2
        $rows.Layer | Should -Be 0, 1
        $rows.Matrix | Should -Be $Matrix, $Matrix
        [math]::Abs($rows[0].StableRank - $Expected[0]) | Should -BeLessThan 1e-9
        [math]::Abs($rows[1].StableRank - $Expected[1]) | Should -BeLessThan 1e-9
        [math]::Abs($rows[0].SpectralNorm - $Spectral) | Should -BeLessThan 1e-9
    }

    It 'measures another weight named with -Matrix' {
        $rows = Import-JomaCheckpoint (Join-Path $fixtures 'gpt_neox_tiny') | Measure-JomaStableRank -Matrix dense_4h_to_h
        $rows.Matrix | Should -Be 'dense_4h_to_h', 'dense_4h_to_h'
        $rows[0].StableRank | Should -BeGreaterThan 1
        $rows[0].StableRank | Should -BeLessOrEqual 32
    }

    It 'expands a snapshot''s StableRank array into linear1 rows' {
        $rows = [pscustomobject]@{ Run = 'wt2'; Step = 500; StableRank = [double[]](12.5, 9.75) } | Measure-JomaStableRank
        $rows.Layer | Should -Be 0, 1
        $rows.StableRank | Should -Be 12.5, 9.75
        $rows.Matrix | Should -Be 'linear1', 'linear1'
        $rows.Run | Should -Be 'wt2', 'wt2'
        $rows.Step | Should -Be 500, 500
    }

    It 'refuses <Case> with <Id>' -ForEach @(
        @{ Case = 'an object without StableRank'; Id = 'StableRankInputUnsupported'; Action = { [pscustomobject]@{ Loss = 1 } | Measure-JomaStableRank } }
        @{ Case = 'an unknown -Matrix'; Id = 'MatrixNotFound'; Action = { Import-JomaCheckpoint (Join-Path $fixtures 'opt_tiny') | Measure-JomaStableRank -Matrix dense_h_to_4h } }
    ) {
        $r = Get-ErrorOf $Action
        $r.Output.Count | Should -Be 0
        $r.Error.FullyQualifiedErrorId | Should -BeLike "$Id,*"
    }
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../../out/JoMA/JoMA.psd1') -Force
    $script:corpus = Join-Path $PSScriptRoot '../data/tiny-wikitext'
    # A CPU-sized model on the shipped corpus; the validation text doubles as training text to keep runs short.
    $script:small = @{
        TrainPath = Join-Path $corpus 'wiki.valid.tokens'; ValidationPath = Join-Path $corpus 'wiki.test.tokens'
        ModelDimension = 32; FeedForwardDimension = 64; Heads = 2; Layers = 2; LearningRate = 5e-3; Device = 'Cpu'
    }
}

Describe 'Start-JomaTraining' {
    It 'streams typed snapshots that round-trip through Export-Csv' {
        $csv = Join-Path $TestDrive 'snapshots.csv'
        $snapshots = Start-JomaTraining @small -MaxSteps 30 -EvaluateEvery 10 -OutputDirectory (Join-Path $TestDrive 'run')
        $snapshots.Count | Should -Be 4
        $snapshots[0] | Should -BeOfType ([JoMA.Engine.Training.JomaTrainingSnapshot])
        $snapshots.Step | Should -Be 0, 10, 20, 30
        $snapshots[-1].ValidationLoss | Should -BeLessThan $snapshots[0].ValidationLoss
        $snapshots | Export-Csv $csv
        $rows = Import-Csv $csv
        $rows.Count | Should -Be 4
        [double]$rows[-1].ValidationLoss | Should -Be $snapshots[-1].ValidationLoss
        [double[]]($rows[-1].LayerEntropy -split ';') | Should -Be $snapshots[-1].LayerEntropy.ToArray()
        $rows[-1].Run | Should -Be 'run'
    }

    It 'feeds Measure-AttentionSparsity one row per layer (and head), carrying Run and Step' {
        $snapshot = Start-JomaTraining @small -MaxSteps 10 -EvaluateEvery 10 | Select-Object -Last 1
        $rows = $snapshot | Measure-AttentionSparsity -PerHead
        $rows.Count | Should -Be (2 + 2 * 2)
        $layer0 = $rows | Where-Object { $_.Layer -eq 0 -and $_.Head -eq -1 }
        $layer0.Entropy | Should -Be $snapshot.LayerEntropy[0]
        $layer0.Step | Should -Be 10
        $layer0.Run | Should -Be 'run'
        ($snapshot.Attention | Measure-AttentionSparsity).Count | Should -Be 2
    }

    It 'reads a config from the pipeline, parameters overriding it' {
        $config = New-JomaConfig @small -MaxSteps 5 -EvaluateEvery 5 -Run from-config
        $out = $config | Start-JomaTraining -MaxSteps 10
        $out.Step | Should -Be 0, 5, 10
        $out[0].Run | Should -Be 'from-config'
    }

    It 'resumes exactly where it stopped' {
        $whole = Start-JomaTraining @small -MaxSteps 20 -EvaluateEvery 10 -OutputDirectory (Join-Path $TestDrive 'whole')
        $parted = Join-Path $TestDrive 'parted'
        $null = Start-JomaTraining @small -MaxSteps 10 -EvaluateEvery 10 -OutputDirectory $parted
        $resumed = Start-JomaTraining -ResumeFrom $parted -MaxSteps 20
        $resumed.Step | Should -Be 20
        $resumed.ValidationLoss | Should -Be $whole[-1].ValidationLoss
        $resumed.LayerEntropy.ToArray() | Should -Be $whole[-1].LayerEntropy.ToArray()
    }

    It 'leaves a valid run folder when Select-Object -First stops it' {
        $run = Join-Path $TestDrive 'first'
        $first = Start-JomaTraining @small -MaxSteps 1000 -EvaluateEvery 5 -OutputDirectory $run | Select-Object -First 2
        $first.Step | Should -Be 0, 5
        Test-Path (Join-Path $run 'checkpoints/step-00000005/state.json') | Should -BeTrue
        (Start-JomaTraining -ResumeFrom $run -MaxSteps 10).Step | Should -Be 10
    }

    It 'refuses to overwrite a run without -Force and honours -WhatIf' {
        $run = Join-Path $TestDrive 'exists'
        $null = Start-JomaTraining @small -MaxSteps 2 -EvaluateEvery 2 -OutputDirectory $run
        $e = { Start-JomaTraining @small -MaxSteps 2 -OutputDirectory $run } | Should -Throw -PassThru
        $e.FullyQualifiedErrorId | Should -BeLike 'RunExists,*'
        $whatIf = Join-Path $TestDrive 'whatif'
        Start-JomaTraining @small -MaxSteps 2 -OutputDirectory $whatIf -WhatIf | Should -BeNullOrEmpty
        Test-Path $whatIf | Should -BeFalse
        (Start-JomaTraining @small -MaxSteps 2 -EvaluateEvery 2 -OutputDirectory $run -Force).Count | Should -Be 2
    }

    It 'reports bad input before training: <Name>' -ForEach @(
        @{ Name = 'missing corpus'; Id = 'CorpusNotFound'; Parameters = @{ Corpus = 'no/such/folder' } }
        @{ Name = 'no corpus at all'; Id = 'CorpusMissing'; Parameters = @{ } }
        @{ Name = 'heads not dividing d'; Id = 'HeadsDoNotDivide'; Parameters = @{ Corpus = '.'; ModelDimension = 10; Heads = 3 } }
        @{ Name = 'resume of nothing'; Id = 'RunNotFound'; Parameters = @{ ResumeFrom = 'no/such/run' } }
    ) {
        if ($Parameters.Corpus -eq '.') { $Parameters.Corpus = $corpus }
        $e = { Start-JomaTraining @Parameters -MaxSteps 1 } | Should -Throw -PassThru
        $e.FullyQualifiedErrorId | Should -BeLike "$Id,*"
    }
}

Describe 'Training configs' {
    It 'round-trips New, Export and Import' {
        $path = Join-Path $TestDrive 'c.yaml'
        New-JomaConfig -Layers 5 -LearningRate 1e-3 -Set @{ 'optimizer.name' = 'adamw' } | Export-JomaConfig $path
        $config = Import-JomaConfig $path
        $config.Model.Layers | Should -Be 5
        $config.Optimizer.Lr | Should -Be 1e-3
        $config.Optimizer.Name | Should -Be 'adamw'
        $config.Optimizer.ResetEachEpoch | Should -BeTrue
    }

    It 'refuses to overwrite without -Force' {
        $path = Join-Path $TestDrive 'twice.yaml'
        New-JomaConfig | Export-JomaConfig $path
        $e = { New-JomaConfig | Export-JomaConfig $path -ErrorAction Stop } | Should -Throw -PassThru
        $e.FullyQualifiedErrorId | Should -BeLike 'FileExists,*'
        New-JomaConfig -Layers 3 | Export-JomaConfig $path -Force
        (Import-JomaConfig $path).Model.Layers | Should -Be 3
    }

    It 'names the unknown key and its line' {
        $path = Join-Path $TestDrive 'bad.yaml'
        "seed: 1`nmodel:`n  layers: 2`n  layrs: 3`n" | Set-Content $path
        $e = { Import-JomaConfig $path -ErrorAction Stop } | Should -Throw -PassThru
        $e.FullyQualifiedErrorId | Should -BeLike 'ConfigUnknownKey,*'
        $e.Exception.Message | Should -Match 'layrs'
        $e.Exception.Message | Should -Match 'line 4'
    }

    It 'names the key of a wrong-typed value' {
        $path = Join-Path $TestDrive 'badtype.yaml'
        "optimizer:`n  lr: fast`n" | Set-Content $path
        $e = { Import-JomaConfig $path -ErrorAction Stop } | Should -Throw -PassThru
        $e.FullyQualifiedErrorId | Should -BeLike 'ConfigInvalidValue,*'
        $e.Exception.Message | Should -Match "'lr'"
    }

    It 'ships the reference and CPU configs' {
        $reference = Import-JomaConfig (Join-Path $PSScriptRoot '../../examples/wikitext2-reference.yaml')
        $reference.Model.ModelDimension | Should -Be 200
        $reference.Optimizer.Lr | Should -Be 1e-4
        $reference.Optimizer.Clip | Should -Be 0.5
        $reference.Data.BatchSize | Should -Be 20
        $reference.Data.Bptt | Should -Be 35
        $reference.Optimizer.ResetEachEpoch | Should -BeTrue
        (Import-JomaConfig (Join-Path $PSScriptRoot '../../examples/tiny-cpu.yaml')).Data.Corpus | Should -Exist
    }
}

Describe 'Example sweep configs' {
    It 'expand to the paper''s grid and to the CPU grid' {
        $paper = [JoMA.Engine.Sweeps.SweepDefinition]::Load((Join-Path $PSScriptRoot '../../examples/wikitext2-sweep.yaml'))
        $paper.Grid.Expand($paper.BaseConfig).Count | Should -Be 147
        $tiny = [JoMA.Engine.Sweeps.SweepDefinition]::Load((Join-Path $PSScriptRoot '../../examples/tiny-sweep.yaml'))
        $tiny.Grid.Expand($tiny.BaseConfig).Count | Should -Be 4
    }
}
